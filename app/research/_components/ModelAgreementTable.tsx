"use client";
// Per annotator: how often the active reward model of the pair's protocol agrees with their
// choice, on pairs whose responses are scored (Admin → Reward models → Score a batch).
import type { LabelAgreement } from "~/server/reward-models/registry";
import { protocolName, type Protocol } from "~/server/preferences/vocabulary";
import { ChartCard, percent, plural } from "./charts";

type Row = { annotatorId: string; name: string; protocol: string; version: number } & LabelAgreement;

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
        <table className="table" aria-label="Agreement with the active reward models">
          <thead>
            <tr>
              <th>Annotator</th>
              <th>Protocol</th>
              <th className="num">Labels on scored pairs</th>
              <th className="num">Model agrees</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.annotatorId}-${r.protocol}`}>
                <td>{r.name}</td>
                <td>
                  {protocolName(r.protocol as Protocol)} (v{r.version})
                </td>
                <td className="num">{r.count}</td>
                <td className="num">{percent(r.accuracy)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </ChartCard>
  );
}
