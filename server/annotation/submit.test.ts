import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { leaseNextTask } from "../queue/lease";
import { queueProgress } from "../queue/progress";
import { makeBatch } from "../testing/batches";
import { callerFor, makeUser } from "../testing/fixtures";

beforeEach(async () => {
  await prisma.batch.updateMany({ where: { status: "OPEN" }, data: { status: "CLOSED" } });
});

/** Row counts that a refused action must leave as they were. */
async function snapshot() {
  const [comparisons, counts, assignments] = await Promise.all([
    prisma.comparison.count(),
    prisma.pair.aggregate({ _sum: { annotationCount: true } }),
    prisma.assignment.findMany({ select: { id: true, completedAt: true, skippedAt: true }, orderBy: { id: "asc" } }),
  ]);
  return { comparisons, counted: counts._sum.annotationCount, assignments };
}

async function setup(protocol: "HELPFULNESS" | "SAFETY" = "HELPFULNESS") {
  const { batch, pairIds } = await makeBatch({ pairs: 3, protocol: () => protocol });
  const annotator = await makeUser("ANNOTATOR");
  const caller = callerFor(annotator);
  const task = (await caller.annotate.current())!;
  const assignment = await prisma.assignment.findUniqueOrThrow({ where: { id: task.assignmentId } });
  return { batch, pairIds, annotator, caller, task, assignment };
}

describe("submitting a comparison", () => {
  it("records what was pressed, maps the screen side to the stored response, and serves the next pair", async () => {
    const { caller, task, assignment, annotator } = await setup();
    const result = await caller.annotate.submit({
      assignmentId: task.assignmentId,
      pick: "RIGHT",
      strength: "SLIGHTLY_BETTER",
      comment: "  B cites its source  ",
      timeOnTaskMs: 12_345,
    });
    const row = await prisma.comparison.findUniqueOrThrow({ where: { id: result.comparisonId } });
    expect(row).toMatchObject({
      pairId: assignment.pairId,
      annotatorId: annotator.id,
      assignmentId: assignment.id,
      chosen: assignment.leftSide === "A" ? "B" : "A",
      leftSide: assignment.leftSide,
      strength: "SLIGHTLY_BETTER",
      safetyLabel: null,
      comment: "B cites its source",
      timeOnTaskMs: 12_345,
    });
    expect((await prisma.pair.findUniqueOrThrow({ where: { id: assignment.pairId } })).annotationCount).toBe(1);
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } })).completedAt).toBeInstanceOf(Date);
    expect(result.next?.assignmentId).not.toBe(task.assignmentId);
    expect(await caller.annotate.progress()).toMatchObject({ doneToday: 1 });
    expect(result.undoUntil.getTime() - row.createdAt.getTime()).toBe(30_000);
  });

  it("requires the safety label on safety pairs and records it", async () => {
    const { caller, task } = await setup("SAFETY");
    const before = await snapshot();
    await expect(
      caller.annotate.submit({ assignmentId: task.assignmentId, pick: "LEFT", strength: "BETTER", timeOnTaskMs: 1 }),
    ).rejects.toThrow("safetyLabel: required on safety-protocol pairs");
    expect(await snapshot()).toEqual(before);
    const ok = await caller.annotate.submit({
      assignmentId: task.assignmentId,
      pick: "LEFT",
      strength: "BETTER",
      safetyLabel: "CHOSEN_SAFE_OTHER_UNSAFE",
      timeOnTaskMs: 1,
    });
    expect((await prisma.comparison.findUniqueOrThrow({ where: { id: ok.comparisonId } })).safetyLabel).toBe("CHOSEN_SAFE_OTHER_UNSAFE");
  });

  it("refuses a safety label on a helpfulness pair", async () => {
    const { caller, task } = await setup("HELPFULNESS");
    const before = await snapshot();
    await expect(
      caller.annotate.submit({ assignmentId: task.assignmentId, pick: "LEFT", strength: "BETTER", safetyLabel: "BOTH_SAFE", timeOnTaskMs: 1 }),
    ).rejects.toThrow("safetyLabel: only safety-protocol pairs take a safety label.");
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a pair not leased to you, a second submission, and a closed batch, writing nothing", async () => {
    const { caller, task, batch } = await setup();
    const other = callerFor(await makeUser("ANNOTATOR"));
    const answer = { assignmentId: task.assignmentId, pick: "LEFT" as const, strength: "BETTER" as const, timeOnTaskMs: 1 };

    let before = await snapshot();
    await expect(other.annotate.submit(answer)).rejects.toMatchObject({ code: "FORBIDDEN", message: "This pair is not assigned to you." });
    await expect(other.annotate.submit({ ...answer, assignmentId: "no-such-assignment" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await snapshot()).toEqual(before);

    await caller.annotate.submit(answer);
    before = await snapshot();
    await expect(caller.annotate.submit(answer)).rejects.toMatchObject({ code: "CONFLICT", message: "You already labelled this pair." });
    // Both at once: exactly one is taken.
    const next = (await caller.annotate.current())!;
    const twice = await Promise.allSettled([
      caller.annotate.submit({ ...answer, assignmentId: next.assignmentId }),
      caller.annotate.submit({ ...answer, assignmentId: next.assignmentId }),
    ]);
    expect(twice.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect((before.comparisons ?? 0) + 1).toBe(await prisma.comparison.count());

    const third = (await caller.annotate.current())!;
    await prisma.batch.update({ where: { id: batch.id }, data: { status: "CLOSED" } });
    before = await snapshot();
    await expect(caller.annotate.submit({ ...answer, assignmentId: third.assignmentId })).rejects.toThrow(
      `${batch.name} is closed; its pairs take no labels.`,
    );
    expect(await snapshot()).toEqual(before);
  });

  it("validates every field at the boundary", async () => {
    const { caller, task } = await setup();
    const before = await snapshot();
    for (const bad of [
      { assignmentId: task.assignmentId, pick: "MIDDLE", strength: "BETTER", timeOnTaskMs: 1 },
      { assignmentId: task.assignmentId, pick: "LEFT", strength: "MUCH_BETTER", timeOnTaskMs: 1 },
      { assignmentId: task.assignmentId, pick: "LEFT", strength: "BETTER", timeOnTaskMs: -5 },
      { assignmentId: task.assignmentId, pick: "LEFT", strength: "BETTER", timeOnTaskMs: 1, safetyLabel: "CHOSEN_UNSAFE_OTHER_SAFE" },
      { assignmentId: task.assignmentId, pick: "LEFT", strength: "BETTER", timeOnTaskMs: 1, comment: "x".repeat(2001) },
      { pick: "LEFT", strength: "BETTER", timeOnTaskMs: 1 },
    ]) {
      await expect(caller.annotate.submit(bad as never)).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe("skip, flag and undo", () => {
  it("a skip gives the place back to others and the pair never returns to the skipper", async () => {
    const { caller, task, assignment, annotator } = await setup();
    const { next } = await caller.annotate.skip({ assignmentId: task.assignmentId, reason: "Outside my expertise" });
    expect(next?.assignmentId).not.toBe(task.assignmentId);
    expect(await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } })).toMatchObject({
      skipReason: "Outside my expertise",
      flagReason: null,
      skippedAt: expect.any(Date),
    });
    const someoneElse = await makeUser("ANNOTATOR");
    const theirs = await leaseNextTask(prisma, someoneElse.id);
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: theirs!.assignmentId } })).pairId).toBe(assignment.pairId);
    // The skipper works through the rest and is never given the skipped pair.
    const mine: string[] = [];
    for (let t = next; t; t = (await caller.annotate.submit({ assignmentId: t.assignmentId, pick: "LEFT", strength: "BETTER", timeOnTaskMs: 1 })).next) {
      mine.push((await prisma.assignment.findUniqueOrThrow({ where: { id: t.assignmentId } })).pairId);
    }
    expect(mine).not.toContain(assignment.pairId);
    expect(mine).toHaveLength(2);
    expect((await queueProgress(prisma, annotator.id)).waiting).toBe(0);
  });

  it("a flag needs a reason and is recorded", async () => {
    const { caller, task, assignment } = await setup();
    await expect(caller.annotate.flag({ assignmentId: task.assignmentId, reason: " " })).rejects.toThrow("Say why you flag this pair");
    await caller.annotate.flag({ assignmentId: task.assignmentId, reason: "Response is empty or broken" });
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: assignment.id } })).flagReason).toBe("Response is empty or broken");
    await expect(caller.annotate.skip({ assignmentId: task.assignmentId })).rejects.toThrow(
      "You skipped or flagged this pair; it is no longer assigned to you.",
    );
  });

  it("undo within the window puts the pair back on screen; later it is refused", async () => {
    const { caller, task, assignment } = await setup();
    const saved = await caller.annotate.submit({ assignmentId: task.assignmentId, pick: "LEFT", strength: "BETTER", timeOnTaskMs: 1 });
    const { task: back } = await caller.annotate.undo({ comparisonId: saved.comparisonId });
    expect(back).toEqual({ ...task, expiresAt: expect.any(Date) });
    expect(await prisma.comparison.count({ where: { id: saved.comparisonId } })).toBe(0);
    expect((await prisma.pair.findUniqueOrThrow({ where: { id: assignment.pairId } })).annotationCount).toBe(0);
    expect((await caller.annotate.current())?.assignmentId).toBe(task.assignmentId);

    const again = await caller.annotate.submit({ assignmentId: task.assignmentId, pick: "RIGHT", strength: "BETTER", timeOnTaskMs: 1 });
    await prisma.comparison.update({ where: { id: again.comparisonId }, data: { createdAt: new Date(Date.now() - 31_000) } });
    await expect(caller.annotate.undo({ comparisonId: again.comparisonId })).rejects.toThrow("Too late to undo");
    const stranger = callerFor(await makeUser("ANNOTATOR"));
    await expect(stranger.annotate.undo({ comparisonId: again.comparisonId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await prisma.comparison.count({ where: { id: again.comparisonId } })).toBe(1);
  });
});
