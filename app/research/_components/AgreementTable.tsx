"use client";
// Agreement between annotators on the selection's multiply-labelled pairs (server/agreement).
import type { ProtocolAgreement } from "~/server/dashboard/agreement-summary";
import { type Column, DataTable } from "../../_components/DataTable";
import { ChartCard, EMPTY, plural } from "./charts";

const fixed = (value: number | null) => (value === null ? "—" : value.toFixed(3));

/** Two rows per protocol: the 8-point preference scale and the binary choice (which has no ordinal AC2). */
type ScaleRow = {
  protocol: string;
  scale: string;
  percentAgreement: number | null;
  fleissKappa: number | null;
  krippendorffAlpha: number | null;
  gwetAC1: number | null;
  gwetAC2: number | null;
};
const scaleRows = (r: ProtocolAgreement): ScaleRow[] => [
  {
    protocol: r.protocol.toLowerCase(),
    scale: "8-point preference",
    percentAgreement: r.preference.percentAgreement,
    fleissKappa: r.preference.fleissKappa,
    krippendorffAlpha: r.preference.krippendorffAlpha.ordinal,
    gwetAC1: r.preference.gwetAC1,
    gwetAC2: r.preference.gwetAC2.ordinal,
  },
  {
    protocol: r.protocol.toLowerCase(),
    scale: "A or B",
    percentAgreement: r.binary.percentAgreement,
    fleissKappa: r.binary.fleissKappa,
    krippendorffAlpha: r.binary.krippendorffAlpha.nominal,
    gwetAC1: r.binary.gwetAC1,
    gwetAC2: null,
  },
];

const columns: Column<ScaleRow>[] = [
  { header: "Protocol", value: (r) => r.protocol, mergeRepeats: true },
  { header: "Scale", value: (r) => r.scale },
  { header: "% agreement", num: true, cell: (r) => fixed(r.percentAgreement) },
  { header: "Fleiss κ", num: true, cell: (r) => fixed(r.fleissKappa) },
  { header: "Krippendorff α", title: "Krippendorff's alpha, ordinal metric (nominal for the binary choice)", num: true, cell: (r) => fixed(r.krippendorffAlpha) },
  { header: "Gwet AC1", num: true, cell: (r) => fixed(r.gwetAC1) },
  { header: "Gwet AC2", title: "Gwet's AC2 with ordinal weights, as Llama 2 reports", num: true, cell: (r) => fixed(r.gwetAC2) },
];

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
        <DataTable label="Agreement" columns={columns} rows={rows.flatMap(scaleRows)} rowKey={(r) => `${r.protocol}-${r.scale}`} />
      )}
    </ChartCard>
  );
}
