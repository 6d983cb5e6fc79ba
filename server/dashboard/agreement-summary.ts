// Agreement between annotators for the dashboard: on the pairs of the selection that two or
// more annotators labelled, per protocol, every coefficient of server/agreement over the
// 8-point preference scale (A significantly better … B significantly better) and over the
// binary choice. Llama 2 reports Gwet's AC2 (METHOD.md §5).
//
// The coefficients depend on a pair only through how many of its labels fall on each point,
// so PostgreSQL hands over pairs grouped by those counts (a few hundred rows at most, however
// many labels): from the pair-configuration tally, or under a date filter from the pairs of
// one day by day and configuration, and the pairs spread over several days by their labels per
// day. No label is loaded into Node.
import { Prisma } from "@prisma/client";
import { type AgreementReport, agreementReportOfCounts, type CountsRow } from "../agreement/coefficients";
import { BINARY_SCALE_SIZE, PREFERENCE_SCALE_SIZE, preferenceScalePoint, type Side, type Strength } from "../agreement/scale";
import { rawRows } from "../db/raw-rows";
import type { DbOrTx } from "../db/types";
import type { DashboardFilters } from "./stats.schema";
import { type Reading, selection } from "./stats";
import { configCounts, readTallies, TALLIES_READY, talliesAnswer, tallyConditions } from "./tallies";

export type Label = { pairId: string; protocol: "HELPFULNESS" | "SAFETY"; chosen: Side; strength: Strength };

export type ProtocolAgreement = {
  protocol: "HELPFULNESS" | "SAFETY";
  /** Pairs with at least two labels, and their labels. */
  pairs: number;
  labels: number;
  preference: AgreementReport;
  binary: AgreementReport;
};

/** Pairs of one protocol whose labels have these counts on the 8-point scale. */
export type PairConfiguration = { protocol: ProtocolAgreement["protocol"]; counts: number[]; pairs: number };

/** Rows with the same counts merged, in one order whatever order they came in (so the sums run alike). */
function merged(rows: CountsRow[]): CountsRow[] {
  const byCounts = new Map<string, CountsRow>();
  for (const row of rows) {
    const key = row.counts.join(",");
    const seen = byCounts.get(key);
    byCounts.set(key, { counts: row.counts, items: (seen?.items ?? 0) + row.items });
  }
  return [...byCounts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

/** Pure: pair configurations in, one summary per protocol that has pairs with two or more labels. */
export function summariseConfigurations(configurations: PairConfiguration[]): ProtocolAgreement[] {
  const summaries: ProtocolAgreement[] = [];
  for (const protocol of ["HELPFULNESS", "SAFETY"] as const) {
    const rows = merged(
      configurations
        .filter((c) => c.protocol === protocol && c.pairs > 0 && c.counts.reduce((n, k) => n + k, 0) >= 2)
        .map((c) => ({ counts: c.counts, items: c.pairs })),
    );
    if (rows.length === 0) continue;
    // The binary choice is the scale's half: A's points come first, then B's (scale.ts).
    const half = PREFERENCE_SCALE_SIZE / 2;
    const binary = merged(rows.map((r) => ({ counts: [sum(r.counts.slice(0, half)), sum(r.counts.slice(half))], items: r.items })));
    summaries.push({
      protocol,
      pairs: sum(rows.map((r) => r.items)),
      labels: sum(rows.map((r) => r.items * sum(r.counts))),
      preference: agreementReportOfCounts(rows, PREFERENCE_SCALE_SIZE),
      binary: agreementReportOfCounts(binary, BINARY_SCALE_SIZE),
    });
  }
  return summaries;
}

function sum(values: readonly number[]): number {
  return values.reduce((n, v) => n + v, 0);
}

/** Pure: labels in, one summary per protocol that has pairs with two or more labels. */
export function summariseAgreement(labels: Label[]): ProtocolAgreement[] {
  const pairs = new Map<string, PairConfiguration>();
  for (const label of labels) {
    const pair = pairs.get(label.pairId) ?? { protocol: label.protocol, counts: new Array<number>(PREFERENCE_SCALE_SIZE).fill(0), pairs: 1 };
    pairs.set(label.pairId, pair);
    pair.counts[preferenceScalePoint(label.chosen, label.strength)]! += 1;
  }
  return summariseConfigurations([...pairs.values()]);
}

export async function agreementSummary(db: DbOrTx, filters: DashboardFilters = {}, how?: Reading): Promise<ProtocolAgreement[]> {
  if (how === "tallies" && !talliesAnswer(filters)) throw new Error("The tallies count whole UTC days: from/to must be midnights.");
  let rows: { protocol: ProtocolAgreement["protocol"]; config: string; pairs: number }[];
  if ((how ?? (talliesAnswer(filters) ? "tallies" : "scan")) === "scan") {
    // Each pair's labels within the selection, counted per point in one number (the tally's
    // encoding), then pairs grouped by it.
    rows = await rawRows(db, Prisma.sql`
      SELECT x.protocol::text AS protocol, x.config::text AS config, count(*)::int AS pairs
      FROM (SELECT pr.protocol, sum(manual_dashboard_config_unit(c.chosen, c.strength)) AS config
            ${selection(filters)}
            GROUP BY c."pairId", pr.protocol
            HAVING count(*) >= 2) x
      GROUP BY 1, 2`);
  } else if (filters.from || filters.to) {
    // The pairs whose labels all fall on one day, counted by that day; the pairs spread over
    // several days, each from its labels on the days in range.
    const inRange = (alias: string) => tallyConditions(filters, { days: true, alias });
    rows = await readTallies(
      db,
      () => rawRows(db, Prisma.sql`
        SELECT y.protocol::text AS protocol, y.config::text AS config, sum(y.pairs)::int AS pairs
        FROM (SELECT t.protocol, t.config, t.pairs FROM "DashboardDayPairConfig" t WHERE ${inRange("t")}
              UNION ALL
              SELECT d.protocol, sum(d.config), 1
              FROM "DashboardPairDay" d
              WHERE ${inRange("d")}
              GROUP BY d."pairId", d."importId", d.protocol
              HAVING sum(d.labels) >= 2) y
        WHERE ${TALLIES_READY}
        GROUP BY 1, 2
        HAVING sum(y.pairs) > 0`),
    );
  } else {
    rows = await readTallies(
      db,
      () => rawRows(db, Prisma.sql`
        SELECT t.protocol::text AS protocol, t.config, sum(t.pairs)::int AS pairs
        FROM "DashboardPairConfig" t
        WHERE ${TALLIES_READY} AND ${tallyConditions(filters, { days: false })}
        GROUP BY t.protocol, t.config
        HAVING sum(t.pairs) > 0`),
    );
  }
  return summariseConfigurations(rows.map((r) => ({ protocol: r.protocol, counts: configCounts(r.config, PREFERENCE_SCALE_SIZE), pairs: r.pairs })));
}
