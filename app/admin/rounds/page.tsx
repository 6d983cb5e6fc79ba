"use client";
// The loop's history: every round with its lineage, reward models, batch and labels, and how the
// reward models' accuracy and the share of "negligibly better / unsure" labels moved between rounds.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ErrorAlert } from "../../_components/ErrorAlert";
import { useTRPC } from "../../_trpc/client";
import { percent } from "../../research/_components/charts";
import { JobProgress } from "../jobs/_components/JobProgress";
import "../jobs/jobs.css";
import "./rounds.css";

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
      <ErrorAlert error={rounds.error} />
      <table className="table" aria-label="Rounds">
        <thead>
          <tr>
            <th>Round</th>
            <th>Follows</th>
            <th>Status</th>
            <th>Policy</th>
            <th className="num">Helpfulness RM</th>
            <th className="num">Safety RM</th>
            <th className="num">Samples</th>
            <th className="num">Kept</th>
            <th className="num">Pairs</th>
            <th className="num">Labels</th>
            <th className="num">Negligibly better / unsure</th>
          </tr>
        </thead>
        <tbody>
          {rounds.data?.map((r) => (
            <tr key={r.id} data-testid={`round-${r.number}`}>
              <th scope="row">
                <Link href={`/admin/rounds/${r.id}`}>{r.name}</Link>
              </th>
              <td>{r.previousRound?.name ?? "—"}</td>
              <td>{r.job && r.job.status !== "SUCCEEDED" ? <JobProgress status={r.job.status} progress={r.job.progress} message={r.job.progressMessage} /> : r.status.toLowerCase()}</td>
              <td>{r.policyVariant?.name ?? "—"}</td>
              <td className="num">{r.helpfulness ? `v${r.helpfulness.version} · ${percent(r.helpfulness.accuracy)}` : "—"}</td>
              <td className="num">{r.safety ? `v${r.safety.version} · ${percent(r.safety.accuracy)}` : "—"}</td>
              <td className="num">{r.samples}</td>
              <td className="num">{r.kept}</td>
              <td className="num">{r.pairs}</td>
              <td className="num">{r.comparisons}</td>
              <td className="num">{percent(r.unsureShare)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
