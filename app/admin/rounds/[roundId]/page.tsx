"use client";
// One round: its lineage and settings, its job's progress pushed live while it runs (useLiveJob,
// the jobs.watch subscription), then Llama 2's figure 7 (the expected best and median combined
// reward of N samples, N = 1 … K, exact from the K samples) and figure 8 (the combined reward of
// kept vs all samples, per arm), the pairs per strategy and links to the batch and the job.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { use, useEffect } from "react";
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { AppRouter } from "~/server/trpc/root";
import { type Column, DataTable } from "../../../_components/DataTable";
import { ErrorAlert } from "../../../_components/ErrorAlert";
import { useTRPC } from "../../../_trpc/client";
import { jobEnded, useLiveJob } from "../../../_trpc/useLiveJob";
import { ChartCard, percent } from "../../../research/_components/charts";
import { JobActions } from "../../jobs/_components/JobActions";
import { formatTime, JobProgress } from "../../jobs/_components/JobProgress";
import "../../jobs/jobs.css";
import "../rounds.css";

const COLORS = ["#2f5fd0", "#d9822b", "#3a9a5b", "#8e44ad", "#b42318", "#1f4e9c"];
const fixed = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "—");

type Arm = inferRouterOutputs<AppRouter>["rounds"]["get"]["arms"][number];
const armColumns: Column<Arm>[] = [
  { header: "Arm", rowHeader: true, value: (a) => `${a.variantName} T=${a.temperature}` },
  { header: "Samples", num: true, value: (a) => a.samples },
  { header: "Kept", num: true, value: (a) => a.kept },
  { header: "Flagged unsafe", num: true, value: (a) => a.flaggedUnsafe },
  { header: "Tokens", num: true, value: (a) => a.tokens },
  { header: "Tokens/s per sample", num: true, value: (a) => (a.generationMs ? (a.tokens / (a.generationMs / 1000)).toFixed(1) : "—") },
];

function LiveJob({ jobId, onEnded }: { jobId: string; onEnded: () => void }) {
  const { job, error } = useLiveJob(jobId);
  const ended = jobEnded(job?.status);
  useEffect(() => {
    if (ended) onEnded();
  }, [ended, onEnded]);
  if (error) return <ErrorAlert error={error} />;
  if (!job) return <p className="muted">Loading the job…</p>;
  const live = job.live as { step?: string; prompt?: number; of?: number; texts?: string[] } | null;
  return (
    <div className="stack">
      <p data-testid="round-job">
        <JobProgress status={job.status} progress={job.progress} message={job.progressMessage} />{" "}
        <JobActions jobId={job.id} status={job.status} cancelRequested={!!job.cancelRequestedAt} /> <Link href={`/admin/jobs/${job.id}`}>the job&apos;s page and log</Link>
      </p>
      <ErrorAlert error={job.error} testId="round-job-error" />
      {!ended && live?.step === "sampling" && live.texts?.length ? (
        <details open>
          <summary>
            Sampling prompt {live.prompt} of {live.of}
          </summary>
          <ol className="job-log">
            {live.texts.map((text, i) => (
              <li key={i}>{text}</li>
            ))}
          </ol>
        </details>
      ) : null}
    </div>
  );
}

export default function RoundPage({ params }: { params: Promise<{ roundId: string }> }) {
  const { roundId } = use(params);
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const round = useQuery(trpc.rounds.get.queryOptions({ roundId }));
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.rounds.get.queryKey({ roundId }) });
  const discard = useMutation(trpc.rounds.discard.mutationOptions({ onSuccess: () => router.push("/admin/rounds") }));
  const complete = useMutation(trpc.rounds.complete.mutationOptions({ onSuccess: refresh }));
  const r = round.data;
  if (round.error) return <ErrorAlert error={round.error} />;
  if (!r) return <p className="muted">Loading…</p>;
  const p = r.parameters;
  const curveData = (points: (typeof r.curves)[number]["points"]) => points.map((x) => ({ n: x.n, best: x.expectedBest, median: x.expectedMedian }));
  const jobFailed = r.job && ["FAILED", "CANCELLED"].includes(r.job.status);

  return (
    <section className="stack">
      <p>
        <Link href="/admin/rounds">← Rounds</Link>
      </p>
      <h1>
        {r.name} <span className="badge">{r.status.toLowerCase()}</span>
      </h1>
      <p className="lineage" aria-label="Lineage">
        {r.previousRound ? <Link href={`/admin/rounds/${r.previousRound.id}`}>← {r.previousRound.name}</Link> : <span>the first round</span>}
        <span>·</span>
        <span>
          policy {r.arms.length ? [...new Set(r.arms.map((a) => a.variantName))].join(", ") : (r.policyVariant?.name ?? "—")}
        </span>
        <span>·</span>
        <span>
          helpfulness RM {r.helpfulness ? <Link href={`/admin/reward-models/${r.helpfulness.id}`}>v{r.helpfulness.version}</Link> : "—"}, safety RM{" "}
          {r.safety ? <Link href={`/admin/reward-models/${r.safety.id}`}>v{r.safety.version}</Link> : "—"}
        </span>
        {r.nextRounds.map((n) => (
          <Link key={n.id} href={`/admin/rounds/${n.id}`}>
            {n.name} →
          </Link>
        ))}
      </p>
      {r.job && <LiveJob jobId={r.job.id} onEnded={() => void refresh()} />}
      <p className="actions">
        {r.status === "ACTIVE" && (
          <button type="button" disabled={complete.isPending} onClick={() => complete.mutate({ roundId })}>
            Mark the round complete
          </button>
        )}
        {jobFailed && r.status === "PLANNED" && (
          <button type="button" disabled={discard.isPending} onClick={() => discard.mutate({ roundId })}>
            Discard this round
          </button>
        )}
      </p>
      <ErrorAlert error={discard.error ?? complete.error} />

      <dl className="facts">
        <dt>Prompts</dt>
        <dd>{p?.prompts ?? "—"}</dd>
        <dt>Arms</dt>
        <dd>{p ? p.arms.map((a) => `T=${a.temperature}`).join(", ") : "—"} (K = {p?.k ?? "—"} each, top-p {p?.topP}, at most {p?.maxTokens} tokens, seed {p?.seed})</dd>
        <dt>Combination</dt>
        <dd>safety reward on safety prompts or when P(safe) &lt; {p?.threshold ?? 0.15}, else helpfulness (Llama 2)</dd>
        <dt>Pairs</dt>
        <dd>
          {p?.pairs.strategy}
          {p?.pairs.strategy === "mix" ? ` (${Object.entries(p.pairs.shares ?? {}).map(([s, w]) => `${s} ${w}`).join(", ")})` : ""}; made:{" "}
          {Object.entries(r.strategies).map(([s, n]) => `${n} ${s}`).join(", ") || "none yet"}
        </dd>
        <dt>Samples</dt>
        <dd>
          {r.samples.count} ({r.samples.scored} scored)
        </dd>
        <dt>Kept (fine-tuning set)</dt>
        <dd>
          {r.kept.count}
          {r.kept.fromEarlierRounds ? `, of which ${r.kept.fromEarlierRounds} from earlier rounds` : ""}
          {r.kept.flaggedUnsafe ? `, ${r.kept.flaggedUnsafe} flagged unsafe` : ""}
          {p?.poolWithEarlierRounds ? " (pooled with earlier rounds' best)" : ""}
          {r.kept.count > 0 && (
            <>
              {" · TRL SFT: "}
              <a href={`/api/export?format=sft&rounds=${r.id}`} data-testid="round-sft-jsonl">
                JSONL
              </a>
              {", "}
              <a href={`/api/export?format=sft&rounds=${r.id}&file=parquet`}>Parquet</a>
              {` (zip with dataset card; CLI: npm run export -- --format sft --rounds ${r.id} --out DIR)`}
            </>
          )}
        </dd>
        <dt>Batch</dt>
        <dd data-testid="round-batch">
          {r.batch ? (
            <>
              <Link href={`/research/batches/${r.batch.id}`}>{r.batch.name}</Link>: {r.batch.status.toLowerCase()}, {r.batch.pairs} pairs, {r.batch.pairsDone} fully labelled,{" "}
              {r.batch.comparisons} labels ({percent(r.batch.comparisons ? r.batch.unsure / r.batch.comparisons : null)} negligibly better / unsure)
            </>
          ) : (
            "not made yet"
          )}
        </dd>
        <dt>Created</dt>
        <dd>{formatTime(r.createdAt)}</dd>
      </dl>

      {r.arms.length > 0 && <DataTable label="Arms" columns={armColumns} rows={r.arms} rowKey={(a) => a.key} />}

      <div className="round-charts">
        {r.curves.map((curve) => {
          const last = curve.points.at(-1);
          const first = curve.points[0];
          return (
            <ChartCard
              key={curve.arm}
              id={`best-of-n-${curve.arm === "all" ? "all" : curve.label.replace(/\W+/g, "-")}`}
              title={`Best of N: ${curve.label}`}
              summary={
                last && first
                  ? `Over ${first.prompts} prompts, the expected best combined reward rises from ${fixed(first.expectedBest)} (N = 1) to ${fixed(last.expectedBest)} (N = ${last.n}); the median stays near ${fixed(last.expectedMedian)}.`
                  : "No scored samples yet."
              }
            >
              <ResponsiveContainer width="100%" height={220}>
                <LineChart data={curveData(curve.points)}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="n" label={{ value: "N samples", position: "insideBottom", offset: -2 }} />
                  <YAxis tickFormatter={(v: number) => v.toFixed(2)} />
                  <Tooltip formatter={(v) => fixed(Number(v))} />
                  <Legend />
                  <Line type="monotone" dataKey="best" name="expected best" stroke={COLORS[0]} dot />
                  <Line type="monotone" dataKey="median" name="expected median" stroke={COLORS[1]} dot />
                </LineChart>
              </ResponsiveContainer>
            </ChartCard>
          );
        })}
        {r.distributions.map((d) => {
          const data = d.edges.slice(0, -1).map((lo, i) => {
            const row: Record<string, number | string> = { bin: `${lo.toFixed(2)}` };
            for (const arm of d.arms) {
              row[`all ${arm.label}`] = arm.all[i]!;
              row[`kept ${arm.label}`] = arm.kept[i]!;
            }
            return row;
          });
          return (
            <ChartCard
              key={d.from}
              id={`reward-${d.from.toLowerCase()}`}
              title={`${d.from === "HELPFULNESS" ? "Helpfulness" : "Safety"} reward: kept vs all samples`}
              summary={`Combined rewards on the ${d.from.toLowerCase()} model's scale (samples flagged unsafe are counted in the arms table), per arm.`}
            >
              <ResponsiveContainer width="100%" height={220}>
                <BarChart data={data}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="bin" />
                  <YAxis allowDecimals={false} />
                  <Tooltip />
                  <Legend />
                  {d.arms.flatMap((arm, i) => [
                    <Bar key={`all-${arm.arm}`} dataKey={`all ${arm.label}`} fill={COLORS[(2 * i) % COLORS.length]} fillOpacity={0.35} />,
                    <Bar key={`kept-${arm.arm}`} dataKey={`kept ${arm.label}`} fill={COLORS[(2 * i) % COLORS.length]} />,
                  ])}
                </BarChart>
              </ResponsiveContainer>
            </ChartCard>
          );
        })}
      </div>
    </section>
  );
}
