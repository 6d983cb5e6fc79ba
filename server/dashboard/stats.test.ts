import type { SafetyLabel, Side, Strength } from "@prisma/client";
import { beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../auth/current-user";
import { prisma } from "../db/prisma";
import { makeBatch } from "../testing/batches";
import { callerFor, makeAnnotators, makeUser } from "../testing/fixtures";
import type { Distribution } from "./stats";

// The data, with every expected number below worked out by hand from this table.
//
// Round R1: batch H (helpfulness pairs h0..h3, h1 gold with answer B, h3 gold with answer A)
//           and batch X (helpfulness pair x0).
// Round R2: batch S (s0, s1 safety; s2 helpfulness).
// Days (UTC): D1 = 2026-01-10, D2 = 2026-01-11 (23:30, late in the UTC day), nothing on
// 2026-01-12, D3 = 2026-01-13 (00:30, early in the UTC day).
//
//  #  pair annotator chosen strength  left  time(ms) day label
//  1  h0   u0        A      SIG       A     1000     D1
//  2  h0   u1        A      BETTER    B     2000     D1
//  3  h0   u2        B      SLIGHT    B     3000     D1
//  4  h1   u0        A      NEG       B     4000     D2
//  5  h1   u1        B      NEG       B     5500     D2
//  6  h2   u0        B      BETTER    A     6000     D2
//  7  h2   u1        B      SLIGHT    A     7000     D3
//  8  h2   u2        B      NEG       B     8000     D3
//  9  h2   u3        A      SIG       A     9000     D3
// 10  h3   u0        A      BETTER    A     10000    D3
// 11  s0   u0        A      SIG       A     11000    D1   BOTH_SAFE
// 12  s0   u1        A      NEG       B     12000    D2   CHOSEN_SAFE_OTHER_UNSAFE
// 13  s1   u2        B      SLIGHT    A     13000    D3   BOTH_UNSAFE
// 14  s2   u3        A      BETTER    B     14000    D3
// 15  x0   u3        B      SLIGHT    A     15000    D1

const D1 = "2026-01-10T10:00:00Z";
const D2 = "2026-01-11T23:30:00Z";
const D3 = "2026-01-13T00:30:00Z";
const short = { SIG: "SIGNIFICANTLY_BETTER", BETTER: "BETTER", SLIGHT: "SLIGHTLY_BETTER", NEG: "NEGLIGIBLY_BETTER_OR_UNSURE" } as const;

let u: CurrentUser[];
let researcher: ReturnType<typeof callerFor>;
let ids: { r1: string; r2: string; h: string; s: string; x: string };

beforeAll(async () => {
  u = await makeAnnotators(4);
  researcher = callerFor(await makeUser("RESEARCHER"));
  const H = await makeBatch({ pairs: 4, overlap: 3, status: "CLOSED" });
  const S = await makeBatch({ pairs: 3, overlap: 3, status: "CLOSED", protocol: (i) => (i < 2 ? "SAFETY" : "HELPFULNESS") });
  const X = await makeBatch({ pairs: 1, status: "CLOSED" });
  // X joins H's round.
  await prisma.batch.update({ where: { id: X.batch.id }, data: { roundId: H.round.id } });
  ids = { r1: H.round.id, r2: S.round.id, h: H.batch.id, s: S.batch.id, x: X.batch.id };
  await prisma.pair.update({ where: { id: H.pairIds[1] }, data: { isGold: true, goldChoice: "B" } });
  await prisma.pair.update({ where: { id: H.pairIds[3] }, data: { isGold: true, goldChoice: "A" } });

  const [h0, h1, h2, h3] = H.pairIds;
  const [s0, s1, s2] = S.pairIds;
  const x0 = X.pairIds[0];
  const rows: [string | undefined, number, Side, keyof typeof short, Side, number, string, SafetyLabel?][] = [
    [h0, 0, "A", "SIG", "A", 1000, D1],
    [h0, 1, "A", "BETTER", "B", 2000, D1],
    [h0, 2, "B", "SLIGHT", "B", 3000, D1],
    [h1, 0, "A", "NEG", "B", 4000, D2],
    [h1, 1, "B", "NEG", "B", 5500, D2],
    [h2, 0, "B", "BETTER", "A", 6000, D2],
    [h2, 1, "B", "SLIGHT", "A", 7000, D3],
    [h2, 2, "B", "NEG", "B", 8000, D3],
    [h2, 3, "A", "SIG", "A", 9000, D3],
    [h3, 0, "A", "BETTER", "A", 10000, D3],
    [s0, 0, "A", "SIG", "A", 11000, D1, "BOTH_SAFE"],
    [s0, 1, "A", "NEG", "B", 12000, D2, "CHOSEN_SAFE_OTHER_UNSAFE"],
    [s1, 2, "B", "SLIGHT", "A", 13000, D3, "BOTH_UNSAFE"],
    [s2, 3, "A", "BETTER", "B", 14000, D3],
    [x0, 3, "B", "SLIGHT", "A", 15000, D1],
  ];
  await prisma.comparison.createMany({
    data: rows.map(([pairId, annotator, chosen, strength, leftSide, timeOnTaskMs, day, safetyLabel]) => ({
      pairId: pairId!,
      annotatorId: u[annotator]!.id,
      chosen,
      strength: short[strength] as Strength,
      leftSide,
      timeOnTaskMs,
      createdAt: new Date(day),
      safetyLabel: safetyLabel ?? null,
    })),
  });
  await prisma.$executeRaw`UPDATE "Pair" p SET "annotationCount" = (SELECT count(*) FROM "Comparison" c WHERE c."pairId" = p.id)`;
});

/** The counts of a distribution, in the order SIG, BETTER, SLIGHT, NEG / CSOU, BOTH_SAFE, BOTH_UNSAFE. */
function counts(d: Distribution) {
  return {
    comparisons: d.comparisons,
    strengths: Object.values(d.strengths).map((s) => s.count),
    safety: [d.safety.comparisons, ...Object.values(d.safety.labels).map((s) => s.count)],
    leftChosen: d.leftChosen.count,
  };
}

describe("comparisons over time", () => {
  it("counts per UTC day, with the days between filled with zeros", async () => {
    expect(await researcher.dashboard.overTime({})).toEqual([
      { day: "2026-01-10", comparisons: 5, helpfulness: 4, safety: 1 },
      { day: "2026-01-11", comparisons: 4, helpfulness: 3, safety: 1 },
      { day: "2026-01-12", comparisons: 0, helpfulness: 0, safety: 0 },
      { day: "2026-01-13", comparisons: 6, helpfulness: 5, safety: 1 },
    ]);
  });

  it("follows the filters: dates (from inclusive, to exclusive, strings coerced), protocol, round, batch", async () => {
    expect(await researcher.dashboard.overTime({ from: "2026-01-11" as unknown as Date, to: new Date("2026-01-13T00:00:00Z") })).toEqual([
      { day: "2026-01-11", comparisons: 4, helpfulness: 3, safety: 1 },
    ]);
    // #4, #5, #6 and #12 were made at exactly D2.
    expect(await researcher.dashboard.overTime({ from: new Date(D2) })).toEqual([
      { day: "2026-01-11", comparisons: 4, helpfulness: 3, safety: 1 },
      { day: "2026-01-12", comparisons: 0, helpfulness: 0, safety: 0 },
      { day: "2026-01-13", comparisons: 6, helpfulness: 5, safety: 1 },
    ]);
    expect((await researcher.dashboard.overTime({ protocol: "SAFETY" })).map((d) => d.comparisons)).toEqual([1, 1, 0, 1]);
    expect(await researcher.dashboard.overTime({ roundIds: [ids.r2] })).toEqual([
      { day: "2026-01-10", comparisons: 1, helpfulness: 0, safety: 1 },
      { day: "2026-01-11", comparisons: 1, helpfulness: 0, safety: 1 },
      { day: "2026-01-12", comparisons: 0, helpfulness: 0, safety: 0 },
      { day: "2026-01-13", comparisons: 2, helpfulness: 1, safety: 1 },
    ]);
    expect(await researcher.dashboard.overTime({ batchIds: [ids.x] })).toEqual([
      { day: "2026-01-10", comparisons: 1, helpfulness: 1, safety: 0 },
    ]);
    // Round and batch filters both hold: batch S is not in round R1.
    expect(await researcher.dashboard.overTime({ roundIds: [ids.r1], batchIds: [ids.s] })).toEqual([]);
    // An empty list restricts nothing.
    expect(await researcher.dashboard.overTime({ roundIds: [], batchIds: [] })).toHaveLength(4);
  });

  it("rejects a range that ends before it starts", async () => {
    await expect(researcher.dashboard.overTime({ from: new Date(D3), to: new Date(D1) })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(researcher.dashboard.overTime({ from: "not a date" as unknown as Date })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("distributions by round and batch", () => {
  it("counts strengths, safety labels and left choices per batch, per round and in all", async () => {
    const d = await researcher.dashboard.distributions({});
    expect(d.batches.map((b) => b.batchId)).toEqual([ids.h, ids.x, ids.s]);
    expect(d.rounds.map((r) => r.roundId)).toEqual([ids.r1, ids.r2]);
    const [H, X, S] = d.batches;
    expect(counts(H!)).toEqual({ comparisons: 10, strengths: [2, 3, 2, 3], safety: [0, 0, 0, 0], leftChosen: 6 });
    expect(H!.strengths).toEqual({
      SIGNIFICANTLY_BETTER: { count: 2, share: 0.2 },
      BETTER: { count: 3, share: 0.3 },
      SLIGHTLY_BETTER: { count: 2, share: 0.2 },
      NEGLIGIBLY_BETTER_OR_UNSURE: { count: 3, share: 0.3 },
    });
    expect(H!.safety.labels.BOTH_SAFE).toEqual({ count: 0, share: null });
    expect(H!.leftChosen).toEqual({ count: 6, share: 0.6 });
    expect(counts(X!)).toEqual({ comparisons: 1, strengths: [0, 0, 1, 0], safety: [0, 0, 0, 0], leftChosen: 0 });
    expect(X!.leftChosen).toEqual({ count: 0, share: 0 });
    expect(counts(S!)).toEqual({ comparisons: 4, strengths: [1, 1, 1, 1], safety: [3, 1, 1, 1], leftChosen: 1 });
    expect(S!.safety.labels).toEqual({
      CHOSEN_SAFE_OTHER_UNSAFE: { count: 1, share: 1 / 3 },
      BOTH_SAFE: { count: 1, share: 1 / 3 },
      BOTH_UNSAFE: { count: 1, share: 1 / 3 },
    });
    expect(S!.leftChosen.share).toBe(0.25);
    expect(S).toMatchObject({ roundId: ids.r2, batchId: ids.s });

    const [R1, R2] = d.rounds;
    expect(R1).toMatchObject({ roundId: ids.r1, batchId: null, batchName: null });
    expect(counts(R1!)).toEqual({ comparisons: 11, strengths: [2, 3, 3, 3], safety: [0, 0, 0, 0], leftChosen: 6 });
    expect(R1!.leftChosen.share).toBe(6 / 11);
    expect(counts(R2!)).toEqual(counts(S!));

    expect(d.total).toMatchObject({ roundId: null, batchId: null });
    expect(counts(d.total)).toEqual({ comparisons: 15, strengths: [3, 4, 4, 4], safety: [3, 1, 1, 1], leftChosen: 7 });
    expect(d.total.leftChosen.share).toBe(7 / 15);
    expect(d.total.strengths.NEGLIGIBLY_BETTER_OR_UNSURE.share).toBe(4 / 15);
  });

  it("follows the filters", async () => {
    const safety = await researcher.dashboard.distributions({ protocol: "SAFETY" });
    expect(safety.batches.map((b) => b.batchId)).toEqual([ids.s]);
    expect(counts(safety.total)).toEqual({ comparisons: 3, strengths: [1, 0, 1, 1], safety: [3, 1, 1, 1], leftChosen: 1 });

    const r1 = await researcher.dashboard.distributions({ roundIds: [ids.r1] });
    expect(r1.batches.map((b) => b.batchId)).toEqual([ids.h, ids.x]);
    expect(counts(r1.total)).toEqual(counts(r1.rounds[0]!));
    expect(r1.total.comparisons).toBe(11);

    const day3 = await researcher.dashboard.distributions({ from: new Date("2026-01-13T00:00:00Z"), batchIds: [ids.h, ids.s] });
    // #7, #8, #9, #10 in H; #13, #14 in S.
    expect(day3.batches.map(counts)).toEqual([
      { comparisons: 4, strengths: [1, 1, 1, 1], safety: [0, 0, 0, 0], leftChosen: 3 },
      { comparisons: 2, strengths: [0, 1, 1, 0], safety: [1, 0, 0, 1], leftChosen: 0 },
    ]);
  });

  it("is all zeros for an empty selection", async () => {
    const empty = await researcher.dashboard.distributions({ from: new Date("2030-01-01T00:00:00Z") });
    expect(empty.rounds).toEqual([]);
    expect(empty.batches).toEqual([]);
    expect(counts(empty.total)).toEqual({ comparisons: 0, strengths: [0, 0, 0, 0], safety: [0, 0, 0, 0], leftChosen: 0 });
    expect(empty.total.leftChosen.share).toBeNull();
    expect(empty.total.strengths.BETTER.share).toBeNull();
  });
});

describe("per annotator", () => {
  it("gives throughput, rate per active day, median time on task, gold accuracy and agreement with others", async () => {
    expect(await researcher.dashboard.annotators({})).toEqual([
      {
        annotatorId: u[0]!.id,
        name: "Annotator 0",
        comparisons: 5,
        activeDays: 3,
        perDay: 5 / 3,
        medianTimeOnTaskMs: 6000,
        goldAnswered: 2,
        goldCorrect: 1,
        goldAccuracy: 0.5,
        // h0: the others split A (u1) / B (u2), a tie, left out; h1: others B, chose A; h2:
        // others B, B, A, chose B; h3: nobody else; s0: other A, chose A.
        agreementScored: 3,
        agreementMatched: 2,
        agreementWithOthers: 2 / 3,
      },
      {
        annotatorId: u[1]!.id,
        name: "Annotator 1",
        comparisons: 4,
        activeDays: 3,
        perDay: 4 / 3,
        medianTimeOnTaskMs: 6250, // (5500 + 7000) / 2
        goldAnswered: 1,
        goldCorrect: 1,
        goldAccuracy: 1,
        // h0 tie (A by u0, B by u2); h1 other A, chose B; h2 others B, B, A, chose B; s0 other A, chose A.
        agreementScored: 3,
        agreementMatched: 2,
        agreementWithOthers: 2 / 3,
      },
      {
        annotatorId: u[2]!.id,
        name: "Annotator 2",
        comparisons: 3,
        activeDays: 2,
        perDay: 1.5,
        medianTimeOnTaskMs: 8000,
        goldAnswered: 0,
        goldCorrect: 0,
        goldAccuracy: null,
        // h0 others A, A, chose B; h2 others B, B, A, chose B; s1 nobody else.
        agreementScored: 2,
        agreementMatched: 1,
        agreementWithOthers: 0.5,
      },
      {
        annotatorId: u[3]!.id,
        name: "Annotator 3",
        comparisons: 3,
        activeDays: 2,
        perDay: 1.5,
        medianTimeOnTaskMs: 14000,
        goldAnswered: 0,
        goldCorrect: 0,
        goldAccuracy: null,
        // h2 others B, B, B, chose A; s2 and x0 nobody else.
        agreementScored: 1,
        agreementMatched: 0,
        agreementWithOthers: 0,
      },
    ]);
  });

  it("follows the filters; the others of a pair count whatever the dates", async () => {
    const day1 = await researcher.dashboard.annotators({ to: new Date("2026-01-11T00:00:00Z") });
    expect(day1.map((a) => [a.name, a.comparisons, a.medianTimeOnTaskMs, a.agreementScored, a.agreementMatched, a.agreementWithOthers])).toEqual([
      // #1 (h0, tie) and #11 (s0: u1's A on D2 still counts as the other's label).
      ["Annotator 0", 2, 6000, 1, 1, 1],
      // #2 (h0, tie).
      ["Annotator 1", 1, 2000, 0, 0, null],
      // #3 (h0, others A, A).
      ["Annotator 2", 1, 3000, 1, 0, 0],
      // #15 (x0, nobody else).
      ["Annotator 3", 1, 15000, 0, 0, null],
    ]);

    const safety = await researcher.dashboard.annotators({ protocol: "SAFETY" });
    expect(safety.map((a) => [a.name, a.comparisons, a.perDay, a.medianTimeOnTaskMs, a.goldAccuracy, a.agreementWithOthers])).toEqual([
      ["Annotator 0", 1, 1, 11000, null, 1],
      ["Annotator 1", 1, 1, 12000, null, 1],
      ["Annotator 2", 1, 1, 13000, null, null],
    ]);

    const h = await researcher.dashboard.annotators({ batchIds: [ids.h], roundIds: [ids.r1] });
    expect(h.map((a) => [a.name, a.comparisons, a.goldAnswered, a.agreementScored, a.agreementMatched])).toEqual([
      ["Annotator 0", 4, 2, 2, 1],
      ["Annotator 1", 3, 1, 2, 1],
      ["Annotator 2", 2, 0, 2, 1],
      ["Annotator 3", 1, 0, 1, 0],
    ]);
    expect(await researcher.dashboard.annotators({ roundIds: ["no-such-round"] })).toEqual([]);
  });
});

describe("filter options and labels made through the annotation flow", () => {
  it("lists rounds and batches; a submitted comparison counts, with its position", async () => {
    const { round, batch } = await makeBatch({ pairs: 2 });
    const options = await researcher.dashboard.filterOptions();
    expect(options.rounds[0]).toEqual({ id: round.id, number: round.number, name: round.name });
    expect(options.rounds.map((r) => r.id)).toEqual(expect.arrayContaining([ids.r1, ids.r2]));
    expect(options.batches.filter((b) => b.roundId === ids.r1).map((b) => b.id).sort()).toEqual([ids.h, ids.x].sort());
    expect(options.batches[0]).toEqual({ id: batch.id, name: batch.name, roundId: round.id });

    const annotator = await makeUser("ANNOTATOR");
    const caller = callerFor(annotator);
    // Left, then right.
    let task = await caller.annotate.current();
    task = (await caller.annotate.submit({ assignmentId: task!.assignmentId, pick: "LEFT", strength: "BETTER", timeOnTaskMs: 3000 })).next;
    await caller.annotate.submit({ assignmentId: task!.assignmentId, pick: "RIGHT", strength: "NEGLIGIBLY_BETTER_OR_UNSURE", timeOnTaskMs: 5000 });

    const d = await researcher.dashboard.distributions({ batchIds: [batch.id] });
    expect(counts(d.total)).toEqual({ comparisons: 2, strengths: [0, 1, 0, 1], safety: [0, 0, 0, 0], leftChosen: 1 });
    const today = new Date().toISOString().slice(0, 10);
    expect(await researcher.dashboard.overTime({ roundIds: [round.id] })).toEqual([{ day: today, comparisons: 2, helpfulness: 2, safety: 0 }]);
    expect(await researcher.dashboard.annotators({ batchIds: [batch.id] })).toMatchObject([
      { annotatorId: annotator.id, comparisons: 2, activeDays: 1, perDay: 2, medianTimeOnTaskMs: 4000, agreementWithOthers: null },
    ]);
  });
});
