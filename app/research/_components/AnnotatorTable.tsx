"use client";
// Per-annotator throughput, speed and quality under the dashboard's filters.
import type { AnnotatorStats } from "~/server/dashboard/stats";
import { type Column, DataTable } from "../../_components/DataTable";
import { ChartCard, EMPTY, percent, plural } from "./charts";

function seconds(ms: number) {
  return (ms / 1000).toLocaleString("en", { maximumFractionDigits: 1 });
}

const columns: Column<AnnotatorStats>[] = [
  { header: "Annotator", value: (r) => r.name, sortable: true },
  { header: "Comparisons", num: true, value: (r) => r.comparisons, sortable: true, cell: (r) => r.comparisons.toLocaleString("en") },
  {
    header: "Per day",
    title: "Comparisons per day on the days the annotator labelled anything",
    num: true,
    value: (r) => r.perDay,
    sortable: true,
    cellProps: (r) => ({ title: `${r.activeDays} active days` }),
    cell: (r) => r.perDay.toLocaleString("en", { maximumFractionDigits: 1 }),
  },
  { header: "Median time on task (s)", num: true, value: (r) => r.medianTimeOnTaskMs, sortable: true, cell: (r) => seconds(r.medianTimeOnTaskMs) },
  {
    header: "Gold accuracy",
    title: "Share of gold pairs where the expected response was chosen",
    num: true,
    value: (r) => r.goldAccuracy,
    sortable: true,
    cellProps: (r) => ({ title: `${r.goldCorrect} of ${r.goldAnswered} gold pairs` }),
    cell: (r) => percent(r.goldAccuracy),
  },
  {
    header: "Agreement with others",
    title:
      "On pairs labelled by two or more people: share of this annotator's labels that chose what the majority of the others chose (pairs where the others are tied are left out)",
    num: true,
    value: (r) => r.agreementWithOthers,
    sortable: true,
    cellProps: (r) => ({ title: `${r.agreementMatched} of ${r.agreementScored} labels scored` }),
    cell: (r) => percent(r.agreementWithOthers),
  },
];

export function AnnotatorTable({ rows, loading }: { rows: AnnotatorStats[] | undefined; loading: boolean }) {
  const summary =
    !rows && loading
      ? "Loading…"
      : !rows || rows.length === 0
        ? EMPTY
        : `${plural(rows.length, "annotator")} with ${plural(
            rows.reduce((n, r) => n + r.comparisons, 0),
            "comparison",
          )} in the selection.`;
  return (
    <ChartCard id="annotators" title="Annotators" summary={summary}>
      {rows && rows.length > 0 && (
        <DataTable label="Annotators" columns={columns} rows={rows} rowKey={(r) => r.annotatorId} />
      )}
    </ChartCard>
  );
}
