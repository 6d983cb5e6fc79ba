import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { submitComparison } from "../annotation/submit";
import { makeBatch } from "../testing/batches";
import { makeAnnotators, makeUser } from "../testing/fixtures";
import { leaseNextTask } from "./lease";

// Each test starts with no open batch, so only its own pairs are in the queue.
beforeEach(async () => {
  await prisma.batch.updateMany({ where: { status: "OPEN" }, data: { status: "CLOSED" } });
});

async function pairOf(assignmentId: string) {
  return (await prisma.assignment.findUniqueOrThrow({ where: { id: assignmentId } })).pairId;
}

async function label(annotatorId: string, assignmentId: string) {
  return submitComparison(prisma, annotatorId, {
    assignmentId,
    pick: "LEFT",
    strength: "BETTER",
    timeOnTaskMs: 1000,
  });
}

describe("next pair", () => {
  it("keeps giving the same pair while the lease is open", async () => {
    const { pairIds } = await makeBatch({ pairs: 3 });
    const annotator = await makeUser("ANNOTATOR");
    const first = await leaseNextTask(prisma, annotator.id);
    const again = await leaseNextTask(prisma, annotator.id);
    expect(again?.assignmentId).toBe(first?.assignmentId);
    expect(await pairOf(first!.assignmentId)).toBe(pairIds[0]);
  });

  it("serves oldest pairs first and never the same pair twice to one person", async () => {
    const { pairIds } = await makeBatch({ pairs: 3, overlap: 3 });
    const annotator = await makeUser("ANNOTATOR");
    const seen: string[] = [];
    for (let task = await leaseNextTask(prisma, annotator.id); task; ) {
      seen.push(await pairOf(task.assignmentId));
      task = (await label(annotator.id, task.assignmentId)).next;
    }
    expect(seen).toEqual(pairIds);
  });

  it("gives a pair to as many people as the batch asks, and no more", async () => {
    const { pairIds } = await makeBatch({ pairs: 1, overlap: 2 });
    const [a, b, c] = await Promise.all([makeUser("ANNOTATOR"), makeUser("ANNOTATOR"), makeUser("ANNOTATOR")]);
    expect(await leaseNextTask(prisma, a.id)).not.toBeNull();
    expect(await leaseNextTask(prisma, b.id)).not.toBeNull();
    expect(await leaseNextTask(prisma, c.id)).toBeNull();
    const pair = await prisma.pair.findUniqueOrThrow({ where: { id: pairIds[0] }, include: { assignments: true } });
    expect(pair.assignments).toHaveLength(2);
  });

  it("serves higher-priority batches first and nothing from draft or closed batches", async () => {
    await makeBatch({ pairs: 2, status: "DRAFT", priority: 100 });
    await makeBatch({ pairs: 2, status: "CLOSED", priority: 100 });
    const low = await makeBatch({ pairs: 2, priority: 1 });
    const high = await makeBatch({ pairs: 2, priority: 5 });
    const annotator = await makeUser("ANNOTATOR");
    const order: string[] = [];
    for (let task = await leaseNextTask(prisma, annotator.id); task; ) {
      order.push(await pairOf(task.assignmentId));
      task = (await label(annotator.id, task.assignmentId)).next;
    }
    expect(order).toEqual([...high.pairIds, ...low.pairIds]);
  });

  it("returns an abandoned pair to the queue when its lease expires", async () => {
    const { pairIds } = await makeBatch({ pairs: 1 });
    const [a, b] = await Promise.all([makeUser("ANNOTATOR"), makeUser("ANNOTATOR")]);
    const leased = await leaseNextTask(prisma, a.id);
    expect(await leaseNextTask(prisma, b.id)).toBeNull();
    await prisma.assignment.update({ where: { id: leased!.assignmentId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const taken = await leaseNextTask(prisma, b.id);
    expect(await pairOf(taken!.assignmentId)).toBe(pairIds[0]);
    // The first annotator's late answer is refused: the place went to someone else.
    await expect(label(a.id, leased!.assignmentId)).rejects.toThrow("Your lease on this pair expired and the pair went to someone else.");
    expect(await prisma.comparison.count({ where: { pairId: pairIds[0] } })).toBe(0);
  });

  it("accepts a late answer when the pair still has room", async () => {
    await makeBatch({ pairs: 1 });
    const a = await makeUser("ANNOTATOR");
    const leased = await leaseNextTask(prisma, a.id);
    await prisma.assignment.update({ where: { id: leased!.assignmentId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(label(a.id, leased!.assignmentId)).resolves.toMatchObject({ comparisonId: expect.any(String) });
  });

  it("draws left/right per assignment, records it, and shows the text accordingly", async () => {
    const { pairIds } = await makeBatch({ pairs: 1, overlap: 120 });
    const annotators = await makeAnnotators(120);
    const tasks = await Promise.all(annotators.map((a) => leaseNextTask(prisma, a.id)));
    const assignments = await prisma.assignment.findMany({ where: { pairId: pairIds[0] } });
    const left = new Map(assignments.map((a) => [a.id, a.leftSide]));
    const shownA = tasks.filter((t) => left.get(t!.assignmentId) === "A");
    // 120 fair coin flips: both sides appear at least 35 times with overwhelming probability.
    expect(shownA.length).toBeGreaterThan(35);
    expect(shownA.length).toBeLessThan(85);
    for (const t of tasks) {
      const side = left.get(t!.assignmentId);
      expect(t!.left).toBe(`Answer ${side} to ${pairIds[0]!.replace("-pair-0", "-prompt-0")}`);
    }
  });

  it("never reveals gold status or stored response order to the annotator", async () => {
    await makeBatch({ pairs: 1 });
    const a = await makeUser("ANNOTATOR");
    const task = await leaseNextTask(prisma, a.id);
    expect(Object.keys(task!).sort()).toEqual(
      ["assignmentId", "batchName", "expiresAt", "left", "protocol", "riskCategory", "right", "roundName", "systemPrompt", "turns"].sort(),
    );
  });
});

describe("under concurrency", () => {
  it("no pair gets more labels than required and nobody gets a pair twice", async () => {
    const overlap = 3;
    const { pairIds } = await makeBatch({ pairs: 25, overlap });
    const annotators = await makeAnnotators(10);
    // Every annotator works as fast as they can, and asks for "next" from two tabs at once.
    await Promise.all(
      annotators.map(async (annotator) => {
        for (;;) {
          const [task, twin] = await Promise.all([leaseNextTask(prisma, annotator.id), leaseNextTask(prisma, annotator.id)]);
          expect(twin?.assignmentId).toBe(task?.assignmentId);
          if (!task) return;
          await label(annotator.id, task.assignmentId);
        }
      }),
    );
    const pairs = await prisma.pair.findMany({ where: { id: { in: pairIds } }, include: { comparisons: true, assignments: true } });
    for (const pair of pairs) {
      expect(pair.comparisons).toHaveLength(overlap);
      expect(pair.annotationCount).toBe(overlap);
      expect(new Set(pair.comparisons.map((c) => c.annotatorId)).size).toBe(overlap);
      expect(pair.assignments).toHaveLength(overlap);
    }
  });
});
