"use client";
// Per-annotator throughput, speed and quality under the dashboard's filters.
import type { AnnotatorStats } from "~/server/dashboard/stats";
import { ChartCard, EMPTY, percent, plural } from "./charts";

function seconds(ms: number) {
  return (ms / 1000).toLocaleString("en", { maximumFractionDigits: 1 });
}

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
        <table className="table" aria-label="Annotators">
          <thead>
            <tr>
              <th>Annotator</th>
              <th className="num">Comparisons</th>
              <th className="num" title="Comparisons per day on the days the annotator labelled anything">
                Per day
              </th>
              <th className="num">Median time on task (s)</th>
              <th className="num" title="Share of gold pairs where the expected response was chosen">
                Gold accuracy
              </th>
              <th
                className="num"
                title="On pairs labelled by two or more people: share of this annotator's labels that chose what the majority of the others chose (pairs where the others are tied are left out)"
              >
                Agreement with others
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.annotatorId}>
                <td>{r.name}</td>
                <td className="num">{r.comparisons.toLocaleString("en")}</td>
                <td className="num" title={`${r.activeDays} active days`}>
                  {r.perDay.toLocaleString("en", { maximumFractionDigits: 1 })}
                </td>
                <td className="num">{seconds(r.medianTimeOnTaskMs)}</td>
                <td className="num" title={`${r.goldCorrect} of ${r.goldAnswered} gold pairs`}>
                  {percent(r.goldAccuracy)}
                </td>
                <td className="num" title={`${r.agreementMatched} of ${r.agreementScored} labels scored`}>
                  {percent(r.agreementWithOthers)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </ChartCard>
  );
}
