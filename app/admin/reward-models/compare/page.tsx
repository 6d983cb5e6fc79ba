"use client";
// Two reward-model versions side by side: the per-strength table, the data and the settings.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense } from "react";
import { protocolName } from "~/server/preferences/vocabulary";
import { ErrorAlert } from "../../../_components/ErrorAlert";
import { useTRPC } from "../../../_trpc/client";
import { type RewardMetrics, StrengthTable } from "../_components/ModelReport";
import "../../../research/_components/dashboard.css";
import "../reward-models.css";

function Comparison() {
  const params = useSearchParams();
  const a = params.get("a") ?? "";
  const b = params.get("b") ?? "";
  const trpc = useTRPC();
  const compare = useQuery(trpc.rewardModels.compare.queryOptions({ a, b }, { enabled: !!a && !!b }));
  const data = compare.data;
  const name = (m: NonNullable<typeof data>["a"]) => `${protocolName(m.kind)} v${m.version}`;
  const summary = (m: NonNullable<typeof data>["a"]) => (m.snapshot as { summary?: { train: number; test: number; comparisons: number } } | null)?.summary;
  return (
    <section className="stack">
      <p>
        <Link href="/admin/reward-models">← Reward models</Link>
      </p>
      <h1>Compare reward models</h1>
      {(!a || !b) && <ErrorAlert error="Tick two versions on the reward models page to compare them." />}
      <ErrorAlert error={compare.error} />
      {data && (
        <>
          <StrengthTable
            label="Test accuracy per strength, both versions"
            rows={[
              { name: name(data.a), metrics: (data.a.metrics as RewardMetrics | null)?.test },
              { name: name(data.b), metrics: (data.b.metrics as RewardMetrics | null)?.test },
            ]}
          />
          <table className="table" aria-label="Data and settings">
            <thead>
              <tr>
                <th />
                <th>{name(data.a)}</th>
                <th>{name(data.b)}</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">train / test pairs</th>
                <td>
                  {summary(data.a)?.train} / {summary(data.a)?.test}
                </td>
                <td>
                  {summary(data.b)?.train} / {summary(data.b)?.test}
                </td>
              </tr>
              <tr>
                <th scope="row">comparisons</th>
                <td>{summary(data.a)?.comparisons}</td>
                <td>{summary(data.b)?.comparisons}</td>
              </tr>
              <tr>
                <th scope="row">features</th>
                <td>
                  {data.a.featureVariant?.name} ({data.a.featureDims} dims)
                </td>
                <td>
                  {data.b.featureVariant?.name} ({data.b.featureDims} dims)
                </td>
              </tr>
              <tr>
                <th scope="row">settings</th>
                <td>
                  <code>{JSON.stringify(data.a.settings)}</code>
                </td>
                <td>
                  <code>{JSON.stringify(data.b.settings)}</code>
                </td>
              </tr>
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

export default function ComparePage() {
  return (
    <Suspense>
      <Comparison />
    </Suspense>
  );
}
