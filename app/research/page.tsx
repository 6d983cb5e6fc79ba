"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../_trpc/client";

export default function ResearchHome() {
  const trpc = useTRPC();
  const batches = useQuery(trpc.dashboard.batches.queryOptions());
  return (
    <section className="stack">
      <h1>Data by round and batch</h1>
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
              <td>{b.batchName}</td>
              <td>{b.status.toLowerCase()}</td>
              <td className="num">{b.pairs}</td>
              <td className="num">{b.comparisons}</td>
              <td className="num">
                {b.requiredAnnotations ? Math.round((100 * b.comparisons) / b.requiredAnnotations) : 0}%
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
