// The training set: Llama 2's mixtures, the export's split and aggregation, and a record of what went in.
import { describe, expect, it } from "vitest";
import { seedDemoWorkspaceIfEmpty } from "../../prisma/seed";
import { prisma } from "../db/prisma";
import { exportOptionsSchema } from "../export/export.schema";
import { exportQuery } from "../export/export-query";
import { OWN_LABELS } from "../import/sources";
import { makeBatch } from "../testing/batches";
import { makeAnnotators } from "../testing/fixtures";
import { STRENGTH_VALUES, type Strength } from "../preferences/vocabulary";
import { trainingSetRequestSchema } from "./reward-models.schema";
import { buildTrainingSet, mixTrainingSet, selectExamples, type TrainingExample } from "./training-set";

type Row = Parameters<typeof mixTrainingSet>[0][number];

function row(i: number, protocol: "HELPFULNESS" | "SAFETY", source = OWN_LABELS, test = false): Row {
  return {
    pairId: `${protocol}-${source}-${String(i).padStart(4, "0")}`,
    promptId: `p${i}`,
    chosenResponseId: `c${i}`,
    rejectedResponseId: `r${i}`,
    strength: STRENGTH_VALUES[i % 4] as Strength,
    protocol,
    source,
    test,
    comparisonIds: [`cmp-${protocol}-${source}-${i}`],
    safetyLabel: protocol === "SAFETY" ? "BOTH_SAFE" : null,
  };
}

const request = (kind: "HELPFULNESS" | "SAFETY", extra: object = {}) => trainingSetRequestSchema.parse({ kind, ...extra });
const countBy = (examples: TrainingExample[], key: (e: TrainingExample) => string) =>
  examples.reduce<Record<string, number>>((acc, e) => ({ ...acc, [key(e)]: (acc[key(e)] ?? 0) + 1 }), {});

describe("Llama 2's mixtures", () => {
  const rows = [
    ...Array.from({ length: 100 }, (_, i) => row(i, "HELPFULNESS", OWN_LABELS, i % 10 === 0)),
    ...Array.from({ length: 60 }, (_, i) => row(i, "SAFETY", OWN_LABELS, i % 10 === 0)),
    ...Array.from({ length: 200 }, (_, i) => row(i, "HELPFULNESS", "Anthropic/hh-rlhf", i % 10 === 0)),
  ];

  it("helpfulness: all the team's helpfulness data plus an equal amount drawn from safety and open-source data", () => {
    const set = mixTrainingSet(rows, request("HELPFULNESS"));
    const train = set.examples.filter((e) => e.split === "train");
    const base = train.filter((e) => e.role === "base");
    expect(base).toHaveLength(90);
    expect(base.every((e) => e.protocol === "HELPFULNESS" && e.source === OWN_LABELS)).toBe(true);
    const drawn = train.filter((e) => e.role === "mixture");
    expect(drawn).toHaveLength(90);
    expect(drawn.every((e) => e.protocol === "SAFETY" || e.source !== OWN_LABELS)).toBe(true);
    // Both kinds of "remaining" data are drawn from, roughly in proportion (54 safety : 180 open-source).
    const kinds = countBy(drawn, (e) => (e.protocol === "SAFETY" ? "safety" : "open"));
    expect(kinds.safety).toBeGreaterThan(5);
    expect(kinds.open).toBeGreaterThan(kinds.safety!);
    // The test split is the kind's own data on the test side of the hash split, never drawn from.
    const test = set.examples.filter((e) => e.split === "test");
    expect(test).toHaveLength(10);
    expect(test.every((e) => e.role === "base" && e.protocol === "HELPFULNESS")).toBe(true);
    expect(set.summary).toMatchObject({ train: 180, test: 10, mixture: { base: 90, drawn: 90, pool: 234 } });
  });

  it("safety: all safety data, mixed with helpfulness data 90/10", () => {
    const set = mixTrainingSet(rows, request("SAFETY"));
    const train = set.examples.filter((e) => e.split === "train");
    expect(train.filter((e) => e.protocol === "SAFETY")).toHaveLength(54);
    expect(train.filter((e) => e.protocol === "HELPFULNESS")).toHaveLength(6);
    expect(set.summary.byProtocol.train).toEqual({ SAFETY: 54, HELPFULNESS: 6 });
  });

  it("draws the same mixture for the same seed, another for another seed", () => {
    const ids = (seed: number) => mixTrainingSet(rows, request("HELPFULNESS", { seed })).examples.filter((e) => e.role === "mixture").map((e) => e.pairId);
    expect(ids(3)).toEqual(ids(3));
    expect(ids(3)).not.toEqual(ids(4));
  });

  it("takes the whole pool when it is smaller than the base", () => {
    const few = [...rows.slice(0, 100), ...rows.slice(100, 105)];
    const set = mixTrainingSet(few, request("HELPFULNESS"));
    expect(set.examples.filter((e) => e.role === "mixture")).toHaveLength(few.slice(100).filter((r) => !r.test).length);
  });
});

describe("the training set from the database", () => {
  it("holds out pairs of both protocols from the demo workspace at the default split", async () => {
    await seedDemoWorkspaceIfEmpty(prisma);
    const [annotator] = await makeAnnotators(1);
    const pairs = await prisma.pair.findMany({ where: { strategy: "demo" }, select: { id: true } });
    await prisma.comparison.createMany({
      data: pairs.map((p) => ({ pairId: p.id, annotatorId: annotator!.id, chosen: "A" as const, strength: "BETTER" as const, leftSide: "A" as const, timeOnTaskMs: 1 })),
    });
    for (const kind of ["HELPFULNESS", "SAFETY"] as const) {
      const rows = await selectExamples(prisma, request(kind));
      expect(rows.filter((r) => r.protocol === kind && r.test).length).toBeGreaterThan(0);
    }
    await prisma.comparison.deleteMany({ where: { annotatorId: annotator!.id } });
  });

  it("aggregates a pair's annotations by the export's rule, splits pairs as the export does, and records the comparisons", async () => {
    const { batch, pairIds } = await makeBatch({ pairs: 40, overlap: 3, protocol: (i) => (i % 4 === 0 ? "SAFETY" : "HELPFULNESS") });
    const annotators = await makeAnnotators(3);
    const comparisons = pairIds.flatMap((pairId, i) =>
      annotators.map((a, k) => ({
        pairId,
        annotatorId: a.id,
        // Two of three choose A on even pairs, B on odd ones.
        chosen: (i % 2 === 0 ? k < 2 : k >= 2) ? ("A" as const) : ("B" as const),
        strength: STRENGTH_VALUES[(i + k) % 4]!,
        safetyLabel: i % 4 === 0 ? ("CHOSEN_SAFE_OTHER_UNSAFE" as const) : null,
        leftSide: "A" as const,
        timeOnTaskMs: 1000,
      })),
    );
    await prisma.comparison.createMany({ data: comparisons });

    const set = await buildTrainingSet(prisma, request("HELPFULNESS", { batchIds: [batch.id], testFraction: 0.25 }));
    const helpful = set.examples.filter((e) => e.protocol === "HELPFULNESS");
    expect(new Set(helpful.map((e) => e.pairId)).size).toBe(30);
    for (const e of set.examples) {
      const i = pairIds.indexOf(e.pairId);
      expect(e.chosenResponseId.endsWith(i % 2 === 0 ? "-a" : "-b")).toBe(true);
      expect(e.comparisonIds).toHaveLength(3);
    }
    const safety = set.examples.find((e) => e.protocol === "SAFETY");
    if (safety) expect(safety.safetyLabel).toBe("CHOSEN_SAFE_OTHER_UNSAFE");

    // The same pairs are on the test side as in an export with the same fraction.
    const options = exportOptionsSchema.parse({ format: "raw", batchIds: [batch.id], testFraction: 0.25 });
    const literal = (v: string) => `'${v.replace(/'/g, "''")}'`;
    const lines = await prisma.$queryRawUnsafe<{ line: string }[]>(exportQuery(options, "test", literal, "salt"));
    const exportedTest = new Set(lines.map((l) => JSON.parse(l.line).pair_id as string));
    const rows = await selectExamples(prisma, request("HELPFULNESS", { batchIds: [batch.id], testFraction: 0.25 }));
    expect(new Set(rows.filter((r) => r.test).map((r) => r.pairId))).toEqual(exportedTest);
    expect(exportedTest.size).toBeGreaterThan(0);
    // One example per annotation when not aggregated.
    const perAnnotation = await selectExamples(prisma, request("HELPFULNESS", { batchIds: [batch.id], aggregate: "none" }));
    expect(perAnnotation).toHaveLength(120);
    expect(perAnnotation.every((r) => r.comparisonIds.length === 1)).toBe(true);
    expect(set.summary.comparisons).toBe(new Set(set.examples.map((e) => e.pairId)).size * 3);
  });

  it("keeps imported sources out unless they are chosen", async () => {
    const { batch, pairIds } = await makeBatch({ pairs: 6 });
    const imported = await prisma.datasetImport.create({
      data: { kind: "PREFERENCES", sourceName: "Open/pref", fileName: "x.jsonl", fileSha256: "0", format: "trl", rows: 6, inserted: 6, duplicates: 0 },
    });
    await prisma.batch.update({ where: { id: batch.id }, data: { importId: imported.id, status: "CLOSED" } });
    await prisma.comparison.createMany({
      data: pairIds.map((pairId) => ({ pairId, importId: imported.id, chosen: "A" as const, strength: "BETTER" as const, leftSide: "A" as const, timeOnTaskMs: 0 })),
    });
    expect((await buildTrainingSet(prisma, request("HELPFULNESS", { batchIds: [batch.id] }))).examples).toHaveLength(0);
    const chosen = await buildTrainingSet(prisma, request("HELPFULNESS", { batchIds: [batch.id], sources: ["Open/pref"] }));
    expect(chosen.examples.length).toBe(6);
    expect(chosen.examples.every((e) => e.source === "Open/pref")).toBe(true);
  });
});
