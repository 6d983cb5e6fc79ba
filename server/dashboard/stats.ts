// The researcher dashboard's statistics over comparisons, each one SQL statement (set-based:
// no per-row queries), all under the same filters (stats.schema.ts). By default they read only
// the team's own comparisons (which have an annotator); imported ones only when their source
// is asked for.
//
// Definitions:
// - Days are UTC calendar days of Comparison."createdAt".
// - Strength distribution: count of each of Llama 2's four levels, share = count / comparisons.
// - Safety labels: only comparisons on SAFETY-protocol pairs that carry a label; share =
//   count / those comparisons.
// - Position bias: share of comparisons whose chosen response was the one shown on the left
//   (chosen = leftSide). 50% is no bias.
// - Per annotator:
//   - comparisons: throughput in the selection; activeDays: UTC days with at least one of them;
//     perDay = comparisons / activeDays.
//   - medianTimeOnTaskMs: percentile_cont(0.5) of timeOnTaskMs (interpolated median).
//   - gold accuracy: among their comparisons on gold pairs (with an expected choice), the share
//     with chosen = goldChoice.
//   - agreement with others: for each of their comparisons on a pair that others labelled too,
//     the majority choice (A or B) of the OTHER annotators of that pair is taken, counting every
//     label the pair has (the date filter limits which of this annotator's labels are scored,
//     not who the others are). Pairs where the others are tied are left out. Agreement = share
//     of the remaining labels whose chosen response equals that majority. With three
//     annotators per pair, the two others either agree (a majority) or split (a tie, left out).
//
// Where the numbers come from: the tallies the triggers keep (tallies.ts), read for any filter
// whose from/to fall on UTC midnights (all the dashboard page sends); the median time on task
// from the time-on-task tallies (per batch, or per day) and the values of the one bucket that
// holds it (medianTimeOnTask). A from/to inside a day is answered by the scan queries below
// (each statement over the comparisons of the selection, set-based), which are also the
// tallies' definition: a test compares the two on seeded data.
import { Prisma } from "@prisma/client";
import type { SafetyLabelValue, StrengthValue } from "../annotation/annotation.schema";
import { SAFETY_LABEL_VALUES, STRENGTH_VALUES } from "../preferences/vocabulary";
import { rawRows } from "../db/raw-rows";
import type { DbOrTx } from "../db/types";
import { sourceSelection } from "../import/sources";
import { type DashboardFilters, OWN_LABELS } from "./stats.schema";
import { ANNOTATOR_DAY_TALLY, BATCH_DAY_TALLY, readTallies, TALLIES_READY, tallyConditions, tallySourceCondition, talliesAnswer } from "./tallies";

/** How a statistic is read: from the tallies (when they answer the filters) or by scanning the comparisons. */
export type Reading = "tallies" | "scan";

function reading(filters: DashboardFilters, asked: Reading | undefined): Reading {
  if (asked === "tallies" && !talliesAnswer(filters)) throw new Error("The tallies count whole UTC days: from/to must be midnights.");
  return asked ?? (talliesAnswer(filters) ? "tallies" : "scan");
}

const strengthLevels = STRENGTH_VALUES;
const safetyLabelValues = SAFETY_LABEL_VALUES;

/** An instant as a timestamp(3) value in UTC (the columns are timestamp without time zone, in UTC). */
function utc(date: Date): Prisma.Sql {
  return Prisma.sql`(${date.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
}

/** Conditions on when the comparison was made (alias c). */
function timeConditions(filters: DashboardFilters): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (filters.from) conditions.push(Prisma.sql`c."createdAt" >= ${utc(filters.from)}`);
  if (filters.to) conditions.push(Prisma.sql`c."createdAt" < ${utc(filters.to)}`);
  return conditions;
}

export type SelectionOptions = {
  /** Join Prompt as pr (default true; under a protocol filter it is joined anyway). */
  prompt?: boolean;
  /** Join Round as r (and Batch as b). */
  round?: boolean;
  /** Apply the from/to filter (default true). */
  times?: boolean;
  extra?: Prisma.Sql[];
};

/**
 * FROM ... WHERE ... of the comparisons in the selection: c (Comparison), p (Pair), pr (Prompt,
 * unless `prompt: false`), and only where a filter or the caller needs them b (Batch) and
 * r (Round). Round, batch and protocol are conditions on the pair; from/to on the comparison.
 */
export function selection(filters: DashboardFilters, options: SelectionOptions = {}): Prisma.Sql {
  const byRound = !!filters.roundIds?.length;
  const conditions: Prisma.Sql[] = [];
  if (byRound) conditions.push(Prisma.sql`b."roundId" IN (${Prisma.join(filters.roundIds!)})`);
  if (filters.batchIds?.length) conditions.push(Prisma.sql`p."batchId" IN (${Prisma.join(filters.batchIds)})`);
  if (filters.protocol) conditions.push(Prisma.sql`pr.protocol = ${filters.protocol}::"Protocol"`);
  if (options.times ?? true) conditions.push(...timeConditions(filters));
  conditions.push(sourceCondition(filters.sources));
  conditions.push(...(options.extra ?? []));
  const joins: Prisma.Sql[] = [Prisma.sql`JOIN "Pair" p ON p.id = c."pairId"`];
  if (byRound || options.round) joins.push(Prisma.sql`JOIN "Batch" b ON b.id = p."batchId"`);
  if (options.round) joins.push(Prisma.sql`JOIN "Round" r ON r.id = b."roundId"`);
  if (filters.protocol || (options.prompt ?? true)) joins.push(Prisma.sql`JOIN "Prompt" pr ON pr.id = p."promptId"`);
  return Prisma.sql`
    FROM "Comparison" c
    ${Prisma.join(joins, "\n    ")}
    ${conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty}`;
}

/** Team labels have no import; imported ones are kept out unless their source is asked for. */
function sourceCondition(sources: string[] | undefined): Prisma.Sql {
  const { own, importedNames } = sourceSelection(sources);
  const imported = importedNames.length
    ? Prisma.sql`c."importId" IN (SELECT i.id FROM "DatasetImport" i WHERE i."sourceName" IN (${Prisma.join(importedNames)}))`
    : null;
  if (own && imported) return Prisma.sql`(c."importId" IS NULL OR ${imported})`;
  return imported ?? Prisma.sql`c."importId" IS NULL`;
}

function share(count: number, total: number): number | null {
  return total > 0 ? count / total : null;
}

// Comparisons over time -------------------------------------------------------------------------

export type DayCount = {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  comparisons: number;
  helpfulness: number;
  safety: number;
};

/** Comparisons per UTC day, every day from the first to the last day with any (zeros included). */
export async function comparisonsOverTime(db: DbOrTx, filters: DashboardFilters = {}, how?: Reading): Promise<DayCount[]> {
  let rows: DayCount[];
  if (reading(filters, how) === "tallies") {
    rows = await readTallies(
      db,
      () => rawRows<DayCount>(db, Prisma.sql`
        SELECT to_char(t.day, 'YYYY-MM-DD') AS day,
               sum(t.comparisons)::int AS comparisons,
               coalesce(sum(t.comparisons) FILTER (WHERE t.protocol = 'HELPFULNESS'), 0)::int AS helpfulness,
               coalesce(sum(t.comparisons) FILTER (WHERE t.protocol = 'SAFETY'), 0)::int AS safety
        FROM ${BATCH_DAY_TALLY} t
        WHERE ${TALLIES_READY} AND ${tallyConditions(filters, { days: true })}
        GROUP BY t.day
        HAVING sum(t.comparisons) > 0
        ORDER BY t.day`),
    );
  } else {
    rows = await rawRows<DayCount>(db, Prisma.sql`
      SELECT to_char(date_trunc('day', c."createdAt"), 'YYYY-MM-DD') AS day,
             count(*)::int AS comparisons,
             count(*) FILTER (WHERE pr.protocol = 'HELPFULNESS')::int AS helpfulness,
             count(*) FILTER (WHERE pr.protocol = 'SAFETY')::int AS safety
      ${selection(filters)}
      GROUP BY 1
      ORDER BY 1`);
  }
  // The days in between, with zeros (here rather than in SQL, which would keep the grouping
  // from running in parallel).
  const days: DayCount[] = [];
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const last = rows.at(-1)?.day;
  for (let day = rows[0]?.day; day && last && day <= last; day = nextDay(day)) {
    days.push(byDay.get(day) ?? { day, comparisons: 0, helpfulness: 0, safety: 0 });
  }
  return days;
}

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

// Distributions per round and batch --------------------------------------------------------------

export type CountShare = { count: number; share: number | null };

export type Distribution = {
  roundId: string | null;
  roundNumber: number | null;
  roundName: string | null;
  batchId: string | null;
  batchName: string | null;
  comparisons: number;
  /** Each level's count and share of `comparisons`. */
  strengths: Record<StrengthValue, CountShare>;
  /** Safety-protocol comparisons with a label; each label's count and share of them. */
  safety: { comparisons: number; labels: Record<SafetyLabelValue, CountShare> };
  /** Comparisons where the chosen response was shown on the left, and their share of `comparisons`. */
  leftChosen: CountShare;
};

export type Distributions = { total: Distribution; rounds: Distribution[]; batches: Distribution[] };

type DistributionRow = {
  level: number;
  roundId: string | null;
  roundNumber: number | null;
  roundName: string | null;
  batchId: string | null;
  batchName: string | null;
  comparisons: number;
  safetyComparisons: number;
  leftChosen: number;
} & Record<StrengthValue | SafetyLabelValue, number>;

function toDistribution(row: DistributionRow | undefined): Distribution {
  const r = row ?? ({ comparisons: 0, safetyComparisons: 0, leftChosen: 0 } as Partial<DistributionRow>);
  const comparisons = r.comparisons ?? 0;
  const safetyComparisons = r.safetyComparisons ?? 0;
  return {
    roundId: r.roundId ?? null,
    roundNumber: r.roundNumber ?? null,
    roundName: r.roundName ?? null,
    batchId: r.batchId ?? null,
    batchName: r.batchName ?? null,
    comparisons,
    strengths: Object.fromEntries(
      strengthLevels.map((level) => [level, { count: r[level] ?? 0, share: share(r[level] ?? 0, comparisons) }]),
    ) as Record<StrengthValue, CountShare>,
    safety: {
      comparisons: safetyComparisons,
      labels: Object.fromEntries(
        safetyLabelValues.map((label) => [label, { count: r[label] ?? 0, share: share(r[label] ?? 0, safetyComparisons) }]),
      ) as Record<SafetyLabelValue, CountShare>,
    },
    leftChosen: { count: r.leftChosen ?? 0, share: share(r.leftChosen ?? 0, comparisons) },
  };
}

/** Each vocabulary value's tally column (the tallies' columns are fixed in their migration). */
const STRENGTH_COLUMNS: Record<StrengthValue, string> = {
  SIGNIFICANTLY_BETTER: "significantlyBetter",
  BETTER: "better",
  SLIGHTLY_BETTER: "slightlyBetter",
  NEGLIGIBLY_BETTER_OR_UNSURE: "negligiblyBetter",
};
const SAFETY_LABEL_COLUMNS: Record<SafetyLabelValue, string> = {
  CHOSEN_SAFE_OTHER_UNSAFE: "chosenSafeOtherUnsafe",
  BOTH_SAFE: "bothSafe",
  BOTH_UNSAFE: "bothUnsafe",
};

/**
 * Strengths, safety labels and left-choice share, per batch, per round and in all.
 * Rounds and batches without comparisons in the selection are left out.
 */
export async function distributions(db: DbOrTx, filters: DashboardFilters = {}, how?: Reading): Promise<Distributions> {
  // Counted per batch (from the tallies, or in one hashed pass over the comparisons), then
  // summed per round and in all over those few rows (GROUPING SETS straight over the
  // comparisons would sort them all).
  let perBatch: Prisma.Sql;
  const fromTallies = reading(filters, how) === "tallies";
  if (fromTallies) {
    const safety = Prisma.sql`t.protocol = 'SAFETY'`;
    // Column names come from the vocabulary's fixed maps above, never from user input.
    const strengthSums = strengthLevels.map((level) => Prisma.sql`sum(t.${Prisma.raw(`"${STRENGTH_COLUMNS[level]}"`)}) AS ${Prisma.raw(`"${level}"`)}`);
    const safetySums = safetyLabelValues.map(
      (label) => Prisma.sql`coalesce(sum(t.${Prisma.raw(`"${SAFETY_LABEL_COLUMNS[label]}"`)}) FILTER (WHERE ${safety}), 0) AS ${Prisma.raw(`"${label}"`)}`,
    );
    perBatch = Prisma.sql`
      SELECT t."batchId",
             sum(t.comparisons) AS comparisons,
             ${Prisma.join(strengthSums, ",\n             ")},
             coalesce(sum(t."safetyLabelled") FILTER (WHERE ${safety}), 0) AS "safetyComparisons",
             ${Prisma.join(safetySums, ",\n             ")},
             sum(t."leftChosen") AS "leftChosen"
      FROM ${BATCH_DAY_TALLY} t
      WHERE ${tallyConditions(filters, { days: true })}
      GROUP BY t."batchId"
      HAVING sum(t.comparisons) > 0`;
  } else {
    const safety = Prisma.sql`pr.protocol = 'SAFETY' AND c."safetyLabel" IS NOT NULL`;
    // One count per vocabulary value; the values are the enums' own names, never user input.
    const strengthCounts = strengthLevels.map((level) => Prisma.sql`count(*) FILTER (WHERE c.strength = ${Prisma.raw(`'${level}'`)}) AS ${Prisma.raw(`"${level}"`)}`);
    const safetyCounts = safetyLabelValues.map(
      (label) => Prisma.sql`count(*) FILTER (WHERE ${safety} AND c."safetyLabel" = ${Prisma.raw(`'${label}'`)}) AS ${Prisma.raw(`"${label}"`)}`,
    );
    perBatch = Prisma.sql`
      SELECT p."batchId",
             count(*) AS comparisons,
             ${Prisma.join(strengthCounts, ",\n             ")},
             count(*) FILTER (WHERE ${safety}) AS "safetyComparisons",
             ${Prisma.join(safetyCounts, ",\n             ")},
             count(*) FILTER (WHERE c.chosen = c."leftSide") AS "leftChosen"
      ${selection(filters)}
      GROUP BY p."batchId"`;
  }
  const columns = [
    "comparisons",
    ...strengthLevels,
    "safetyComparisons",
    ...safetyLabelValues,
    "leftChosen",
  ].map((column) => Prisma.sql`sum(x.${Prisma.raw(`"${column}"`)})::int AS ${Prisma.raw(`"${column}"`)}`);
  const read = () => rawRows<DistributionRow>(db, Prisma.sql`
    WITH per_batch AS (${perBatch})
    SELECT GROUPING(r.id, b.id)::int AS level,
           r.id AS "roundId", r.number AS "roundNumber", r.name AS "roundName",
           b.id AS "batchId", b.name AS "batchName",
           ${Prisma.join(columns, ",\n           ")}
    FROM per_batch x
    JOIN "Batch" b ON b.id = x."batchId"
    JOIN "Round" r ON r.id = b."roundId"
    ${fromTallies ? Prisma.sql`WHERE ${TALLIES_READY}` : Prisma.empty}
    GROUP BY GROUPING SETS ((r.id, r.number, r.name), (r.id, r.number, r.name, b.id, b.name, b."createdAt"), ())
    ORDER BY r.number NULLS FIRST, b."createdAt" NULLS FIRST, b.name NULLS FIRST`);
  const rows = fromTallies ? await readTallies(db, read) : await read();
  return {
    total: toDistribution(rows.find((r) => r.level === 3)),
    rounds: rows.filter((r) => r.level === 1).map(toDistribution),
    batches: rows.filter((r) => r.level === 0).map(toDistribution),
  };
}

// Per annotator -----------------------------------------------------------------------------------

export type AnnotatorStats = {
  annotatorId: string;
  name: string;
  comparisons: number;
  activeDays: number;
  /** comparisons / activeDays. */
  perDay: number;
  medianTimeOnTaskMs: number;
  goldAnswered: number;
  goldCorrect: number;
  /** goldCorrect / goldAnswered; null without gold answers. */
  goldAccuracy: number | null;
  /** Their labels on pairs where the other annotators have a majority (ties left out). */
  agreementScored: number;
  /** Of those, the labels that match the others' majority. */
  agreementMatched: number;
  /** agreementMatched / agreementScored; null when nothing could be scored. */
  agreementWithOthers: number | null;
};

type AnnotatorRow = Omit<AnnotatorStats, "perDay" | "goldAccuracy" | "agreementWithOthers">;

/** Throughput, time on task, gold accuracy and agreement with others, per annotator (most comparisons first). */
export async function annotatorStats(db: DbOrTx, filters: DashboardFilters = {}, how?: Reading): Promise<AnnotatorStats[]> {
  const rows =
    reading(filters, how) === "tallies" ? await annotatorRowsFromTallies(db, await withoutWholeRounds(db, filters)) : await annotatorRowsByScan(db, filters);
  // The rows are this call's own: the shares are added to them. Spreading a pg row into a literal
  // with more properties takes V8's slow path, row by row (the annotator table has one an annotator).
  return rows.map((r) =>
    Object.assign(r, {
      perDay: r.activeDays > 0 ? r.comparisons / r.activeDays : 0,
      goldAccuracy: share(r.goldCorrect, r.goldAnswered),
      agreementWithOthers: share(r.agreementMatched, r.agreementScored),
    }),
  );
}

/**
 * The filters without a round filter that keeps every batch there is (one round in the
 * workspace, or every round chosen): the same view, read as one without rounds, whose tallies
 * and medians need no batch.
 */
async function withoutWholeRounds(db: DbOrTx, filters: DashboardFilters): Promise<DashboardFilters> {
  if (!filters.roundIds?.length) return filters;
  const [whole] = await rawRows<{ every: boolean }>(db, Prisma.sql`
    SELECT NOT EXISTS (SELECT 1 FROM "Batch" b WHERE b."roundId" NOT IN (${Prisma.join(filters.roundIds)})) AS every`);
  if (!whole!.every) return filters;
  const { roundIds: _kept, ...withoutRounds } = filters;
  return withoutRounds;
}

async function annotatorRowsByScan(db: DbOrTx, filters: DashboardFilters): Promise<AnnotatorRow[]> {
  // Every label of the pairs in scope is needed to know the others' votes, whatever its date;
  // under a date filter only the pairs with a label in the range are read.
  const times = timeConditions(filters);
  const inRange = times.length
    ? [Prisma.sql`c."pairId" IN (SELECT c."pairId" FROM "Comparison" c WHERE ${Prisma.join(times, " AND ")})`]
    : [];
  return rawRows<AnnotatorRow>(db, Prisma.sql`
    WITH labels AS (
      -- Each label with the votes of the OTHER labels of its pair, through a window over the
      -- pair (the pair-ordered index feeds it without a sort).
      SELECT c."annotatorId", c.chosen, c."timeOnTaskMs", c."createdAt",
             p."isGold" AND p."goldChoice" IS NOT NULL AS gold,
             p."isGold" AND c.chosen = p."goldChoice" AS gold_correct,
             count(*) FILTER (WHERE c.chosen = 'A') OVER pair - (c.chosen = 'A')::int AS others_a,
             count(*) FILTER (WHERE c.chosen = 'B') OVER pair - (c.chosen = 'B')::int AS others_b
      ${selection(filters, { prompt: false, times: false, extra: inRange })}
      WINDOW pair AS (PARTITION BY c."pairId")
    ),
    sel AS MATERIALIZED (
      SELECT * FROM labels c ${times.length ? Prisma.sql`WHERE ${Prisma.join(times, " AND ")}` : Prisma.empty}
    ),
    counts AS (
      SELECT s."annotatorId",
             count(*)::int AS comparisons,
             count(*) FILTER (WHERE s.gold)::int AS "goldAnswered",
             count(*) FILTER (WHERE s.gold_correct)::int AS "goldCorrect",
             -- others_a = others_b: a tie, or nobody else.
             count(*) FILTER (WHERE s.others_a <> s.others_b)::int AS "agreementScored",
             count(*) FILTER (WHERE s.others_a <> s.others_b
                                AND s.chosen = (CASE WHEN s.others_a > s.others_b THEN 'A' ELSE 'B' END)::"Side")::int AS "agreementMatched"
      FROM sel s
      GROUP BY s."annotatorId"
    ),
    medians AS (
      SELECT s."annotatorId", percentile_cont(0.5) WITHIN GROUP (ORDER BY s."timeOnTaskMs")::float8 AS median
      FROM sel s
      GROUP BY s."annotatorId"
    ),
    days AS (
      SELECT d."annotatorId", count(*)::int AS "activeDays"
      FROM (SELECT s."annotatorId" FROM sel s GROUP BY s."annotatorId", date_trunc('day', s."createdAt")) d
      GROUP BY d."annotatorId"
    )
    SELECT u.id AS "annotatorId", u.name, counts.comparisons, days."activeDays", medians.median AS "medianTimeOnTaskMs",
           counts."goldAnswered", counts."goldCorrect", counts."agreementScored", counts."agreementMatched"
    FROM counts
    JOIN medians ON medians."annotatorId" = counts."annotatorId"
    JOIN days ON days."annotatorId" = counts."annotatorId"
    JOIN "User" u ON u.id = counts."annotatorId"
    ORDER BY counts.comparisons DESC, u.name, u.id`);
}

async function annotatorRowsFromTallies(db: DbOrTx, filters: DashboardFilters): Promise<AnnotatorRow[]> {
  const tallied = tallyConditions(filters, { days: true });
  // Narrowed to batches or a protocol, the tally that has them; else its sum over them.
  return readTallies(db, () => rawRows<AnnotatorRow>(db, Prisma.sql`
    WITH days AS (
      SELECT t."annotatorId", t.day, sum(t.comparisons) AS comparisons,
             sum(t."agreementScored") AS scored, sum(t."agreementMatched") AS matched
      FROM ${narrowed(filters) ? Prisma.sql`"DashboardTally"` : ANNOTATOR_DAY_TALLY} t
      WHERE ${tallied} AND t."annotatorId" <> ''
      GROUP BY t."annotatorId", t.day
    ),
    counts AS (
      SELECT d."annotatorId", sum(d.comparisons)::int AS comparisons,
             count(*) FILTER (WHERE d.comparisons > 0)::int AS "activeDays",
             sum(d.scored)::int AS "agreementScored", sum(d.matched)::int AS "agreementMatched"
      FROM days d
      GROUP BY d."annotatorId"
      HAVING sum(d.comparisons) > 0
    ),
    gold AS (
      SELECT g."annotatorId",
             count(*) FILTER (WHERE g.answered)::int AS "goldAnswered",
             count(*) FILTER (WHERE g.correct)::int AS "goldCorrect"
      FROM "DashboardGoldLabel" g
      WHERE ${tallyConditions(filters, { days: true, alias: "g" })}
      GROUP BY g."annotatorId"
    ),
    ${mediansOf(filters)}
    SELECT u.id AS "annotatorId", u.name, counts.comparisons, counts."activeDays", medians.median AS "medianTimeOnTaskMs",
           coalesce(gold."goldAnswered", 0) AS "goldAnswered", coalesce(gold."goldCorrect", 0) AS "goldCorrect",
           counts."agreementScored", counts."agreementMatched"
    FROM counts
    JOIN medians ON medians."annotatorId" = counts."annotatorId"
    LEFT JOIN gold ON gold."annotatorId" = counts."annotatorId"
    JOIN "User" u ON u.id = counts."annotatorId"
    WHERE ${TALLIES_READY}
    ORDER BY counts.comparisons DESC, u.name, u.id`));
}

/**
 * The medians CTE ("annotatorId", median) of the annotator table (after its counts CTE). Each
 * annotator's median in a view is kept until their labels change (DashboardMedianCache, against
 * the count of their changes in every source): only the others are computed, and saved with
 * the count they were computed at. Rows of other views not saved for a day are dropped.
 */
function mediansOf(filters: DashboardFilters): Prisma.Sql {
  const view = viewKey(filters);
  return Prisma.sql`
    changes AS (SELECT c."annotatorId", sum(c.changes)::int AS changes FROM "DashboardAnnotatorChanges" c GROUP BY c."annotatorId"),
    cached AS (
      SELECT m."annotatorId", m.median
      FROM "DashboardMedianCache" m JOIN changes c ON c."annotatorId" = m."annotatorId" AND c.changes = m.changes
      WHERE m.view = ${view}
    ),
    due AS (SELECT c."annotatorId" FROM counts c WHERE c."annotatorId" NOT IN (SELECT k."annotatorId" FROM cached k)),
    computed AS MATERIALIZED (${medianTimeOnTask(filters, Prisma.sql`t."annotatorId" = ANY (ARRAY(SELECT d."annotatorId" FROM due d))`)}),
    saved AS (
      INSERT INTO "DashboardMedianCache" AS m ("annotatorId", view, changes, median, "savedAt")
      SELECT p."annotatorId", ${view}, c.changes, p.median, now() FROM computed p JOIN changes c ON c."annotatorId" = p."annotatorId"
      ON CONFLICT ("annotatorId", view) DO UPDATE SET changes = excluded.changes, median = excluded.median, "savedAt" = excluded."savedAt"
    ),
    expired AS (
      DELETE FROM "DashboardMedianCache" m WHERE m."savedAt" < now() - interval '1 day' AND m.view <> ${view}
    ),
    medians AS (SELECT * FROM cached UNION ALL SELECT * FROM computed)`;
}

/** A view's filters as one canonical string: the same view, the same string. */
function viewKey(filters: DashboardFilters): string {
  const { own, importedNames } = sourceSelection(filters.sources);
  const sorted = (values: string[] | undefined) => [...new Set(values ?? [])].sort();
  return JSON.stringify({
    batches: sorted(filters.batchIds),
    rounds: sorted(filters.roundIds),
    protocol: filters.protocol ?? null,
    team: own,
    imports: sorted(importedNames),
    // Views without dates keep the keys they had before dates were kept.
    ...(filters.from ? { from: filters.from.toISOString() } : {}),
    ...(filters.to ? { to: filters.to.toISOString() } : {}),
  });
}

function dated(filters: DashboardFilters): boolean {
  return !!(filters.from || filters.to);
}

function byBatch(filters: DashboardFilters): boolean {
  return !!(filters.batchIds?.length || filters.roundIds?.length);
}

/** Whether the view keeps only some batches or one protocol (what the per-annotator sums have not). */
function narrowed(filters: DashboardFilters): boolean {
  return byBatch(filters) || !!filters.protocol;
}

/**
 * Each annotator's median time on task (percentile_cont(0.5): the mean of the two middle
 * values when their count is even) over the selection, as rows ("annotatorId", median).
 *
 * Mostly the time-on-task tallies say in which bucket the middle ranks fall and how many labels
 * lie below it, and only that bucket's values are read (percentile_cont over the two middle
 * values is the same arithmetic as over all of them):
 * - no dates, not narrowed: each annotator's buckets over everything; the bucket's labels from
 *   the index on (annotatorId, timeOnTaskMs);
 * - no dates, narrowed to batches, rounds or a protocol: the buckets per batch and protocol;
 *   the values kept in the tally while the bucket is small, else the labels of the bucket,
 *   joined to their pairs only when the filter leaves out some of that annotator's labels in it;
 * - dates (and perhaps a protocol): the buckets per day and protocol, and their values, or the
 *   bucket's labels in range once a bucket is no longer listed;
 * - dates and batches or rounds: the times per day, batch and protocol, all of them (the
 *   buckets have no batch), or the labels in range once a row is no longer listed.
 */
function medianTimeOnTask(filters: DashboardFilters, only: Prisma.Sql = Prisma.sql`true`): Prisma.Sql {
  if (dated(filters)) return byBatch(filters) ? medianOfDayBatchTimes(filters, only) : medianOfDayBuckets(filters, only);
  // The buckets per batch are four of the annotator's buckets wide (manual_dashboard_cell_bucket).
  const labelsOfBucket = narrowed(filters) ? labelsOfCellBucket : labelsOfAnnotatorBucket;
  // Narrowed to batches or a protocol, the buckets of those; else each annotator's buckets over
  // everything (a few rows an annotator), whose labels the index reads without their pairs.
  const buckets = narrowed(filters)
    ? Prisma.sql`
      SELECT t."annotatorId", t.bucket, sum(t.labels)::int AS n, bool_and(t."timesOnTask" IS NOT NULL) AS listed
      FROM "DashboardTimeOnTask" t
      WHERE ${tallyConditions(filters, { days: false })} AND ${only}
      GROUP BY t."annotatorId", t.bucket
      HAVING sum(t.labels) > 0`
    : oneSource(filters)
      ? // One row a bucket already (in key order, so the windows below need no sort).
        Prisma.sql`
      SELECT t."annotatorId", t.bucket, t.labels AS n, false AS listed
      FROM "DashboardAnnotatorTimeOnTask" t
      WHERE ${tallySourceCondition(filters)} AND t.labels > 0 AND ${only}`
      : Prisma.sql`
      SELECT t."annotatorId", t.bucket, sum(t.labels)::int AS n, false AS listed
      FROM "DashboardAnnotatorTimeOnTask" t
      WHERE ${tallySourceCondition(filters)} AND ${only}
      GROUP BY t."annotatorId", t.bucket
      HAVING sum(t.labels) > 0`;
  return medianFromBuckets({
    buckets,
    whole: narrowed(filters)
      ? Prisma.sql`r.n = (SELECT sum(a.labels) FROM "DashboardAnnotatorTimeOnTask" a
                          WHERE a."annotatorId" = r."annotatorId" AND a.bucket BETWEEN r.bucket * 4 AND r.bucket * 4 + 3
                            AND ${tallySourceCondition(filters, Prisma.raw("a"))})`
      : Prisma.sql`true`,
    listedValues: Prisma.sql`
        SELECT u.ms
        FROM "DashboardTimeOnTask" t CROSS JOIN unnest(t."timesOnTask") u(ms)
        WHERE t."annotatorId" = w."annotatorId" AND t.bucket = w.bucket AND ${tallyConditions(filters, { days: false })}`,
    wholeValues: Prisma.sql`
        SELECT c."timeOnTaskMs" AS ms FROM "Comparison" c
        WHERE ${labelsOfBucket} AND ${sourceCondition(filters.sources)}`,
    selectedValues: Prisma.sql`
        SELECT c."timeOnTaskMs" AS ms
        ${selection(filters, { prompt: !!filters.protocol, extra: [labelsOfBucket] })}`,
  });
}

/** The labels of annotator w's bucket w.bucket of DashboardAnnotatorTimeOnTask (alias c), through the index. */
const labelsOfAnnotatorBucket = Prisma.sql`c."annotatorId" = w."annotatorId"
        AND c."timeOnTaskMs" BETWEEN manual_dashboard_time_bucket_low(w.bucket) AND manual_dashboard_time_bucket_high(w.bucket)
        AND manual_dashboard_time_bucket(c."timeOnTaskMs") = w.bucket`;

/** The labels of annotator w's cell bucket w.bucket (four annotator buckets wide; alias c), through the index. */
const labelsOfCellBucket = Prisma.sql`c."annotatorId" = w."annotatorId"
        AND c."timeOnTaskMs" BETWEEN manual_dashboard_time_bucket_low((w.bucket * 4)::smallint) AND manual_dashboard_time_bucket_high((w.bucket * 4 + 3)::smallint)
        AND manual_dashboard_cell_bucket(c."timeOnTaskMs") = w.bucket`;

/** A dated view not narrowed to batches: the buckets per day and protocol (DashboardDayTimeOnTask). */
function medianOfDayBuckets(filters: DashboardFilters, only: Prisma.Sql): Prisma.Sql {
  const inView = tallyConditions(filters, { days: true });
  return medianFromBuckets({
    buckets: Prisma.sql`
      SELECT t."annotatorId", t.bucket, sum(t.labels)::int AS n, bool_and(t."timesOnTask" IS NOT NULL) AS listed
      FROM "DashboardDayTimeOnTask" t
      WHERE ${inView} AND ${only}
      GROUP BY t."annotatorId", t.bucket
      HAVING sum(t.labels) > 0`,
    whole: Prisma.sql`false`,
    listedValues: Prisma.sql`
        SELECT u.ms
        FROM "DashboardDayTimeOnTask" t CROSS JOIN unnest(t."timesOnTask") u(ms)
        WHERE t."annotatorId" = w."annotatorId" AND t.bucket = w.bucket AND ${inView}`,
    wholeValues: Prisma.sql`SELECT NULL::int AS ms WHERE false`,
    selectedValues: Prisma.sql`
        SELECT c."timeOnTaskMs" AS ms
        ${selection(filters, { prompt: !!filters.protocol, extra: [labelsOfCellBucket] })}`,
  });
}

/**
 * A dated view narrowed to batches or rounds: each annotator's times per day, batch and protocol
 * (DashboardDayBatchTimes); an annotator with any of those no longer listed, from their labels
 * in the selection.
 */
function medianOfDayBatchTimes(filters: DashboardFilters, only: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    WITH kept AS MATERIALIZED (
      SELECT t."annotatorId", t."timesOnTask" FROM "DashboardDayBatchTimes" t
      WHERE ${tallyConditions(filters, { days: true })} AND t.labels > 0 AND ${only}
    ),
    unlisted AS (SELECT DISTINCT k."annotatorId" FROM kept k WHERE k."timesOnTask" IS NULL),
    times AS (
      SELECT k."annotatorId", u.ms
      FROM kept k CROSS JOIN unnest(k."timesOnTask") u(ms)
      WHERE k."annotatorId" NOT IN (SELECT n."annotatorId" FROM unlisted n)
      UNION ALL
      SELECT c."annotatorId", c."timeOnTaskMs"
      ${selection(filters, { prompt: !!filters.protocol, extra: [Prisma.sql`c."annotatorId" IN (SELECT n."annotatorId" FROM unlisted n)`] })}
    )
    SELECT v."annotatorId", percentile_cont(0.5) WITHIN GROUP (ORDER BY v.ms)::float8 AS median
    FROM times v
    GROUP BY v."annotatorId"`;
}

/**
 * The median from buckets: `buckets` ("annotatorId", bucket, n, listed) in bucket order of time
 * on task; then for the bucket(s) holding the two middle ranks, the values at those ranks, by
 * one of three readings, each read only where it applies (all three select `ms`, may refer to
 * w."annotatorId" and w.bucket, and are ordered and cut here):
 * - `listedValues` where every tally row of the bucket still lists its values;
 * - `wholeValues` where `whole` (over r, the ranked bucket) says the filter keeps every label of
 *   that annotator in the bucket;
 * - `selectedValues` else: the bucket's labels within the selection.
 */
function medianFromBuckets(parts: { buckets: Prisma.Sql; whole: Prisma.Sql; listedValues: Prisma.Sql; wholeValues: Prisma.Sql; selectedValues: Prisma.Sql }): Prisma.Sql {
  const cut = Prisma.sql`ORDER BY 1 OFFSET w.offset_in_bucket LIMIT w.ranks`;
  return Prisma.sql`
    WITH buckets AS (${parts.buckets}),
    ranked AS (
      SELECT b.*, sum(b.n) OVER (PARTITION BY b."annotatorId" ORDER BY b.bucket) - b.n AS below,
             sum(b.n) OVER (PARTITION BY b."annotatorId") AS total
      FROM buckets b
    ),
    wanted AS (
      -- The buckets that hold the two middle ranks, lo = (total - 1) / 2 and hi = total / 2
      -- (0-based; the same when the count is odd): where in the bucket they start, how many
      -- of them it holds, and whether the filter keeps every label of that annotator in it.
      SELECT r."annotatorId", r.bucket, r.listed,
             greatest((r.total - 1) / 2, r.below) - r.below AS offset_in_bucket,
             least(r.total / 2, r.below + r.n - 1) - greatest((r.total - 1) / 2, r.below) + 1 AS ranks,
             ${parts.whole} AS whole
      FROM ranked r
      WHERE (r.total - 1) / 2 < r.below + r.n AND r.total / 2 >= r.below
    )
    SELECT w."annotatorId", percentile_cont(0.5) WITHIN GROUP (ORDER BY v.ms)::float8 AS median
    FROM wanted w
    CROSS JOIN LATERAL unnest(CASE
      WHEN w.listed THEN ARRAY(${parts.listedValues} ${cut})
      WHEN w.whole THEN ARRAY(${parts.wholeValues} ${cut})
      ELSE ARRAY(${parts.selectedValues} ${cut})
    END) v(ms)
    GROUP BY w."annotatorId"`;
}

/** Whether the filter selects the team's labels alone (the usual view), whose tally rows are one a key. */
function oneSource(filters: DashboardFilters): boolean {
  const { own, importedNames } = sourceSelection(filters.sources);
  return own && importedNames.length === 0;
}

// Filter options --------------------------------------------------------------------------------

export type SourceOption = {
  /** OWN_LABELS for the team's annotators, else an import's source name. */
  name: string;
  /** Comparisons from it (all of them, under no filter). */
  comparisons: number;
};

export type FilterOptions = {
  rounds: { id: string; number: number; name: string }[];
  batches: { id: string; name: string; roundId: string }[];
  /** Source names of imported datasets that brought comparisons, by name (the team's own labels are OWN_LABELS). */
  sources: string[];
  /** The team's own labels first (always, even with none), then each name in `sources`, with its comparisons. */
  sourceCounts: SourceOption[];
};

/** Rounds (newest first) and their batches, and where comparisons come from, for the dashboard's selects. */
export async function filterOptions(db: DbOrTx, how: Reading = "tallies"): Promise<FilterOptions> {
  const rounds = await rawRows<FilterOptions["rounds"][number]>(db, Prisma.sql`SELECT id, number, name FROM "Round" ORDER BY number DESC`);
  const batches = await rawRows<FilterOptions["batches"][number]>(db, Prisma.sql`
    SELECT b.id, b.name, b."roundId" FROM "Batch" b JOIN "Round" r ON r.id = b."roundId"
    ORDER BY r.number DESC, b."createdAt" DESC, b.name ASC`);
  // Counted per import, then summed per source name (a source may have been imported from
  // several files); imports of prompts only have no comparisons and no row.
  const perImport =
    how === "tallies"
      ? Prisma.sql`SELECT nullif(t."importId", '') AS "importId", sum(t.comparisons) AS n FROM "DashboardTally" t GROUP BY t."importId" HAVING sum(t.comparisons) > 0`
      : Prisma.sql`SELECT c."importId", count(*) AS n FROM "Comparison" c GROUP BY c."importId"`;
  const read = () => rawRows<{ name: string | null; comparisons: number }>(db, Prisma.sql`
    SELECT i."sourceName" AS name, sum(x.n)::int AS comparisons
    FROM (${perImport}) x
    LEFT JOIN "DatasetImport" i ON i.id = x."importId"
    ${how === "tallies" ? Prisma.sql`WHERE ${TALLIES_READY}` : Prisma.empty}
    GROUP BY 1
    ORDER BY 1 NULLS FIRST`);
  const counts = how === "tallies" ? await readTallies(db, read) : await read();
  const team = counts.find((c) => c.name === null)?.comparisons ?? 0;
  const imported = counts.filter((c): c is SourceOption => c.name !== null);
  return {
    rounds,
    batches,
    sources: imported.map((c) => c.name),
    sourceCounts: [{ name: OWN_LABELS, comparisons: team }, ...imported],
  };
}
