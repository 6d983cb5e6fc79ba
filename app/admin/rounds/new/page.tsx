"use client";
// Set up the next rejection-sampling round: its lineage (the round it follows, the reward models:
// the active ones unless chosen), the prompt pool, K samples per prompt from each arm (a variant
// at a temperature), sampling, Llama 2's combination threshold, the pair strategy and the new
// batch. The server checks everything again and names the field at fault; the job runs in a worker.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { FormProvider, useFieldArray, useForm } from "react-hook-form";
import { z } from "zod";
import { type ParsedRoundRequest, roundRequest } from "~/server/rounds/rounds.schema";
import { ErrorAlert, FieldError } from "../../../_components/ErrorAlert";
import { useTRPC } from "../../../_trpc/client";
import { NewBatchFields, PromptFilterFields, SamplingFields, SideFields } from "../../_components/GenerationFields";
import "../rounds.css";

const optionalInt = z.string().trim().regex(/^\d*$/, "a whole number, or empty");

/** The form's values: the request's shape, with the optional numbers as text. */
const formSchema = z
  .object({
    previousRoundId: z.string(),
    arms: z.array(z.object({ variantId: z.string(), temperature: z.number({ error: "a number" }) })),
    k: z.number({ error: "a whole number" }),
    topP: z.number({ error: "a number" }),
    maxTokens: z.number({ error: "a whole number" }),
    seed: optionalInt,
    pool: z.object({ protocol: z.string(), source: z.string(), batchIds: z.array(z.string()), importId: z.string(), excludeUsed: z.boolean(), count: z.number({ error: "a whole number" }) }),
    rewardModels: z.object({ helpfulnessId: z.string(), safetyId: z.string() }),
    threshold: z.number({ error: "a number" }),
    pairs: z.object({
      strategy: z.enum(["llama2", "best-vs-worst", "least-sure", "mix"]),
      shares: z.object({ llama2: z.number(), "best-vs-worst": z.number(), "least-sure": z.number() }),
      batchSize: optionalInt,
      batchName: z.string(),
      annotationsPerPair: z.number({ error: "a whole number" }),
      priority: z.number({ error: "a whole number" }),
      openWhenDone: z.boolean(),
    }),
    poolWithEarlierRounds: z.boolean(),
  })
  .transform((f, ctx): ParsedRoundRequest => {
    const parsed = roundRequest.safeParse({
      ...f,
      previousRoundId: f.previousRoundId || null,
      seed: f.seed ? Number(f.seed) : null,
      pool: { ...f.pool, protocol: f.pool.protocol || null, batchIds: f.pool.batchIds.filter(Boolean) },
      rewardModels: { helpfulnessId: f.rewardModels.helpfulnessId || null, safetyId: f.rewardModels.safetyId || null },
      pairs: { ...f.pairs, batchSize: f.pairs.batchSize ? Number(f.pairs.batchSize) : null, shares: f.pairs.strategy === "mix" ? f.pairs.shares : undefined },
    });
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
    return z.NEVER;
  });
type FormValues = z.input<typeof formSchema>;

export default function NewRoundPage() {
  const trpc = useTRPC();
  const router = useRouter();
  const options = useQuery(trpc.rounds.setupOptions.queryOptions());
  const start = useMutation(trpc.rounds.start.mutationOptions({ onSuccess: (started) => router.push(`/admin/rounds/${started.roundId}`) }));
  const form = useForm<FormValues, unknown, ParsedRoundRequest>({
    resolver: zodResolver(formSchema),
    defaultValues: {
      previousRoundId: "",
      arms: [],
      k: 4,
      topP: 0.9,
      maxTokens: 256,
      seed: "",
      pool: { protocol: "", source: "", batchIds: [], importId: "", excludeUsed: false, count: 32 },
      rewardModels: { helpfulnessId: "", safetyId: "" },
      threshold: 0.15,
      pairs: { strategy: "llama2", shares: { llama2: 0.5, "best-vs-worst": 0.25, "least-sure": 0.25 }, batchSize: "", batchName: "", annotationsPerPair: 1, priority: 0, openWhenDone: true },
      poolWithEarlierRounds: true,
    },
  });
  const arms = useFieldArray({ control: form.control, name: "arms" });
  const { errors } = form.formState;
  const strategy = form.watch("pairs.strategy");
  const data = options.data;

  // Llama 2's two temperatures of the first variant, once the options arrive.
  useEffect(() => {
    if (!data) return;
    const first = data.variants[0];
    const defaults = (first?.defaults ?? {}) as { maxTokens?: number; topP?: number };
    form.reset({
      ...form.getValues(),
      previousRoundId: data.rounds[0]?.id ?? "",
      arms: first ? [{ variantId: first.id, temperature: 0.9 }, { variantId: first.id, temperature: 1.2 }] : [],
      maxTokens: defaults.maxTokens ?? 256,
      topP: defaults.topP ?? 0.9,
    });
  }, [data, form]);

  const active = (kind: "HELPFULNESS" | "SAFETY") => data?.rewardModels.find((m) => m.kind === kind && m.active);
  const modelLabel = (m: { version: number; accuracy: number | null; active: boolean }) =>
    `v${m.version}${m.active ? " (active)" : ""}${m.accuracy !== null ? `, test accuracy ${Math.round(100 * m.accuracy)}%` : ""}`;

  return (
    <section className="stack">
      <p>
        <Link href="/admin/rounds">← Rounds</Link>
      </p>
      <h1>Set up {data?.next.name ?? "the next round"}</h1>
      <p className="muted">
        For each prompt of the pool, K samples from each arm in one batched call of the policy, scored by both reward models and combined as
        Llama 2 does; the best is kept (the round&apos;s fine-tuning set) and one pair per prompt forms the next batch.
      </p>
      <ErrorAlert error={options.error} />
      {data && !active("SAFETY") && (
        <p className="error" role="alert">
          No active safety reward model: Llama 2&apos;s combination needs it for every prompt. <Link href="/admin/reward-models">Train one and make it active</Link>.
        </p>
      )}
      {data && !active("HELPFULNESS") && (
        <p className="warning" role="status">
          No active helpfulness reward model: only a pool of safety prompts can be sampled. <Link href="/admin/reward-models">Reward models</Link>
        </p>
      )}
      <ErrorAlert error={start.error} testId="round-start-error" />

      <FormProvider {...form}>
        <form className="grid-form" noValidate aria-label="Set up a round" onSubmit={form.handleSubmit((request) => start.mutate(request))}>
          <label>
            Follows
            <select {...form.register("previousRoundId")}>
              <option value="">— (the first round)</option>
              {data?.rounds.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name} ({r.status.toLowerCase()})
                </option>
              ))}
            </select>
          </label>
          <label>
            Helpfulness reward model
            <select {...form.register("rewardModels.helpfulnessId")}>
              <option value="">the active one{active("HELPFULNESS") ? ` (v${active("HELPFULNESS")!.version})` : " (none)"}</option>
              {data?.rewardModels.filter((m) => m.kind === "HELPFULNESS").map((m) => (
                <option key={m.id} value={m.id}>
                  {modelLabel(m)}
                </option>
              ))}
            </select>
            <FieldError name="rewardModels.helpfulnessId" message={errors.rewardModels?.helpfulnessId?.message} />
          </label>
          <label>
            Safety reward model
            <select {...form.register("rewardModels.safetyId")}>
              <option value="">the active one{active("SAFETY") ? ` (v${active("SAFETY")!.version})` : " (none)"}</option>
              {data?.rewardModels.filter((m) => m.kind === "SAFETY").map((m) => (
                <option key={m.id} value={m.id}>
                  {modelLabel(m)}
                </option>
              ))}
            </select>
            <FieldError name="rewardModels.safetyId" message={errors.rewardModels?.safetyId?.message} />
          </label>

          <fieldset className="span-all">
            <legend>Prompt pool</legend>
            <PromptFilterFields
              prefix="pool"
              sources={[...new Set(data?.prompts.map((p) => p.source))].map((name) => ({
                name,
                note: `(${data!.prompts.filter((p) => p.source === name).reduce((n, p) => n + p.prompts, 0)})`,
              }))}
            />
            <label>
              Prompt file
              <select {...form.register("pool.importId")}>
                <option value="">any</option>
                {data?.imports.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.fileName} ({i.sourceName}, {i.inserted})
                  </option>
                ))}
              </select>
            </label>
            <label>
              From batches
              <select multiple size={3} {...form.register("pool.batchIds")}>
                {data?.batches.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.roundName} · {b.name} ({b.pairs} pairs)
                  </option>
                ))}
              </select>
            </label>
            <label>
              How many prompts
              <input type="number" min={1} step={1} {...form.register("pool.count", { valueAsNumber: true })} />
              <FieldError name="pool.count" message={errors.pool?.count?.message} />
            </label>
            <label className="checkbox">
              <input type="checkbox" {...form.register("pool.excludeUsed")} /> Leave out prompts earlier rounds used
            </label>
            <FieldError name="pool" message={errors.pool?.message ?? errors.pool?.excludeUsed?.message} />
          </fieldset>

          <fieldset className="span-all">
            <legend>Arms: K samples per prompt from each</legend>
            {arms.fields.map((field, i) => (
              <div key={field.id} className="arm">
                <SideFields name={`arms.${i}`} variants={data?.variants} labels={{ variant: `Arm ${i + 1} variant`, temperature: `Arm ${i + 1} temperature` }} />
                <button type="button" onClick={() => arms.remove(i)} disabled={arms.fields.length <= 1}>
                  Remove
                </button>
              </div>
            ))}
            <button type="button" onClick={() => arms.append({ variantId: data?.variants[0]?.id ?? "", temperature: 1.0 })}>
              Add an arm
            </button>
            <FieldError name="arms" message={errors.arms?.message ?? errors.arms?.root?.message} />
          </fieldset>

          <label>
            K (samples per prompt and arm)
            <input type="number" min={2} step={1} {...form.register("k", { valueAsNumber: true })} />
            <FieldError name="k" message={errors.k?.message} />
          </label>
          <SamplingFields />
          <label>
            Unsafe below P(safe)
            <input type="number" min={0} max={1} step={0.01} {...form.register("threshold", { valueAsNumber: true })} />
            <FieldError name="threshold" message={errors.threshold?.message} />
          </label>
          <label className="checkbox">
            <input type="checkbox" {...form.register("poolWithEarlierRounds")} /> Keep the best of this and earlier rounds&apos; samples
          </label>

          <fieldset className="span-all">
            <legend>The next batch</legend>
            <label>
              Pairs by
              <select {...form.register("pairs.strategy")}>
                <option value="llama2">Llama 2&apos;s: two arms (variants or temperatures)</option>
                <option value="best-vs-worst">best vs worst by the combined reward</option>
                <option value="least-sure">least sure: closest combined rewards</option>
                <option value="mix">a mix, in shares</option>
              </select>
              <FieldError name="pairs.strategy" message={errors.pairs?.strategy?.message} />
            </label>
            {strategy === "mix" && (
              <>
                {(["llama2", "best-vs-worst", "least-sure"] as const).map((s) => (
                  <label key={s}>
                    Share {s}
                    <input type="number" min={0} max={1} step={0.05} {...form.register(`pairs.shares.${s}`, { valueAsNumber: true })} />
                  </label>
                ))}
                <FieldError name="pairs.shares" message={errors.pairs?.shares?.message} />
              </>
            )}
            <label>
              Pairs (empty: one per prompt)
              <input type="text" inputMode="numeric" {...form.register("pairs.batchSize")} />
              <FieldError name="pairs.batchSize" message={errors.pairs?.batchSize?.message} />
            </label>
            <label>
              Batch name (empty: Batch 1)
              <input type="text" {...form.register("pairs.batchName")} />
            </label>
            <NewBatchFields prefix="pairs" />
          </fieldset>
          <div>
            <button type="submit" className="primary" disabled={start.isPending || !data?.variants.length}>
              Start {data?.next.name ?? "the round"}
            </button>
          </div>
        </form>
      </FormProvider>
    </section>
  );
}
