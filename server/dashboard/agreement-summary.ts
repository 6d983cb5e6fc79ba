// Agreement between annotators for the dashboard: on the pairs of the selection that two or
// more annotators labelled, per protocol, every coefficient of server/agreement over the
// 8-point preference scale (A significantly better … B significantly better) and over the
// binary choice. Llama 2 reports Gwet's AC2 (METHOD.md §5).
import { type AgreementReport, agreementReport } from "../agreement/coefficients";
import { BINARY_SCALE_SIZE, binaryChoice, PREFERENCE_SCALE_SIZE, preferenceScalePoint, type Side, type Strength } from "../agreement/scale";
import type { DbOrTx } from "../db/types";
import type { DashboardFilters } from "./stats.schema";
import { selection } from "./stats";

export type Label = { pairId: string; protocol: "HELPFULNESS" | "SAFETY"; chosen: Side; strength: Strength };

export type ProtocolAgreement = {
  protocol: "HELPFULNESS" | "SAFETY";
  /** Pairs with at least two labels, and their labels. */
  pairs: number;
  labels: number;
  preference: AgreementReport;
  binary: AgreementReport;
};

/** Pure: labels in, one summary per protocol that has pairs with two or more labels. */
export function summariseAgreement(labels: Label[]): ProtocolAgreement[] {
  const byProtocol = new Map<Label["protocol"], Map<string, Label[]>>();
  for (const label of labels) {
    const pairs = byProtocol.get(label.protocol) ?? new Map<string, Label[]>();
    byProtocol.set(label.protocol, pairs);
    pairs.set(label.pairId, [...(pairs.get(label.pairId) ?? []), label]);
  }
  const summaries: ProtocolAgreement[] = [];
  for (const protocol of ["HELPFULNESS", "SAFETY"] as const) {
    const items = [...(byProtocol.get(protocol)?.values() ?? [])].filter((pair) => pair.length >= 2);
    if (items.length === 0) continue;
    summaries.push({
      protocol,
      pairs: items.length,
      labels: items.reduce((n, pair) => n + pair.length, 0),
      preference: agreementReport(items.map((pair) => pair.map((l) => preferenceScalePoint(l.chosen, l.strength))), PREFERENCE_SCALE_SIZE),
      binary: agreementReport(items.map((pair) => pair.map((l) => binaryChoice(l.chosen))), BINARY_SCALE_SIZE),
    });
  }
  return summaries;
}

export async function agreementSummary(db: DbOrTx, filters: DashboardFilters = {}): Promise<ProtocolAgreement[]> {
  // Only labels of pairs labelled at least twice within the selection are read.
  const labels = await db.$queryRaw<Label[]>`
    WITH sel AS (SELECT c."pairId", pr.protocol::text AS protocol, c.chosen::text AS chosen, c.strength::text AS strength ${selection(filters)})
    SELECT "pairId", protocol, chosen, strength FROM sel
    WHERE "pairId" IN (SELECT "pairId" FROM sel GROUP BY "pairId" HAVING count(*) >= 2)`;
  return summariseAgreement(labels);
}
