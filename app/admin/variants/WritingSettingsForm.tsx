"use client";
// Which two sides annotators' written prompts are sampled from. Without a setting (or once a
// variant it names is retired) the first active variants are used, shown here as "in effect".
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { type WritingSettings, writingSettingsSchema } from "~/server/prompt-writing/prompt-writing.schema";
import { useTRPC } from "../../_trpc/client";
import { ErrorAlert, FieldError } from "../../_components/ErrorAlert";

type FormValues = z.input<typeof writingSettingsSchema>;
const blank: FormValues = { a: { variantId: "", temperature: 0.6 }, b: { variantId: "", temperature: 1.0 }, topP: 0.9, maxTokens: 512 };

export function WritingSettingsForm({ variants }: { variants: { id: string; name: string; retiredAt: Date | null }[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = useQuery(trpc.promptWriting.settings.queryOptions());
  const save = useMutation(
    trpc.promptWriting.saveSettings.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.promptWriting.settings.queryKey() }) }),
  );
  const form = useForm<FormValues, unknown, WritingSettings>({ resolver: zodResolver(writingSettingsSchema), defaultValues: blank });
  const effective = current.data?.effective;
  useEffect(() => {
    if (effective) form.reset({ a: effective.a, b: effective.b, topP: effective.topP, maxTokens: effective.maxTokens });
  }, [effective, form]);
  const { errors } = form.formState;
  const active = variants.filter((v) => !v.retiredAt);
  const nameOf = (id: string) => variants.find((v) => v.id === id)?.name ?? id;

  return (
    <>
      <h2>Prompt writing</h2>
      <p className="muted" data-testid="writing-sides">
        {effective
          ? `Written prompts are answered by A = ${nameOf(effective.a.variantId)} at T=${effective.a.temperature} and B = ${nameOf(effective.b.variantId)} at T=${effective.b.temperature} (${effective.source === "setting" ? "set here" : "default: the first active variants"}).`
          : "No active variant: annotators cannot write prompts until one is registered."}
      </p>
      <ErrorAlert error={save.error} />
      <form className="grid-form" noValidate aria-label="Prompt writing sides" onSubmit={form.handleSubmit((settings) => save.mutate({ settings }))}>
        {(["a", "b"] as const).map((side) => (
          <fieldset key={side} className="stack" style={{ gridColumn: "span 2", minWidth: 0 }}>
            <legend>Side {side.toUpperCase()}</legend>
            <label>
              Variant
              <select aria-label={`Writing variant ${side.toUpperCase()}`} {...form.register(`${side}.variantId`)}>
                <option value="">—</option>
                {active.map((v) => (
                  <option key={v.id} value={v.id}>
                    {v.name}
                  </option>
                ))}
              </select>
              <FieldError name={`${side}.variantId`} message={errors[side]?.variantId?.message} />
            </label>
            <label>
              Temperature
              <input aria-label={`Writing temperature ${side.toUpperCase()}`} type="number" step={0.05} min={0} max={2} {...form.register(`${side}.temperature`, { valueAsNumber: true })} />
              <FieldError name={`${side}.temperature`} message={errors[side]?.temperature?.message} />
            </label>
          </fieldset>
        ))}
        <label>
          Top-p
          <input aria-label="Writing top-p" type="number" step={0.05} min={0} max={1} {...form.register("topP", { valueAsNumber: true })} />
          <FieldError name="topP" message={errors.topP?.message} />
        </label>
        <label>
          Max tokens
          <input aria-label="Writing max tokens" type="number" step={1} min={1} {...form.register("maxTokens", { valueAsNumber: true })} />
          <FieldError name="maxTokens" message={errors.maxTokens?.message} />
        </label>
        <div>
          <button type="submit" className="primary" disabled={save.isPending}>
            Save prompt-writing sides
          </button>{" "}
          <button type="button" onClick={() => save.mutate({ settings: null })} disabled={save.isPending || !current.data?.settings}>
            Use the first active variants
          </button>
        </div>
      </form>
    </>
  );
}
