"use client";
// Policy variants: the live models that pairs are sampled from. Admins register one (a GGUF file
// for llama.cpp, or the base URL of an OpenAI-compatible server), set its sampling defaults and
// optional system prompt (e.g. a safety preprompt), edit it, and retire it. Nothing is loaded
// here: the workers load models when a job needs them.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useState } from "react";
import { useForm } from "react-hook-form";
import {
  LLAMA2_SAMPLING_DEFAULTS,
  type VariantFormValues,
  type VariantInput,
  variantInput,
} from "~/server/policy-variants/policy-variants.schema";
import type { AppRouter } from "~/server/trpc/root";
import { useTRPC } from "../../_trpc/client";
import { WritingSettingsForm } from "./WritingSettingsForm";
import { ErrorAlert, FieldError } from "../../_components/ErrorAlert";
import { type Column, DataTable } from "../../_components/DataTable";

type Variant = inferRouterOutputs<AppRouter>["policyVariants"]["list"][number];

const emptyForm: VariantFormValues = {
  name: "",
  backend: "LLAMA_CPP",
  modelPath: "",
  baseUrl: "",
  modelName: "",
  apiKeyEnv: "",
  defaults: LLAMA2_SAMPLING_DEFAULTS,
  systemPrompt: "",
  description: "",
};

function formValues(v: Variant): VariantFormValues {
  return {
    name: v.name,
    backend: v.backend,
    modelPath: v.modelPath ?? "",
    baseUrl: v.baseUrl ?? "",
    modelName: v.modelName ?? "",
    apiKeyEnv: v.apiKeyEnv ?? "",
    defaults: v.defaults,
    systemPrompt: v.systemPrompt ?? "",
    description: v.description ?? "",
  };
}

export default function VariantsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const variants = useQuery(trpc.policyVariants.list.queryOptions());
  // A new or retired variant can change the sides prompt writing uses.
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.policyVariants.list.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.promptWriting.settings.queryKey() }),
    ]);
  const [editing, setEditing] = useState<Variant | null>(null);
  const retire = useMutation(trpc.policyVariants.retire.mutationOptions({ onSuccess: refresh }));
  const columns: Column<Variant>[] = [
    {
      header: "Name",
      cell: (v) => (
        <>
          {v.name}
          {v.description && <div className="muted">{v.description}</div>}
        </>
      ),
    },
    { header: "Backend", value: (v) => (v.backend === "LLAMA_CPP" ? "llama.cpp" : "OpenAI-compatible") },
    { header: "Model", cell: (v) => <code>{v.backend === "LLAMA_CPP" ? v.modelPath : `${v.baseUrl}${v.modelName ? ` · ${v.modelName}` : ""}`}</code> },
    { header: "Temperature", num: true, value: (v) => v.defaults.temperature },
    { header: "Top-p", num: true, value: (v) => v.defaults.topP },
    { header: "Max tokens", num: true, value: (v) => v.defaults.maxTokens },
    {
      header: "System prompt",
      cellProps: (v) => ({ title: v.systemPrompt ?? undefined }),
      cell: (v) => (v.systemPrompt ? `${v.systemPrompt.slice(0, 60)}${v.systemPrompt.length > 60 ? "…" : ""}` : <span className="muted">none</span>),
    },
    { header: "Responses", num: true, value: (v) => v.responseCount },
    { header: "Status", value: (v) => (v.retiredAt ? `retired ${v.retiredAt.toISOString().slice(0, 10)}` : "active") },
    {
      header: "",
      cell: (v) => (
        <>
          <button type="button" className="link-button" onClick={() => setEditing(v)}>
            Edit
          </button>{" "}
          <button type="button" onClick={() => retire.mutate({ variantId: v.id, retired: !v.retiredAt })} disabled={retire.isPending}>
            {v.retiredAt ? "Restore" : "Retire"}
          </button>
        </>
      ),
    },
  ];

  return (
    <section className="stack">
      <h1>Policy variants</h1>
      <p className="muted">
        Pair generation and prompt writing sample two responses from two variants, or from one variant at two temperatures
        (Llama 2&apos;s protocol). Workers load the model when a job needs it.
      </p>
      <DataTable
        label="Policy variants"
        columns={columns}
        rows={variants.data}
        rowKey={(v) => v.id}
        rowProps={(v) => ({ "data-variant": v.name })}
        error={variants.error ?? retire.error}
        empty="No variants yet. Register the first one below."
        scroll
      />

      <VariantForm key={editing?.id ?? "new"} editing={editing} onDone={() => { setEditing(null); return refresh(); }} />

      <WritingSettingsForm variants={variants.data ?? []} />
    </section>
  );
}

function VariantForm({ editing, onDone }: { editing: Variant | null; onDone: () => Promise<unknown> }) {
  const trpc = useTRPC();
  const form = useForm<VariantFormValues, unknown, VariantInput>({
    resolver: zodResolver(variantInput),
    defaultValues: editing ? formValues(editing) : emptyForm,
  });
  const create = useMutation(trpc.policyVariants.create.mutationOptions({ onSuccess: () => { form.reset(emptyForm); return onDone(); } }));
  const update = useMutation(trpc.policyVariants.update.mutationOptions({ onSuccess: () => onDone() }));
  const backend = form.watch("backend");
  const errors = form.formState.errors;
  const mutationError = create.error ?? update.error;
  const pending = create.isPending || update.isPending;

  const onSubmit = form.handleSubmit((values) => {
    if (editing) update.mutate({ variantId: editing.id, variant: values });
    else create.mutate(values);
  });

  return (
    <>
      <h2>{editing ? `Edit ${editing.name}` : "Register a variant"}</h2>
      {editing && (
        <p className="muted">
          Responses already sampled keep their own settings. A different model file or server is a different model: register it as a new
          variant so provenance stays exact.
        </p>
      )}
      <ErrorAlert error={mutationError} />
      <form className="grid-form" onSubmit={onSubmit} noValidate aria-label={editing ? "Edit variant" : "Register a variant"}>
        <label>
          Name
          <input type="text" {...form.register("name")} />
          <FieldError name="name" message={errors.name?.message} />
        </label>
        <label>
          Backend
          <select {...form.register("backend")}>
            <option value="LLAMA_CPP">llama.cpp (local GGUF file)</option>
            <option value="OPENAI_COMPATIBLE">OpenAI-compatible server (vLLM, TGI, llama.cpp server, Ollama)</option>
          </select>
        </label>
        {backend === "LLAMA_CPP" ? (
          <label>
            GGUF file
            <input type="text" placeholder="/models/llama-2-7b-chat.Q4_K_M.gguf" {...form.register("modelPath")} />
            <FieldError name="modelPath" message={errors.modelPath?.message} />
          </label>
        ) : (
          <>
            <label>
              Base URL
              <input type="url" placeholder="http://gpu-1:8000/v1" {...form.register("baseUrl")} />
              <FieldError name="baseUrl" message={errors.baseUrl?.message} />
            </label>
            <label>
              Model name
              <input type="text" placeholder="meta-llama/Llama-2-7b-chat-hf" {...form.register("modelName")} />
              <FieldError name="modelName" message={errors.modelName?.message} />
            </label>
            <label>
              API key variable (optional)
              <input type="text" placeholder="POLICY_API_KEY_GPU1" {...form.register("apiKeyEnv")} />
              <span className="muted">The workers' environment variable that holds this server's key; the key itself is never stored.</span>
              <FieldError name="apiKeyEnv" message={errors.apiKeyEnv?.message} />
            </label>
          </>
        )}
        <label>
          Temperature
          <input type="number" step={0.05} min={0} max={2} {...form.register("defaults.temperature", { valueAsNumber: true })} />
          <FieldError name="defaults.temperature" message={errors.defaults?.temperature?.message} />
        </label>
        <label>
          Top-p
          <input type="number" step={0.05} min={0} max={1} {...form.register("defaults.topP", { valueAsNumber: true })} />
          <FieldError name="defaults.topP" message={errors.defaults?.topP?.message} />
        </label>
        <label>
          Max tokens
          <input type="number" step={1} min={1} max={8192} {...form.register("defaults.maxTokens", { valueAsNumber: true })} />
          <FieldError name="defaults.maxTokens" message={errors.defaults?.maxTokens?.message} />
        </label>
        <label style={{ gridColumn: "1 / -1" }}>
          System prompt (optional, e.g. a safety preprompt)
          <textarea rows={3} placeholder="You are a safe and responsible assistant." {...form.register("systemPrompt")} />
          <FieldError name="systemPrompt" message={errors.systemPrompt?.message} />
        </label>
        <label style={{ gridColumn: "1 / -1" }}>
          Description (optional)
          <input type="text" {...form.register("description")} />
          <FieldError name="description" message={errors.description?.message} />
        </label>
        <div>
          <button type="submit" className="primary" disabled={pending}>
            {editing ? "Save changes" : "Register variant"}
          </button>{" "}
          {editing && (
            <button type="button" onClick={() => void onDone()}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </>
  );
}
