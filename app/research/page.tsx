"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "../_trpc/client";
import { Dashboard } from "./_components/Dashboard";
import { EmptyRow } from "../_components/EmptyRow";

function percent(share: number | null) {
  return share === null ? "—" : `${Math.round(100 * share)}%`;
}

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
      {batches.error && <p className="error">{batches.error.message}</p>}
      <table className="table" aria-label="Batches">
        <thead>
          <tr>
            <th>Round</th>
            <th>Batch</th>
            <th>Status</th>
            <th className="num">Pairs</th>
            <th className="num">Comparisons</th>
            <th className="num">Labelled</th>
          </tr>
        </thead>
        <tbody>
          {batches.data?.map((b) => (
            <tr key={b.batchId}>
              <td>{b.roundName}</td>
              <td>
                <Link href={`/research/batches/${b.batchId}`}>{b.batchName}</Link>
              </td>
              <td>{b.status.toLowerCase()}</td>
              <td className="num">{b.pairs}</td>
              <td className="num">{b.comparisons}</td>
              <td className="num">
                {b.requiredAnnotations ? Math.round((100 * b.comparisons) / b.requiredAnnotations) : 0}%
              </td>
            </tr>
          ))}
          {batches.data?.length === 0 && <EmptyRow colSpan={6}>No batches yet.</EmptyRow>}
        </tbody>
      </table>

      <Dashboard />

      <h2>Gold accuracy</h2>
      {gold.error && <p className="error">{gold.error.message}</p>}
      {gold.data && gold.data.length === 0 ? (
        <p className="muted">No gold pairs answered yet.</p>
      ) : (
        <table className="table" aria-label="Gold accuracy">
          <thead>
            <tr>
              <th>Annotator</th>
              <th className="num">Gold answered</th>
              <th className="num">Choice accuracy</th>
              <th className="num">Strength accuracy</th>
            </tr>
          </thead>
          <tbody>
            {gold.data?.map((g) => (
              <tr key={g.annotatorId}>
                <td>{g.name}</td>
                <td className="num">{g.goldAnswered}</td>
                <td className="num">{percent(g.choiceAccuracy)}</td>
                <td className="num">{percent(g.strengthAccuracy)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
