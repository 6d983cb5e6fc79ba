// The dashboard's tallies: counts kept by triggers as comparisons and pairs are written
// (prisma/migrations/20261202010000_dashboard_tallies), so a statistic reads a few thousand
// tally rows instead of every comparison.
//
// - DashboardTally: per batch, UTC day, protocol and annotator or import, the comparisons, each
//   strength and safety label, the left choices, and agreement with the others' majority. Its
//   folded rows are also kept summed over annotators (DashboardBatchDayTally: what the charts
//   read) and over batches and protocols (DashboardAnnotatorDayTally: the annotator table
//   unnarrowed), by the fold alone (prisma/migrations/20261204010000_dashboard_rollups).
// - DashboardPairConfig: pairs with two labels or more, by the counts of their labels on the
//   8-point scale, per batch, protocol and source (the agreement coefficients need no more).
// - DashboardTimeOnTask: annotators' labels per time-on-task bucket, per batch and protocol
//   (which bucket holds an annotator's median), with the bucket's values while it is small;
//   the median is read from that bucket's values, or its labels when it is large.
// - DashboardBatchPairs: pairs per batch, with the annotations they need and have.
// - DashboardGoldLabel: the team's labels on gold pairs, whether each chose the expected response
//   (prisma/migrations/20261205010000_dashboard_gold_labels): gold accuracy without the pairs' labels.
// - For views with dates (prisma/migrations/20261203010000_dashboard_days):
//   DashboardDayPairConfig, the pairs whose labels all fall on one UTC day, by that day and
//   configuration; DashboardPairDay, the labels per day of the pairs spread over several days
//   (summed over the days in range, pair by pair); DashboardDayTimeOnTask, the
//   time-on-task buckets per day and protocol, and DashboardDayBatchTimes, the times per day,
//   batch and protocol (the medians of dated views).
//
// They answer every filter but one kind: a from/to that is not a UTC midnight (the dashboard
// page only sends midnights). Such a filter is answered by the scan queries, restricted by it.
// Rows a transaction wrote carry its backend's pid; reading folds them into one row per key
// (manual_dashboard_compact), so the tables stay as small as the keys they count.
import { Prisma } from "@prisma/client";
import { sqlStateOf } from "../db/sql-errors";
import type { DbOrTx } from "../db/types";
import { sourceSelection } from "../import/sources";
import type { DashboardFilters } from "./stats.schema";

/**
 * A condition for the outermost WHERE of a statement that reads the tallies: PostgreSQL
 * evaluates it once, before the rows, folding the rows writers left, or raising when a change
 * the triggers cannot follow made the tallies stale (readTallies then counts them again).
 */
export const TALLIES_READY = Prisma.sql`(SELECT manual_dashboard_ready())`;

/**
 * DashboardTally summed over annotators (batch, day, protocol, source and the counts; a table
 * expression): the rollup of its folded rows, and its rows not folded yet.
 */
export const BATCH_DAY_TALLY = Prisma.sql`(
  SELECT r."batchId", r.day, r.protocol, r."importId", r.comparisons, r."significantlyBetter", r.better, r."slightlyBetter",
         r."negligiblyBetter", r."safetyLabelled", r."chosenSafeOtherUnsafe", r."bothSafe", r."bothUnsafe", r."leftChosen"
  FROM "DashboardBatchDayTally" r
  UNION ALL
  SELECT u."batchId", u.day, u.protocol, u."importId", u.comparisons, u."significantlyBetter", u.better, u."slightlyBetter",
         u."negligiblyBetter", u."safetyLabelled", u."chosenSafeOtherUnsafe", u."bothSafe", u."bothUnsafe", u."leftChosen"
  FROM "DashboardTally" u WHERE u.writer <> 0)`;

/**
 * DashboardTally's team rows summed over batches and protocols (annotator, source, day,
 * comparisons and agreement; a table expression): the rollup of its folded rows, and its rows
 * not folded yet. Only for filters without batches, rounds or a protocol.
 */
export const ANNOTATOR_DAY_TALLY = Prisma.sql`(
  SELECT r."annotatorId", r."importId", r.day, r.comparisons, r."agreementScored", r."agreementMatched"
  FROM "DashboardAnnotatorDayTally" r
  UNION ALL
  SELECT u."annotatorId", u."importId", u.day, u.comparisons, u."agreementScored", u."agreementMatched"
  FROM "DashboardTally" u WHERE u.writer <> 0 AND u."annotatorId" <> '')`;

/** The SQLSTATE manual_dashboard_ready raises with. */
const STALE = "DT001";

/**
 * Runs a read of the tallies (its statements carry TALLIES_READY); when they are stale, counts
 * them again and reads once more. Not inside a transaction: the error would end it.
 */
export async function readTallies<T>(db: DbOrTx, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (sqlStateOf(error) !== STALE) throw error;
    await db.$queryRaw`SELECT manual_dashboard_rebuild(false)::text`;
    return read();
  }
}

function isUtcMidnight(date: Date): boolean {
  return date.getTime() % 86_400_000 === 0;
}

/** Whether the tallies answer these filters: they count whole UTC days. */
export function talliesAnswer(filters: DashboardFilters): boolean {
  return (!filters.from || isUtcMidnight(filters.from)) && (!filters.to || isUtcMidnight(filters.to));
}

/** A UTC midnight as the date it starts. */
function day(date: Date): Prisma.Sql {
  return Prisma.sql`${date.toISOString().slice(0, 10)}::date`;
}

/**
 * The filters as conditions on a tally table's rows (alias t): batch, round, protocol, source,
 * and with `days` the from/to range (only DashboardTally has days).
 */
export function tallyConditions(filters: DashboardFilters, options: { days: boolean; alias?: string }): Prisma.Sql {
  const t = Prisma.raw(options.alias ?? "t"); // an alias of the caller's, never user input
  const conditions: Prisma.Sql[] = [Prisma.sql`true`];
  if (filters.batchIds?.length) conditions.push(Prisma.sql`${t}."batchId" IN (${Prisma.join(filters.batchIds)})`);
  if (filters.roundIds?.length) {
    conditions.push(Prisma.sql`${t}."batchId" IN (SELECT b.id FROM "Batch" b WHERE b."roundId" IN (${Prisma.join(filters.roundIds)}))`);
  }
  if (filters.protocol) conditions.push(Prisma.sql`${t}.protocol = ${filters.protocol}::"Protocol"`);
  if (options.days && filters.from) conditions.push(Prisma.sql`${t}.day >= ${day(filters.from)}`);
  if (options.days && filters.to) conditions.push(Prisma.sql`${t}.day < ${day(filters.to)}`);
  conditions.push(tallySourceCondition(filters, t));
  return Prisma.join(conditions, " AND ");
}

/** The source filter alone on a tally table's rows. */
export function tallySourceCondition(filters: DashboardFilters, t: Prisma.Sql = Prisma.raw("t")): Prisma.Sql {
  const { own, importedNames } = sourceSelection(filters.sources);
  const imported = importedNames.length
    ? Prisma.sql`${t}."importId" IN (SELECT i.id FROM "DatasetImport" i WHERE i."sourceName" IN (${Prisma.join(importedNames)}))`
    : null;
  if (own && imported) return Prisma.sql`(${t}."importId" = '' OR ${imported})`;
  return imported ?? Prisma.sql`${t}."importId" = ''`;
}

/** A pair configuration as DashboardPairConfig keeps it: the count of point k in the k-th six decimal digits. */
export function configCounts(config: string, points: number): number[] {
  let rest = BigInt(config);
  const counts: number[] = [];
  for (let k = 0; k < points; k++) {
    counts.push(Number(rest % 1_000_000n));
    rest /= 1_000_000n;
  }
  return counts;
}
