"use client";
// Start a pair-generation job: choose prompts (by filter or by ids), the two sides (two variants,
// or one variant at two temperatures: Llama 2's protocol), sampling settings and the new batch.
// The job runs in a worker; its page (/admin/jobs/<id>) shows progress, log and result.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef } from "react";
import { FormProvider, useForm } from "react-hook-form";
import { z } from "zod";
import {
  maxTokensSchema,
  type PairGenerationRequest,
  pairGenerationRequest,
  sideSchema,
  topPSchema,
} from "~/server/pair-generation/pair-generation.schema";
import { useTRPC } from "../../_trpc/client";
import { ErrorAlert, FieldError } from "../../_components/ErrorAlert";
import { NewBatchFields, PromptFilterFields, SamplingFields, SideFields } from "../_components/GenerationFields";

/** The form's fields, flat; turned into the request (and checked by its schema) on submit. */
const formSchema = z
  .object({
    roundId: z.string().min(1, "choose a round"),
    batchName: z.string().trim().min(1, "enter a batch name").max(120),
    by: z.enum(["filter", "ids"]),
    protocol: z.enum(["", "HELPFULNESS", "SAFETY"]),
    source: z.string(),
    count: z.number({ error: "a whole number" }).int("a whole number").min(1, "at least 1"),
    idsText: z.string(),
    a: sideSchema,
    b: sideSchema,
    maxTokens: maxTokensSchema,
    topP: topPSchema,
    seed: z.string().trim().regex(/^\d*$/, "a whole number, or empty for a random one"),
    annotationsPerPair: z.number({ error: "a whole number" }).int("a whole number").min(1, "at least 1").max(20),
    priority: z.number({ error: "a whole number" }).int("a whole number").min(-1000).max(1000),
    openWhenDone: z.boolean(),
  })
  .transform((f, ctx): PairGenerationRequest => {
    const parsed = pairGenerationRequest.safeParse({
      roundId: f.roundId,
      batchName: f.batchName,
      prompts:
        f.by === "ids"
          ? { by: "ids", ids: f.idsText.split(/[\s,]+/).filter(Boolean) }
          : { by: "filter", protocol: f.protocol || null, source: f.source || null, count: f.count },
      a: f.a,
      b: f.b,
      maxTokens: f.maxTokens,
      topP: f.topP,
      seed: f.seed ? Number(f.seed) : null,
      annotationsPerPair: f.annotationsPerPair,
      priority: f.priority,
      openWhenDone: f.openWhenDone,
    });
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const path = issue.path[0] === "prompts" ? [issue.path[1] === "ids" ? "idsText" : "count"] : issue.path;
      ctx.addIssue({ code: "custom", path, message: issue.message });
    }
    return z.NEVER;
  });
type FormValues = z.input<typeof formSchema>;

export default function PairGenerationPage() {
  const trpc = useTRPC();
  const options = useQuery(trpc.pairGeneration.options.queryOptions());
  const start = useMutation(trpc.pairGeneration.start.mutationOptions());
  const form = useForm<FormValues, unknown, PairGenerationRequest>({
    resolver: zodResolver(formSchema),
    defaultValues: {
      roundId: "",
      batchName: "",
      by: "filter",
      protocol: "",
      source: "",
      count: 20,
      idsText: "",
      a: { variantId: "", temperature: 0.6 },
      b: { variantId: "", temperature: 1.0 },
      maxTokens: 512,
      topP: 0.9,
      seed: "",
      annotationsPerPair: 1,
      priority: 0,
      openWhenDone: true,
    },
  });
  const { errors } = form.formState;
  const by = form.watch("by");

  // Sensible starting choices once the options first arrive: the newest round, the first two
  // variants. Only once: a later refetch (the window regains focus, another job added prompts)
  // must not undo what the admin chose.
  const data = options.data;
  const started = useRef(false);
  useEffect(() => {
    if (!data || started.current) return;
    started.current = true;
    const [first, second] = data.variants;
    form.reset({
      ...form.getValues(),
      roundId: data.rounds[0]?.id ?? "",
      a: { variantId: first?.id ?? "", temperature: first?.defaults.temperature ?? 0.6 },
      b: second
        ? { variantId: second.id, temperature: second.defaults.temperature }
        : { variantId: first?.id ?? "", temperature: 1.0 },
      maxTokens: first?.defaults.maxTokens ?? 512,
      topP: first?.defaults.topP ?? 0.9,
    });
  }, [data, form]);


  return (
    <section className="stack">
      <h1>Generate pairs</h1>
      <p className="muted">
        For each prompt, one response from side A and one from side B, stored with their provenance, as a new batch of pairs. Choose two
        variants, or one variant at two temperatures.
      </p>
      <ErrorAlert error={options.error} />
      {data && data.variants.length === 0 && (
        <p className="error" role="alert">
          No active policy variant. <Link href="/admin/variants">Register one</Link> first.
        </p>
      )}
      <ErrorAlert error={start.error} />
      {start.data && (
        <p role="status">
          Queued {start.data.prompts} prompts. <Link href={`/admin/jobs/${start.data.jobId}`}>Follow the job</Link>
        </p>
      )}

      <FormProvider {...form}>
        <form className="grid-form" noValidate aria-label="Generate pairs" onSubmit={form.handleSubmit((request) => start.mutate(request))}>
          <label>
            Round
            <select {...form.register("roundId")}>
              <option value="">—</option>
              {data?.rounds.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name} ({r.status.toLowerCase()})
                </option>
              ))}
            </select>
            <FieldError name="roundId" message={errors.roundId?.message} />
          </label>
          <label>
            New batch name
            <input type="text" {...form.register("batchName")} />
            <FieldError name="batchName" message={errors.batchName?.message} />
          </label>
          <label>
            Prompts
            <select {...form.register("by")}>
              <option value="filter">by protocol and source</option>
              <option value="ids">by id</option>
            </select>
          </label>
          {by === "filter" ? (
            <>
              <PromptFilterFields sources={[...new Set(data?.sources.map((s) => s.source))].map((name) => ({ name }))} />
              <label>
                How many
                <input type="number" min={1} step={1} {...form.register("count", { valueAsNumber: true })} />
                <FieldError name="count" message={errors.count?.message} />
              </label>
            </>
          ) : (
            <label style={{ gridColumn: "1 / -1" }}>
              Prompt ids (separated by spaces, commas or lines)
              <textarea rows={3} {...form.register("idsText")} />
              <FieldError name="idsText" message={errors.idsText?.message} />
            </label>
          )}
          {(["a", "b"] as const).map((side) => (
            <fieldset key={side} className="stack" style={{ gridColumn: "span 2", minWidth: 0 }}>
              <legend>Side {side.toUpperCase()}</legend>
              <SideFields name={side} variants={data?.variants} labels={{ variant: `Variant ${side.toUpperCase()}`, temperature: `Temperature ${side.toUpperCase()}` }} />
            </fieldset>
          ))}
          <SamplingFields />
          <NewBatchFields />
          <div>
            <button type="submit" className="primary" disabled={start.isPending || !data?.variants.length}>
              Start generating
            </button>
          </div>
        </form>
      </FormProvider>
    </section>
  );
}
