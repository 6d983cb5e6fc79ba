"use client";
// Per annotator: how often the active reward model of the pair's protocol agrees with their
// choice, on pairs whose responses are scored (Admin → Reward models → Score a batch).
import type { LabelAgreement } from "~/server/reward-models/registry";
import { protocolName, type Protocol } from "~/server/preferences/vocabulary";
import { type Column, DataTable } from "../../_components/DataTable";
import { ChartCard, percent, plural } from "./charts";

type Row = { annotatorId: string; name: string; protocol: string; version: number } & LabelAgreement;

const columns: Column<Row>[] = [
  { header: "Annotator", value: (r) => r.name, sortable: true },
  { header: "Protocol", value: (r) => `${protocolName(r.protocol as Protocol)} (v${r.version})`, sortable: true },
  { header: "Labels on scored pairs", num: true, value: (r) => r.count, sortable: true },
  { header: "Model agrees", num: true, value: (r) => r.accuracy, sortable: true, cell: (r) => percent(r.accuracy) },
];

export function ModelAgreementTable({ rows, loading }: { rows: Row[] | undefined; loading: boolean }) {
  const summary =
    !rows && loading
      ? "Loading…"
      : !rows?.length
        ? "No scored pairs yet: score a batch with the active reward models to see how often they agree with each annotator."
        : `${plural(rows.reduce((n, r) => n + r.count, 0), "label")} on scored pairs. An annotator far below the others may read the guidelines differently, or the model may be wrong where they are right.`;
  return (
    <ChartCard id="model-agreement" title="Agreement with the active reward models" summary={summary}>
      {rows && rows.length > 0 && (
        <DataTable label="Agreement with the active reward models" columns={columns} rows={rows} rowKey={(r) => `${r.annotatorId}-${r.protocol}`} />
      )}
    </ChartCard>
  );
}
