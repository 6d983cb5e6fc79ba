// The tallies against the queries they replace, on seeded data: every statistic of the
// dashboard read from the tallies equals the same statistic computed from the comparisons
// (the scan queries, as they were before the tallies), under filters by batch, round,
// protocol, source (imported datasets included) and day (alone and with each of the others),
// after labels submitted and undone through the annotation path, written in bulk, imported,
// changed and deleted, and pairs made gold or no longer gold. Agreement is
// also checked against the way it was computed before, from every label loaded into Node.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Prisma, type Protocol, type SafetyLabel, type Side, type Strength } from "@prisma/client";
import { beforeAll, describe, expect, it } from "vitest";
import { agreementReport } from "../agreement/coefficients";
import { BINARY_SCALE_SIZE, binaryChoice, PREFERENCE_SCALE_SIZE, preferenceScalePoint } from "../agreement/scale";
import type { CurrentUser } from "../auth/current-user";
import { withPgClient } from "../db/pg-client";
import { prisma } from "../db/prisma";
import { runImport } from "../import/run-import";
import { createRandom } from "../random/seeded";
import { makeBatch } from "../testing/batches";
import { callerFor, makeAnnotators } from "../testing/fixtures";
import { agreementSummary, type Label, type ProtocolAgreement } from "./agreement-summary";
import { batchOverview } from "./overview";
import { annotatorStats, comparisonsOverTime, distributions, filterOptions, selection } from "./stats";
import { type DashboardFilters, OWN_LABELS } from "./stats.schema";
import { ANNOTATOR_DAY_TALLY, BATCH_DAY_TALLY } from "./tallies";

const random = createRandom(17);
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
const STRENGTHS: Strength[] = ["SIGNIFICANTLY_BETTER", "BETTER", "SLIGHTLY_BETTER", "NEGLIGIBLY_BETTER_OR_UNSURE"];
const SAFETY: SafetyLabel[] = ["CHOSEN_SAFE_OTHER_UNSAFE", "BOTH_SAFE", "BOTH_UNSAFE"];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dashboard-tallies-"));

let annotators: CurrentUser[];
let batches: Awaited<ReturnType<typeof makeBatch>>[];

/** Comparisons of the given pairs by random annotators of the team, on random instants of 2026-03-01..05. */
async function labelInBulk(pairIds: string[], protocolOf: (i: number) => Protocol, perPair: number) {
  const data = pairIds.flatMap((pairId, i) => {
    const who = [...annotators].sort(() => random() - 0.5).slice(0, 1 + Math.floor(random() * perPair));
    return who.map((u) => ({
      pairId,
      annotatorId: u.id,
      chosen: pick<Side>(["A", "B"]),
      strength: pick(STRENGTHS),
      safetyLabel: protocolOf(i) === "SAFETY" ? pick(SAFETY) : null,
      leftSide: pick<Side>(["A", "B"]),
      // Few distinct values, so medians fall between equal values and across bucket edges.
      timeOnTaskMs: pick([0, 900, 1000, 1049, 1050, 1051, 2500, 2500, 7000, 7001, 60_000]) + (random() < 0.3 ? Math.floor(random() * 5000) : 0),
      createdAt: new Date(Date.UTC(2026, 2, 1 + Math.floor(random() * 5), Math.floor(random() * 24), Math.floor(random() * 60))),
    }));
  });
  await prisma.comparison.createMany({ data });
}

/** Annotators working an open batch through the annotation path, undoing now and then. */
async function annotateThroughTheQueue(rounds: number) {
  for (let r = 0; r < rounds; r++) {
    for (const annotator of annotators) {
      const caller = callerFor(annotator);
      const task = await caller.annotate.current();
      if (!task) continue;
      const safety = task.protocol === "SAFETY";
      const result = await caller.annotate.submit({
        assignmentId: task.assignmentId,
        pick: pick(["LEFT", "RIGHT"] as const),
        strength: pick(STRENGTHS),
        safetyLabel: safety ? pick(SAFETY) : null,
        timeOnTaskMs: Math.floor(random() * 20_000),
      });
      if (random() < 0.2) await caller.annotate.undo({ comparisonId: result.comparisonId });
    }
  }
}

function writeJsonl(name: string, rows: unknown[]) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return { path: file, fileName: name };
}

async function importFiles() {
  const hh = Array.from({ length: 6 }, (_, i) => ({
    chosen: `\n\nHuman: Question ${i}?\n\nAssistant: Good answer ${i}.`,
    rejected: `\n\nHuman: Question ${i}?\n\nAssistant: Bad answer ${i}.`,
  }));
  expect(await runImport(process.env.DATABASE_URL!, writeJsonl("hh.jsonl", hh), { sourceName: "Anthropic/hh-rlhf" }, { createdById: null })).toMatchObject({ inserted: 6 });
  // A raw export: several annotations per pair, so imported pairs have agreement too.
  const raw = Array.from({ length: 5 }, (_, i) =>
    Array.from({ length: 2 + (i % 3) }, (_, k) => ({
      annotator: `ann-${k}`,
      protocol: i % 2 ? "safety" : "helpfulness",
      chosen: pick(["A", "B"]),
      strength: pick(STRENGTHS),
      safety_label: i % 2 ? pick(SAFETY) : null,
      prompt: [{ role: "user", content: `Raw question ${i}` }],
      response_a: `Raw answer A ${i}`,
      response_b: `Raw answer B ${i}`,
    })),
  ).flat();
  expect(await runImport(process.env.DATABASE_URL!, writeJsonl("raw.jsonl", raw), { sourceName: "raw-lab", format: "raw" }, { createdById: null })).toMatchObject({
    inserted: raw.length,
  });
}

/** Agreement as it was computed before the tallies: every label loaded, one ratings matrix per protocol. */
async function agreementAsBefore(filters: DashboardFilters): Promise<ProtocolAgreement[]> {
  const labels = await prisma.$queryRaw<Label[]>`
    WITH sel AS (SELECT c."pairId", pr.protocol::text AS protocol, c.chosen::text AS chosen, c.strength::text AS strength ${selection(filters)})
    SELECT "pairId", protocol, chosen, strength FROM sel
    WHERE "pairId" IN (SELECT "pairId" FROM sel GROUP BY "pairId" HAVING count(*) >= 2)`;
  const summaries: ProtocolAgreement[] = [];
  for (const protocol of ["HELPFULNESS", "SAFETY"] as const) {
    const pairs = new Map<string, Label[]>();
    for (const l of labels.filter((l) => l.protocol === protocol)) pairs.set(l.pairId, [...(pairs.get(l.pairId) ?? []), l]);
    const items = [...pairs.values()];
    if (items.length === 0) continue;
    summaries.push({
      protocol,
      pairs: items.length,
      labels: items.reduce((n, p) => n + p.length, 0),
      preference: agreementReport(items.map((p) => p.map((l) => preferenceScalePoint(l.chosen, l.strength))), PREFERENCE_SCALE_SIZE),
      binary: agreementReport(items.map((p) => p.map((l) => binaryChoice(l.chosen))), BINARY_SCALE_SIZE),
    });
  }
  return summaries;
}

/** Every number of a summary with its path, for a comparison to 12 digits. */
function numbers(value: unknown, at = ""): [string, number | null][] {
  if (value === null || typeof value === "number") return [[at, value as number | null]];
  if (typeof value === "object") return Object.entries(value as object).flatMap(([k, v]) => numbers(v, `${at}.${k}`));
  return [];
}

function filterSets(): [string, DashboardFilters][] {
  const [h, s, x] = batches;
  return [
    ["no filter", {}],
    ["one batch", { batchIds: [h!.batch.id] }],
    ["two batches, helpfulness", { batchIds: [h!.batch.id, x!.batch.id], protocol: "HELPFULNESS" }],
    ["a round", { roundIds: [s!.round.id] }],
    ["safety", { protocol: "SAFETY" }],
    ["whole days", { from: new Date("2026-03-02T00:00:00Z"), to: new Date("2026-03-04T00:00:00Z") }],
    ["from a day on, one batch", { from: new Date("2026-03-03T00:00:00Z"), batchIds: [s!.batch.id] }],
    ["up to a day, safety", { to: new Date("2026-03-04T00:00:00Z"), protocol: "SAFETY" }],
    ["one whole day, a round", { from: new Date("2026-03-03T00:00:00Z"), to: new Date("2026-03-04T00:00:00Z"), roundIds: [h!.round.id] }],
    ["whole days, two batches, helpfulness", { from: new Date("2026-03-02T00:00:00Z"), to: new Date("2026-03-05T00:00:00Z"), batchIds: [h!.batch.id, x!.batch.id], protocol: "HELPFULNESS" }],
    ["whole days, every source", { from: new Date("2026-03-01T00:00:00Z"), to: new Date("2026-03-04T00:00:00Z"), sources: [OWN_LABELS, "Anthropic/hh-rlhf", "raw-lab"] }],
    ["imported only", { sources: ["Anthropic/hh-rlhf"] }],
    ["team and raw import", { sources: [OWN_LABELS, "raw-lab"] }],
    ["every source, safety", { sources: [OWN_LABELS, "Anthropic/hh-rlhf", "raw-lab"], protocol: "SAFETY" }],
  ];
}

/** What the dashboard shows under these filters, read the way asked. */
async function dashboard(filters: DashboardFilters, how: "tallies" | "scan") {
  return {
    overTime: await comparisonsOverTime(prisma, filters, how),
    distributions: await distributions(prisma, filters, how),
    annotators: await annotatorStats(prisma, filters, how),
    agreement: await agreementSummary(prisma, filters, how),
  };
}

async function expectTalliesToMatch() {
  expect(await filterOptions(prisma, "tallies")).toEqual(await filterOptions(prisma, "scan"));
  expect(await batchOverview(prisma, "tallies")).toEqual(await batchOverview(prisma, "scan"));
  // Every round there is: the same as no round filter.
  const everyRound = (await prisma.round.findMany({ select: { id: true } })).map((r) => r.id);
  const sets: [string, DashboardFilters][] = [
    ...filterSets(),
    ["every round", { roundIds: everyRound }],
    ["every round, whole days, safety", { roundIds: everyRound, from: new Date("2026-03-02T00:00:00Z"), to: new Date("2026-03-05T00:00:00Z"), protocol: "SAFETY" }],
  ];
  for (const [name, filters] of sets) {
    const fromTallies = await dashboard(filters, "tallies");
    expect(fromTallies, name).toEqual(await dashboard(filters, "scan"));
    const before = await agreementAsBefore(filters);
    expect(fromTallies.agreement.map((a) => [a.protocol, a.pairs, a.labels]), name).toEqual(before.map((a) => [a.protocol, a.pairs, a.labels]));
    const now = numbers(fromTallies.agreement);
    numbers(before).forEach(([at, value], i) => {
      expect(now[i]![0], name).toBe(at);
      if (value === null) expect(now[i]![1], `${name} ${at}`).toBeNull();
      else expect(now[i]![1], `${name} ${at}`).toBeCloseTo(value, 12);
    });
  }
}

beforeAll(async () => {
  annotators = await makeAnnotators(5);
  const mixed = (i: number): Protocol => (i % 3 === 0 ? "SAFETY" : "HELPFULNESS");
  batches = [
    await makeBatch({ pairs: 30, overlap: 3, status: "CLOSED", protocol: mixed }),
    await makeBatch({ pairs: 20, overlap: 3, status: "CLOSED", protocol: mixed }),
    await makeBatch({ pairs: 10, overlap: 2, status: "CLOSED" }),
  ];
  // The third batch joins the first one's round.
  await prisma.batch.update({ where: { id: batches[2]!.batch.id }, data: { roundId: batches[0]!.round.id } });
  for (const [i, b] of batches.entries()) await labelInBulk(b.pairIds, mixed, i === 2 ? 2 : 4);
  await prisma.pair.updateMany({ where: { id: { in: batches[0]!.pairIds.slice(0, 4) } }, data: { isGold: true, goldChoice: "A" } });
  await prisma.pair.update({ where: { id: batches[1]!.pairIds[1]! }, data: { isGold: true } });
  await prisma.$executeRaw`UPDATE "Pair" p SET "annotationCount" = (SELECT count(*) FROM "Comparison" c WHERE c."pairId" = p.id)`;
  // An open batch labelled through the queue, three labels a pair, with undos.
  await makeBatch({ pairs: 12, overlap: 3, protocol: mixed });
  await annotateThroughTheQueue(8);
  await importFiles();
}, 120_000);

describe("the tallies", () => {
  it("give every statistic the scan queries give, under every filter", async () => {
    // The seeded labels of a pair fall on one day or several: both kinds are counted.
    const [{ spread, oneDay }] = await prisma.$queryRaw<[{ spread: number; oneDay: number }]>`
      SELECT (SELECT count(DISTINCT "pairId") FROM "DashboardPairDay")::int AS spread,
             (SELECT coalesce(sum(pairs), 0) FROM "DashboardDayPairConfig")::int AS "oneDay"`;
    expect(spread).toBeGreaterThan(0);
    expect(oneDay).toBeGreaterThan(0);
    // Gold labels answered rightly and wrongly, and on a gold pair without an expected choice.
    const [gold] = await prisma.$queryRaw<[{ right: number; wrong: number; unanswered: number }]>`
      SELECT count(*) FILTER (WHERE correct)::int AS right, count(*) FILTER (WHERE answered AND NOT correct)::int AS wrong,
             count(*) FILTER (WHERE NOT answered)::int AS unanswered
      FROM "DashboardGoldLabel"`;
    expect(gold.right).toBeGreaterThan(0);
    expect(gold.wrong).toBeGreaterThan(0);
    expect(gold.unanswered).toBeGreaterThan(0);
    await expectTalliesToMatch();
  }, 120_000);

  it("still do after single labels, bulk deletes, changed labels and a deleted annotator", async () => {
    const [h, s] = batches;
    const one = await prisma.comparison.findFirstOrThrow({ where: { pairId: s!.pairIds[3]! } });
    await prisma.comparison.delete({ where: { id: one.id } });
    await prisma.comparison.create({ data: { ...one, id: undefined, chosen: one.chosen === "A" ? "B" : "A", timeOnTaskMs: 4321 } });
    await prisma.comparison.deleteMany({ where: { pairId: { in: h!.pairIds.slice(5, 12) }, annotatorId: annotators[1]!.id } });
    await prisma.comparison.updateMany({ where: { pairId: { in: h!.pairIds.slice(12, 20) } }, data: { strength: "BETTER", chosen: "B" } });
    await prisma.comparison.updateMany({ where: { pairId: { in: h!.pairIds.slice(0, 20) } }, data: { reviewNote: "seen" } });
    await prisma.comparison.updateMany({ where: { pairId: s!.pairIds[4]! }, data: { createdAt: new Date("2026-03-05T23:59:59Z") } });
    // One label edited alone, moved to another day: its pair's days change with it.
    for (const pairId of [s!.pairIds[5]!, h!.pairIds[21]!]) {
      const label = await prisma.comparison.findFirstOrThrow({ where: { pairId }, orderBy: { createdAt: "asc" } });
      await prisma.comparison.update({ where: { id: label.id }, data: { createdAt: new Date("2026-03-04T12:00:00Z"), strength: "SLIGHTLY_BETTER", timeOnTaskMs: 777 } });
    }
    await prisma.user.delete({ where: { id: annotators[4]!.id } });
    // Gold pairs that change: another expected choice, no longer gold, newly gold with labels;
    // and labels on gold pairs changed, taken back and given again.
    await prisma.pair.update({ where: { id: h!.pairIds[0]! }, data: { goldChoice: "B" } });
    await prisma.pair.update({ where: { id: h!.pairIds[1]! }, data: { isGold: false, goldChoice: null } });
    await prisma.pair.updateMany({ where: { id: { in: s!.pairIds.slice(6, 9) } }, data: { isGold: true, goldChoice: "B" } });
    await prisma.comparison.updateMany({ where: { pairId: { in: [h!.pairIds[2]!, s!.pairIds[6]!] } }, data: { chosen: "A" } });
    const goldLabel = await prisma.comparison.findFirstOrThrow({ where: { pairId: h!.pairIds[3]! } });
    await prisma.comparison.delete({ where: { id: goldLabel.id } });
    await prisma.comparison.create({ data: { ...goldLabel, chosen: goldLabel.chosen === "A" ? "B" : "A" } });
    await annotateThroughTheQueue(2);
    // Buckets that lost labels in bulk keep their counts only: their medians come from the labels.
    for (const table of ["DashboardTimeOnTask", "DashboardDayTimeOnTask", "DashboardDayBatchTimes"]) {
      const [{ unlisted }] = await prisma.$queryRawUnsafe<[{ unlisted: number }]>(`SELECT count(*)::int AS unlisted FROM "${table}" WHERE "timesOnTask" IS NULL AND labels > 0`);
      expect(unlisted, table).toBeGreaterThan(0);
    }
    await expectTalliesToMatch();
  }, 120_000);

  it("count a label written while its pair becomes gold", async () => {
    const [, , x] = batches;
    const pairId = x!.pairIds[7]!;
    const [first, second] = annotators;
    await prisma.comparison.deleteMany({ where: { pairId, annotatorId: { in: [first!.id, second!.id] } } });
    await withPgClient(process.env.DATABASE_URL!, async (writer) => {
      await writer.query("BEGIN");
      // Two labels in one statement, as bulk writes come.
      await writer.query(
        `INSERT INTO "Comparison" (id, "pairId", "annotatorId", chosen, strength, "leftSide", "timeOnTaskMs", "createdAt")
         VALUES ('while-gold', $1, $2, 'A', 'BETTER', 'A', 1234, '2026-03-03T08:00:00'),
                ('while-gold-2', $1, $3, 'B', 'SLIGHTLY_BETTER', 'B', 4321, '2026-03-04T08:00:00')`,
        [pairId, first!.id, second!.id],
      );
      // The pair's update waits for the label's transaction, then counts its label.
      const marked = prisma.pair.update({ where: { id: pairId }, data: { isGold: true, goldChoice: "A" } });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await writer.query("COMMIT");
      await marked;
    });
    const rows = await prisma.$queryRaw<{ correct: boolean }[]>`SELECT correct FROM "DashboardGoldLabel" WHERE "comparisonId" LIKE 'while-gold%' ORDER BY 1`;
    expect(rows).toEqual([{ correct: false }, { correct: true }]);
    await expectTalliesToMatch();
  }, 120_000);

  it("are counted again when a pair goes with its labels or moves to another batch", async () => {
    const [h, s] = batches;
    await prisma.pair.delete({ where: { id: h!.pairIds[25]! } });
    expect((await prisma.dashboardTallyState.findUniqueOrThrow({ where: { id: 1 } })).stale).toBe(true);
    await prisma.pair.update({ where: { id: h!.pairIds[26]! }, data: { batchId: s!.batch.id } });
    await expectTalliesToMatch();
    expect((await prisma.dashboardTallyState.findUniqueOrThrow({ where: { id: 1 } })).stale).toBe(false);
  }, 120_000);

  it("forget the medians they kept when a batch moves to another round", async () => {
    const [h, s] = batches;
    await expectTalliesToMatch();
    await prisma.batch.update({ where: { id: h!.batch.id }, data: { roundId: s!.round.id } });
    await expectTalliesToMatch();
  }, 120_000);

  it("count the labels of a tally row that a writer holds while a read folds the others", async () => {
    // Two labels of one annotator, batch, protocol and day: one tally row of a writer's.
    const [twin] = await prisma.$queryRaw<[{ a: string; b: string }]>`
      SELECT c1.id AS a, c2.id AS b
      FROM "Comparison" c1
      JOIN "Comparison" c2 ON c2."annotatorId" = c1."annotatorId" AND c2.id > c1.id AND c2."createdAt"::date = c1."createdAt"::date
      JOIN "Pair" p1 ON p1.id = c1."pairId"
      JOIN "Pair" p2 ON p2.id = c2."pairId" AND p2."batchId" = p1."batchId"
      JOIN "Prompt" r1 ON r1.id = p1."promptId"
      JOIN "Prompt" r2 ON r2.id = p2."promptId" AND r2.protocol = r1.protocol
      ORDER BY c1.id, c2.id LIMIT 1`;
    const rollupsMatch = async () => {
      // The rollups and the rows not folded into them add up to DashboardTally, key by key.
      const counts = `sum(comparisons)::int AS n, sum("significantlyBetter")::int AS sb, sum(better)::int AS b, sum("slightlyBetter")::int AS lb,
        sum("negligiblyBetter")::int AS nb, sum("safetyLabelled")::int AS sl, sum("chosenSafeOtherUnsafe")::int AS cs, sum("bothSafe")::int AS bs,
        sum("bothUnsafe")::int AS bu, sum("leftChosen")::int AS lc`;
      const perBatchDay = (from: Prisma.Sql) => prisma.$queryRaw`
        SELECT "batchId", day, protocol::text, "importId", ${Prisma.raw(counts)} FROM ${from} t
        GROUP BY 1, 2, 3, 4 HAVING sum(comparisons) <> 0 ORDER BY 1, 2, 3, 4`;
      expect(await perBatchDay(BATCH_DAY_TALLY)).toEqual(await perBatchDay(Prisma.sql`"DashboardTally"`));
      const perAnnotatorDay = (from: Prisma.Sql) => prisma.$queryRaw`
        SELECT "annotatorId", "importId", day, sum(comparisons)::int AS n, sum("agreementScored")::int AS s, sum("agreementMatched")::int AS m
        FROM ${from} t WHERE "annotatorId" <> '' GROUP BY 1, 2, 3 HAVING sum(comparisons) <> 0 ORDER BY 1, 2, 3`;
      expect(await perAnnotatorDay(ANNOTATOR_DAY_TALLY)).toEqual(await perAnnotatorDay(Prisma.sql`"DashboardTally"`));
    };
    const views: DashboardFilters[] = [{}, { protocol: "SAFETY" }, { from: new Date("2026-03-02T00:00:00Z"), to: new Date("2026-03-05T00:00:00Z") }];
    const expectViewsToMatch = async () => {
      for (const filters of views) expect(await dashboard(filters, "tallies"), JSON.stringify(filters)).toEqual(await dashboard(filters, "scan"));
      await rollupsMatch();
    };
    await withPgClient(process.env.DATABASE_URL!, async (writer) => {
      await writer.query(`CREATE TEMP TABLE kept AS SELECT * FROM "Comparison" WHERE id IN ($1, $2)`, [twin.a, twin.b]);
      await writer.query(`DELETE FROM "Comparison" WHERE id IN ($1, $2)`, [twin.a, twin.b]);
      await writer.query(`INSERT INTO "Comparison" SELECT * FROM kept WHERE id = $1`, [twin.a]);
      // The writer's next label updates its row of that key, which stays locked until it commits:
      // the fold skips it, and the reads count its committed value.
      await writer.query("BEGIN");
      await writer.query(`INSERT INTO "Comparison" SELECT * FROM kept WHERE id = $1`, [twin.b]);
      await expectViewsToMatch();
      const [{ held }] = await prisma.$queryRaw<[{ held: number }]>`SELECT count(*)::int AS held FROM "DashboardTally" WHERE writer <> 0`;
      expect(held).toBeGreaterThan(0);
      await writer.query("COMMIT");
      await expectViewsToMatch();
    });
    await expectTalliesToMatch();
  }, 120_000);

  it("answer a from/to inside a day by scanning, the same as the scan queries", async () => {
    const filters = { from: new Date("2026-03-02T10:30:00Z"), to: new Date("2026-03-04T13:15:00Z") };
    expect(await annotatorStats(prisma, filters)).toEqual(await annotatorStats(prisma, filters, "scan"));
    expect(await distributions(prisma, filters)).toEqual(await distributions(prisma, filters, "scan"));
    await expect(comparisonsOverTime(prisma, filters, "tallies")).rejects.toThrow(/midnights/);
  });
});
