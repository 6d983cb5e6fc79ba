"use client";
// The loop's history: every round with its lineage, reward models, batch and labels, and how the
// reward models' accuracy and the share of "negligibly better / unsure" labels moved between rounds.
import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import type { AppRouter } from "~/server/trpc/root";
import { type Column, DataTable } from "../../_components/DataTable";
import { useTRPC } from "../../_trpc/client";
import { percent } from "../../research/_components/charts";
import { JobProgress } from "../jobs/_components/JobProgress";
import "../jobs/jobs.css";
import "./rounds.css";

type Round = inferRouterOutputs<AppRouter>["rounds"]["list"][number];
const model = (m: Round["helpfulness"]) => (m ? `v${m.version} · ${percent(m.accuracy)}` : "—");

const columns: Column<Round>[] = [
  { header: "Round", rowHeader: true, cell: (r) => <Link href={`/admin/rounds/${r.id}`}>{r.name}</Link> },
  { header: "Follows", value: (r) => r.previousRound?.name ?? "—" },
  {
    header: "Status",
    cell: (r) =>
      r.job && r.job.status !== "SUCCEEDED" ? <JobProgress status={r.job.status} progress={r.job.progress} message={r.job.progressMessage} /> : r.status.toLowerCase(),
  },
  { header: "Policy", value: (r) => r.policyVariant?.name ?? "—" },
  { header: "Helpfulness RM", num: true, cell: (r) => model(r.helpfulness) },
  { header: "Safety RM", num: true, cell: (r) => model(r.safety) },
  { header: "Samples", num: true, value: (r) => r.samples },
  { header: "Kept", num: true, value: (r) => r.kept },
  { header: "Pairs", num: true, value: (r) => r.pairs },
  { header: "Labels", num: true, value: (r) => r.comparisons },
  { header: "Negligibly better / unsure", num: true, cell: (r) => percent(r.unsureShare) },
];

export default function RoundsPage() {
  const trpc = useTRPC();
  const rounds = useQuery(trpc.rounds.list.queryOptions(undefined, { refetchInterval: 5_000 }));
  return (
    <section className="stack">
      <h1>Rounds</h1>
      <p className="muted">
        Each rejection-sampling round samples K responses per prompt from the live policy, keeps the best by the combined reward (its
        fine-tuning set) and puts the next batch of pairs before annotators.
      </p>
      <p>
        <Link href="/admin/rounds/new" className="button primary">
          Set up the next round
        </Link>
      </p>
      <DataTable
        label="Rounds"
        columns={columns}
        rows={rounds.data}
        rowKey={(r) => r.id}
        rowProps={(r) => ({ "data-testid": `round-${r.number}` })}
        error={rounds.error}
        empty="No rounds yet."
      />
    </section>
  );
}
