"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "../_trpc/client";
import { LoopStatus } from "./_components/LoopStatus";

export default function AdminHome() {
  const trpc = useTRPC();
  const health = useQuery(trpc.health.details.queryOptions(undefined, { refetchInterval: 10_000 }));
  return (
    <section className="stack">
      <h1>Administration</h1>
      <LoopStatus />
      <ul className="links">
        <li>
          <Link href="/admin/users">Users and roles</Link>
        </li>
        <li>
          <Link href="/admin/batches">Batches: status, priority, gold rate</Link>
        </li>
        <li>
          <Link href="/admin/jobs">Jobs: progress, logs, cancel and retry</Link>
        </li>
        <li>
          <Link href="/admin/variants">Policy variants: models, sampling defaults, system prompts</Link>
        </li>
        <li>
          <Link href="/admin/import">Import prompts or an open preference dataset (JSONL, CSV, Parquet)</Link>
        </li>
        <li>
          <Link href="/admin/pair-generation">Generate pairs: sample two responses per prompt into a new batch</Link>
        </li>
        <li>
          <Link href="/admin/reward-models">Reward models: train, evaluate, activate and score (helpfulness and safety)</Link>
        </li>
        <li>
          <Link href="/admin/rounds">Rounds: rejection sampling with the live policy, the next batch of pairs, the loop&apos;s history</Link>
        </li>
      </ul>
      <h2>System</h2>
      {health.data && (
        <dl className="facts">
          <dt>Database</dt>
          <dd data-testid="db-status">
            {health.data.database.ok
              ? `reachable (${health.data.database.latencyMs} ms, ${health.data.database.migrations} migrations)`
              : `unreachable: ${health.data.database.error}`}
          </dd>
          <dt>Workers</dt>
          <dd>
            {health.data.workers.length === 0
              ? "none running"
              : health.data.workers.map((w) => `${w.hostname} (pid ${w.pid})`).join(", ")}
          </dd>
        </dl>
      )}
    </section>
  );
}
