"use client";
import { useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import type { AppRouter } from "~/server/trpc/root";
import { useTRPC } from "../_trpc/client";
import { Dashboard } from "./_components/Dashboard";
import { type Column, DataTable } from "../_components/DataTable";

function percent(share: number | null) {
  return share === null ? "—" : `${Math.round(100 * share)}%`;
}

type Outputs = inferRouterOutputs<AppRouter>["dashboard"];

const batchColumns: Column<Outputs["batches"][number]>[] = [
  { header: "Round", value: (b) => b.roundName },
  { header: "Batch", cell: (b) => <Link href={`/research/batches/${b.batchId}`}>{b.batchName}</Link> },
  { header: "Status", value: (b) => b.status.toLowerCase() },
  { header: "Pairs", num: true, value: (b) => b.pairs },
  { header: "Comparisons", num: true, value: (b) => b.comparisons },
  { header: "Labelled", num: true, cell: (b) => `${b.requiredAnnotations ? Math.round((100 * b.comparisons) / b.requiredAnnotations) : 0}%` },
];

const goldColumns: Column<Outputs["goldAccuracy"][number]>[] = [
  { header: "Annotator", value: (g) => g.name, sortable: true },
  { header: "Gold answered", num: true, value: (g) => g.goldAnswered, sortable: true },
  { header: "Choice accuracy", num: true, value: (g) => g.choiceAccuracy, sortable: true, cell: (g) => percent(g.choiceAccuracy) },
  { header: "Strength accuracy", num: true, value: (g) => g.strengthAccuracy, sortable: true, cell: (g) => percent(g.strengthAccuracy) },
];

export default function ResearchHome() {
  const trpc = useTRPC();
  const batches = useQuery(trpc.dashboard.batches.queryOptions());
  const gold = useQuery(trpc.dashboard.goldAccuracy.queryOptions());
  const review = useQuery(trpc.review.counts.queryOptions());
  const open = review.data?.open;
  return (
    <section className="stack">
      <h1>Data by round and batch</h1>
      <nav aria-label="Research tools" className="subnav">
        <Link href="/research/export">Export a dataset</Link>
        <Link href="/research/tokens">API tokens</Link>
        <Link href="/research/review">Review queue</Link>
      </nav>
      {open && (
        <p data-testid="review-summary">
          To review: <Link href="/research/review">{open.flags} flags, {open.skips} skips with a reason, {open.comments} comments</Link>
          {review.data!.removedPairs || review.data!.badPrompts
            ? ` · ${review.data!.removedPairs} pairs removed, ${review.data!.badPrompts} prompts marked bad`
            : ""}
        </p>
      )}
      <DataTable
        label="Batches"
        columns={batchColumns}
        rows={batches.data}
        rowKey={(b) => b.batchId}
        error={batches.error}
        empty="No batches yet."
      />

      <Dashboard />

      <h2>Gold accuracy</h2>
      <DataTable
        label="Gold accuracy"
        columns={goldColumns}
        rows={gold.data}
        rowKey={(g) => g.annotatorId}
        error={gold.error}
        empty="No gold pairs answered yet."
      />
    </section>
  );
}
