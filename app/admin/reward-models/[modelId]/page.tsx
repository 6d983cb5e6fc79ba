"use client";
// One reward model: its accuracy table and charts, the data it was trained on, its settings,
// and how it does on batches labelled since (score a batch, then read its accuracy there).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useParams } from "next/navigation";
import { useState } from "react";
import { protocolName } from "~/server/preferences/vocabulary";
import type { AppRouter } from "~/server/trpc/root";
import { type Column, DataTable } from "../../../_components/DataTable";
import { ErrorAlert } from "../../../_components/ErrorAlert";
import { useTRPC } from "../../../_trpc/client";
import { percent } from "../../../research/_components/charts";
import { ModelReport, type RewardMetrics } from "../_components/ModelReport";
import "../../../research/_components/dashboard.css";
import "../reward-models.css";

type Snapshot = {
  request: { kind: string; batchIds?: string[]; sources?: string[]; aggregate: string; testFraction: number; seed: number };
  summary: { train: number; test: number; comparisons: number; bySource: Record<string, Record<string, number>>; mixture: { base: number; drawn: number; pool: number; rule: string } };
};

type BatchAccuracy = inferRouterOutputs<AppRouter>["rewardModels"]["accuracyOnBatches"][number];
const batchColumns: Column<BatchAccuracy>[] = [
  { header: "batch", value: (b) => `${b.roundName} · ${b.batchName}` },
  { header: "labels", num: true, value: (b) => b.count },
  { header: "accuracy", num: true, cell: (b) => percent(b.accuracy) },
];

function ScoreBatch({ modelId, active }: { modelId: string; active: boolean }) {
  const trpc = useTRPC();
  const options = useQuery(trpc.rewardModels.trainingOptions.queryOptions());
  const score = useMutation(trpc.rewardModels.score.mutationOptions());
  const [batchId, setBatchId] = useState("");
  return (
    <form
      className="inline-form"
      aria-label="Score a batch"
      onSubmit={(event) => {
        event.preventDefault();
        if (batchId) score.mutate({ target: { by: "batch", batchId }, rewardModelIds: active ? undefined : [modelId] });
      }}
    >
      <label>
        Score a batch
        <select value={batchId} onChange={(e) => setBatchId(e.target.value)}>
          <option value="">—</option>
          {options.data?.batches.map((b) => (
            <option key={b.id} value={b.id}>
              {b.roundName} · {b.name}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={!batchId || score.isPending}>
        Score
      </button>
      <ErrorAlert error={score.error} />
      {score.data && (
        <span role="status">
          Scoring. <Link href={`/admin/jobs/${score.data.jobId}`}>Follow the job</Link>, then reload this page.
        </span>
      )}
    </form>
  );
}

export default function RewardModelPage() {
  const { modelId } = useParams<{ modelId: string }>();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const model = useQuery(trpc.rewardModels.get.queryOptions({ rewardModelId: modelId }));
  const onBatches = useQuery(trpc.rewardModels.accuracyOnBatches.queryOptions({ rewardModelId: modelId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.rewardModels.get.queryKey({ rewardModelId: modelId }) });
  const activate = useMutation(trpc.rewardModels.activate.mutationOptions({ onSuccess: refresh }));
  const retire = useMutation(trpc.rewardModels.retire.mutationOptions({ onSuccess: refresh }));
  const m = model.data;
  const metrics = m?.metrics as RewardMetrics | undefined;
  const snapshot = m?.snapshot as Snapshot | undefined;
  return (
    <section className="stack">
      <p>
        <Link href="/admin/reward-models">← Reward models</Link>
      </p>
      <ErrorAlert error={model.error ?? activate.error ?? retire.error} />
      {m && metrics && (
        <>
          <h1>
            {protocolName(m.kind)} reward model v{m.version} {m.active && <span className="badge">active</span>}
            {m.retiredAt && <span className="badge muted">retired</span>}
          </h1>
          <dl className="facts">
            <dt>Test accuracy</dt>
            <dd data-testid="test-accuracy">{percent(metrics.accuracy)}</dd>
            <dt>Features</dt>
            <dd>
              {m.featureVariant?.name ?? "a removed variant"}, {metrics.features.dims} dimensions ({metrics.features.embedded} inputs embedded,{" "}
              {metrics.features.cached} from the cache)
            </dd>
            <dt>Trained on</dt>
            <dd data-testid="backend">
              TensorFlow.js {m.backend}, {metrics.training.steps} steps in {metrics.training.seconds.toFixed(1)} s
              {m.trainingJobId && (
                <>
                  {" "}
                  (<Link href={`/admin/jobs/${m.trainingJobId}`}>training run</Link>)
                </>
              )}
            </dd>
            {snapshot && (
              <>
                <dt>Data</dt>
                <dd>
                  {snapshot.summary.train} training pairs ({snapshot.summary.mixture.base} of its own kind + {snapshot.summary.mixture.drawn} drawn:{" "}
                  {snapshot.summary.mixture.rule}), {snapshot.summary.test} test pairs ({Math.round(snapshot.request.testFraction * 100)}% held out by
                  pair), from {snapshot.summary.comparisons} comparisons; several labels of a pair: {snapshot.request.aggregate}.
                </dd>
                <dt>Sources (train)</dt>
                <dd>
                  {Object.entries(snapshot.summary.bySource.train ?? {})
                    .map(([s, n]) => `${s === "team" ? "the team" : s}: ${n}`)
                    .join(", ")}
                </dd>
              </>
            )}
            <dt>Settings</dt>
            <dd>
              <code>{JSON.stringify(m.settings)}</code>
            </dd>
          </dl>
          <p className="actions">
            {!m.active && !m.retiredAt && (
              <button type="button" onClick={() => activate.mutate({ rewardModelId: m.id })}>
                Make active
              </button>
            )}
            {!m.retiredAt && (
              <button type="button" className="secondary" onClick={() => retire.mutate({ rewardModelId: m.id })}>
                Retire
              </button>
            )}
          </p>
          <ModelReport metrics={metrics} kind={m.kind} />
          <section className="card stack" aria-label="Accuracy on batches">
            <h2>Accuracy on labelled batches</h2>
            <p className="muted">
              How often this model ranks the chosen response first on the team's labels, pairs it was trained on left out, beside its{" "}
              {percent(metrics.accuracy)} on its own test split. As the policy improves, accuracy on new batches drops: Llama 2 retrained every
              batch. A batch shows here once its responses are scored.
            </p>
            <DataTable
              label="Accuracy on batches"
              columns={batchColumns}
              rows={onBatches.data}
              rowKey={(b) => b.batchId}
              error={onBatches.error}
              empty="No scored batch yet."
            />
            <ScoreBatch modelId={m.id} active={m.active} />
          </section>
        </>
      )}
    </section>
  );
}
