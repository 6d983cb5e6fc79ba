"use client";
// One pair of a batch under review: the dialogue, both stored responses side by side (rendered as
// annotators see them), and the
// researcher's gold controls (mark the pair gold with its expected answer, or remove gold).
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { safetyLabelSchema, strengthSchema } from "~/server/annotation/annotation.schema";
import type { AppRouter } from "~/server/trpc/root";
import { useTRPC } from "../../../_trpc/client";
import { protocolName, safetyLabel as safetyLabelInfo, strength as strengthInfo } from "~/server/preferences/vocabulary";
import { ErrorAlert } from "../../../_components/ErrorAlert";
import { PairView } from "../../_components/PairView";

export type BatchPair = inferRouterOutputs<AppRouter>["batches"]["pairs"]["pairs"][number];

const goldFormSchema = z.object({
  choice: z.enum(["A", "B"], { error: "Choose the expected response" }),
  strength: z.union([strengthSchema, z.literal("")]),
  safetyLabel: z.union([safetyLabelSchema, z.literal("")]),
});
type GoldFormIn = z.input<typeof goldFormSchema>;
type GoldFormOut = z.output<typeof goldFormSchema>;

export function PairCard({ pair, index }: { pair: BatchPair; index: number }) {
  const headingId = `pair-${pair.id}-heading`;
  const { protocol, riskCategory } = pair.prompt;
  return (
    <article className="card pair-card" aria-labelledby={headingId} data-pair-id={pair.id}>
      <h2 id={headingId}>Pair {index}</h2>
      <dl className="pair-meta">
        <div>
          <dt>Protocol</dt>
          <dd>{protocolName(protocol)}</dd>
        </div>
        <div>
          <dt>Risk category</dt>
          <dd>{riskCategory ?? "—"}</dd>
        </div>
        <div>
          <dt>Labelled</dt>
          <dd>
            {pair.annotationCount} / {pair.requiredAnnotations}
          </dd>
        </div>
      </dl>

      <PairView pair={pair} />

      {pair.comparisons.length > 0 && (
        <section aria-label="Comments" className="comments">
          <h3>Comments</h3>
          <ul>
            {pair.comparisons.map((c) => (
              <li key={c.id}>
                <span className="muted">
                  {c.annotator?.name ?? "?"} chose {c.chosen}, {strengthInfo(c.strength).phrase}:
                </span>{" "}
                {c.comment}
              </li>
            ))}
          </ul>
        </section>
      )}

      <GoldControls pair={pair} />
    </article>
  );
}

function goldBadgeText(pair: BatchPair) {
  const strength = pair.goldStrength ? ` (${strengthInfo(pair.goldStrength).phrase})` : "";
  return `Gold: ${pair.goldChoice ?? "?"}${strength}`;
}

function GoldControls({ pair }: { pair: BatchPair }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const setGold = useMutation(
    trpc.batches.setGold.mutationOptions({
      onSuccess: () =>
        Promise.all([
          // pathKey() matches the infinite query of every batch page (queryKey() would only match plain queries).
          queryClient.invalidateQueries({ queryKey: trpc.batches.pairs.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.dashboard.goldAccuracy.pathKey() }),
        ]),
    }),
  );
  const isSafety = pair.prompt.protocol === "SAFETY";

  return (
    <div className="gold-controls">
      <ErrorAlert error={setGold.error} />
      {pair.isGold ? (
        <div className="gold-current">
          <span className="badge">{goldBadgeText(pair)}</span>
          {pair.goldSafetyLabel && <span className="muted">Safety: {safetyLabelInfo(pair.goldSafetyLabel).shortName}</span>}
          <button type="button" disabled={setGold.isPending} onClick={() => setGold.mutate({ pairId: pair.id, gold: null })}>
            Remove gold
          </button>
        </div>
      ) : (
        <GoldForm
          pairId={pair.id}
          isSafety={isSafety}
          pending={setGold.isPending}
          onSubmit={(values) =>
            setGold.mutate({
              pairId: pair.id,
              gold: {
                choice: values.choice,
                strength: values.strength || null,
                safetyLabel: isSafety ? values.safetyLabel || null : null,
              },
            })
          }
        />
      )}
    </div>
  );
}

function GoldForm({
  pairId,
  isSafety,
  pending,
  onSubmit,
}: {
  pairId: string;
  isSafety: boolean;
  pending: boolean;
  onSubmit: (values: GoldFormOut) => void;
}) {
  const form = useForm<GoldFormIn, unknown, GoldFormOut>({
    resolver: zodResolver(goldFormSchema),
    defaultValues: { strength: "", safetyLabel: "" },
  });
  const choiceError = form.formState.errors.choice?.message;
  return (
    <form className="gold-form" aria-label="Mark as gold" onSubmit={form.handleSubmit(onSubmit)} noValidate>
      <fieldset aria-describedby={choiceError ? `${pairId}-choice-error` : undefined}>
        <legend>Expected answer</legend>
        <label className="radio">
          <input type="radio" value="A" {...form.register("choice")} />
          Expected A
        </label>
        <label className="radio">
          <input type="radio" value="B" {...form.register("choice")} />
          Expected B
        </label>
      </fieldset>
      <label>
        Expected strength
        <select {...form.register("strength")}>
          <option value="">(not checked)</option>
          {strengthSchema.options.map((s) => (
            <option key={s} value={s}>
              {strengthInfo(s).phrase}
            </option>
          ))}
        </select>
      </label>
      {isSafety && (
        <label>
          Expected safety label
          <select {...form.register("safetyLabel")}>
            <option value="">(not checked)</option>
            {safetyLabelSchema.options.map((s) => (
              <option key={s} value={s}>
                {safetyLabelInfo(s).shortName}
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="submit" className="primary" disabled={pending}>
        Mark as gold
      </button>
      {choiceError && (
        <span className="field-error" id={`${pairId}-choice-error`}>
          {choiceError}
        </span>
      )}
    </form>
  );
}
