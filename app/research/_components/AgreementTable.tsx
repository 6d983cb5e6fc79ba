"use client";
// Agreement between annotators on the selection's multiply-labelled pairs (server/agreement).
import type { ProtocolAgreement } from "~/server/dashboard/agreement-summary";
import { ChartCard, EMPTY, plural } from "./charts";

const fixed = (value: number | null) => (value === null ? "—" : value.toFixed(3));

export function AgreementTable({ rows, loading }: { rows: ProtocolAgreement[] | undefined; loading: boolean }) {
  const summary =
    !rows && loading
      ? "Loading…"
      : !rows || rows.length === 0
        ? "No pair in this selection has two or more labels."
        : rows.map((r) => `${r.protocol.toLowerCase()}: ${plural(r.pairs, "pair")}, ${plural(r.labels, "label")}`).join("; ");
  return (
    <ChartCard id="agreement" title="Agreement between annotators" summary={summary ?? EMPTY}>
      {rows && rows.length > 0 && (
        <table className="table" aria-label="Agreement">
          <thead>
            <tr>
              <th>Protocol</th>
              <th>Scale</th>
              <th className="num">% agreement</th>
              <th className="num">Fleiss κ</th>
              <th className="num" title="Krippendorff's alpha, ordinal metric (nominal for the binary choice)">Krippendorff α</th>
              <th className="num">Gwet AC1</th>
              <th className="num" title="Gwet's AC2 with ordinal weights, as Llama 2 reports">Gwet AC2</th>
            </tr>
          </thead>
          <tbody>
            {rows.flatMap((r) => [
              <tr key={`${r.protocol}-8`}>
                <td rowSpan={2}>{r.protocol.toLowerCase()}</td>
                <td>8-point preference</td>
                <td className="num">{fixed(r.preference.percentAgreement)}</td>
                <td className="num">{fixed(r.preference.fleissKappa)}</td>
                <td className="num">{fixed(r.preference.krippendorffAlpha.ordinal)}</td>
                <td className="num">{fixed(r.preference.gwetAC1)}</td>
                <td className="num">{fixed(r.preference.gwetAC2.ordinal)}</td>
              </tr>,
              <tr key={`${r.protocol}-2`}>
                <td>A or B</td>
                <td className="num">{fixed(r.binary.percentAgreement)}</td>
                <td className="num">{fixed(r.binary.fleissKappa)}</td>
                <td className="num">{fixed(r.binary.krippendorffAlpha.nominal)}</td>
                <td className="num">{fixed(r.binary.gwetAC1)}</td>
                <td className="num">—</td>
              </tr>,
            ])}
          </tbody>
        </table>
      )}
    </ChartCard>
  );
}
