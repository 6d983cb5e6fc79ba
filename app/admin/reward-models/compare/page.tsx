"use client";
// Two reward-model versions side by side: the per-strength table, the data and the settings.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import type { inferRouterOutputs } from "@trpc/server";
import { type ReactNode, Suspense } from "react";
import { protocolName } from "~/server/preferences/vocabulary";
import type { AppRouter } from "~/server/trpc/root";
import { DataTable } from "../../../_components/DataTable";
import { ErrorAlert } from "../../../_components/ErrorAlert";
import { useTRPC } from "../../../_trpc/client";
import { type RewardMetrics, StrengthTable } from "../_components/ModelReport";
import "../../../research/_components/dashboard.css";
import "../reward-models.css";

type Model = inferRouterOutputs<AppRouter>["rewardModels"]["compare"]["a"];
const summary = (m: Model) => (m.snapshot as { summary?: { train: number; test: number; comparisons: number } } | null)?.summary;

/** One row per thing the two versions are compared on. */
const settingRows: { name: string; show: (m: Model) => ReactNode }[] = [
  { name: "train / test pairs", show: (m) => `${summary(m)?.train ?? ""} / ${summary(m)?.test ?? ""}` },
  { name: "comparisons", show: (m) => summary(m)?.comparisons },
  { name: "features", show: (m) => `${m.featureVariant?.name ?? ""} (${m.featureDims} dims)` },
  { name: "settings", show: (m) => <code>{JSON.stringify(m.settings)}</code> },
];

function Comparison() {
  const params = useSearchParams();
  const a = params.get("a") ?? "";
  const b = params.get("b") ?? "";
  const trpc = useTRPC();
  const compare = useQuery(trpc.rewardModels.compare.queryOptions({ a, b }, { enabled: !!a && !!b }));
  const data = compare.data;
  const name = (m: Model) => `${protocolName(m.kind)} v${m.version}`;
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
          <DataTable
            label="Data and settings"
            columns={[
              { header: "", rowHeader: true, value: (row) => row.name },
              { header: name(data.a), cell: (row) => row.show(data.a) },
              { header: name(data.b), cell: (row) => row.show(data.b) },
            ]}
            rows={settingRows}
            rowKey={(row) => row.name}
          />
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
