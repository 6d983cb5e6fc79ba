import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { submitComparison } from "../annotation/submit";
import { makeBatch } from "../testing/batches";
import { callerFor, makeAnnotators, makeUser } from "../testing/fixtures";
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

/** Each pair's kept count of held leases against a count of its assignments that hold a place. */
async function placeCounts(pairIds: string[]) {
  return prisma.$queryRaw<{ id: string; kept: number; counted: number }[]>`
    SELECT p.id, p."leasedCount" AS kept,
           (SELECT count(*)::int FROM "Assignment" a
            WHERE a."pairId" = p.id AND a."completedAt" IS NULL AND a."skippedAt" IS NULL AND a."lapsedAt" IS NULL) AS counted
    FROM "Pair" p WHERE p.id = ANY(${pairIds}) ORDER BY p.id`;
}

describe("places kept on the pair", () => {
  it("follow every lease, submission, skip, undo, release and deletion", async () => {
    const { pairIds } = await makeBatch({ pairs: 4, overlap: 2 });
    const [a, b, c] = await Promise.all([makeUser("ANNOTATOR"), makeUser("ANNOTATOR"), makeUser("ANNOTATOR")]);
    const ta = await leaseNextTask(prisma, a.id);
    const tb = await leaseNextTask(prisma, b.id);
    expect(await placeCounts([await pairOf(ta!.assignmentId)])).toEqual([expect.objectContaining({ kept: 2, counted: 2 })]);
    // Full: a third annotator is given the next pair.
    const tc = await leaseNextTask(prisma, c.id);
    expect(await pairOf(tc!.assignmentId)).toBe(pairIds[1]);

    const saved = await label(a.id, ta!.assignmentId);
    await callerFor(b).annotate.skip({ assignmentId: tb!.assignmentId });
    await callerFor(a).annotate.undo({ comparisonId: saved.comparisonId });
    await callerFor(c).annotate.release({ assignmentId: tc!.assignmentId });
    await prisma.assignment.deleteMany({ where: { annotatorId: b.id } });
    const counts = await placeCounts(pairIds);
    for (const row of counts) expect(row.kept).toBe(row.counted);
    expect(counts.map((r) => r.kept)).toEqual([1, 1, 0, 0]);
  });

  it("give an expired lease's place back at the next lease, and a late answer takes a place still left", async () => {
    const { pairIds } = await makeBatch({ pairs: 1, overlap: 2 });
    const [a, b] = await Promise.all([makeUser("ANNOTATOR"), makeUser("ANNOTATOR")]);
    const leased = await leaseNextTask(prisma, a.id);
    await prisma.assignment.update({ where: { id: leased!.assignmentId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    // b's lease marks a's lapsed (its place back) and takes one of the two places.
    await leaseNextTask(prisma, b.id);
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: leased!.assignmentId } })).lapsedAt).not.toBeNull();
    expect(await placeCounts(pairIds)).toEqual([expect.objectContaining({ kept: 1, counted: 1 })]);
    // a's late answer: the second place is still free, so it is taken and the label kept.
    await expect(label(a.id, leased!.assignmentId)).resolves.toMatchObject({ comparisonId: expect.any(String) });
    const pair = await prisma.pair.findUniqueOrThrow({ where: { id: pairIds[0] } });
    expect([pair.annotationCount, pair.leasedCount]).toEqual([1, 1]);
  });

  it("stay exact when leases expire while many annotators work", async () => {
    const { pairIds } = await makeBatch({ pairs: 30, overlap: 2 });
    const annotators = await makeAnnotators(8);
    await Promise.all(
      annotators.map(async (annotator, i) => {
        for (let n = 0; ; n++) {
          const task = await leaseNextTask(prisma, annotator.id);
          if (!task) return;
          // Every third lease of half the annotators is abandoned: it expires instead of being labelled.
          if (i % 2 === 0 && n % 3 === 2) {
            await prisma.assignment.update({ where: { id: task.assignmentId }, data: { expiresAt: new Date(Date.now() - 1000) } });
            continue;
          }
          await label(annotator.id, task.assignmentId);
        }
      }),
    );
    for (const row of await placeCounts(pairIds)) expect(row.kept).toBe(row.counted);
    // An annotator who stopped on "nothing left" may have done so while a place was still held
    // by a lease about to be abandoned; two newcomers find every place that came back.
    for (const newcomer of await makeAnnotators(2)) {
      for (let task = await leaseNextTask(prisma, newcomer.id); task; task = (await label(newcomer.id, task.assignmentId)).next);
    }
    const pairs = await prisma.pair.findMany({ where: { id: { in: pairIds } }, include: { comparisons: true } });
    for (const pair of pairs) expect(pair.comparisons).toHaveLength(2);
    for (const row of await placeCounts(pairIds)) expect([row.kept, row.counted]).toEqual([0, 0]);
  });
});
