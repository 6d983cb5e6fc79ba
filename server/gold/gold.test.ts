import { beforeEach, describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { makeBatch } from "../testing/batches";
import { callerFor, makeUser } from "../testing/fixtures";

beforeEach(async () => {
  await prisma.batch.updateMany({ where: { status: "OPEN" }, data: { status: "CLOSED" } });
});

describe("gold pairs", () => {
  it("are marked by researchers, mixed into the queue at the batch's rate, and scored per annotator", async () => {
    const { batch, pairIds } = await makeBatch({ pairs: 6 });
    const researcher = callerFor(await makeUser("RESEARCHER"));
    const [goldA, goldB] = [pairIds[4]!, pairIds[5]!];
    await researcher.batches.setGold({ pairId: goldA, gold: { choice: "A", strength: "BETTER" } });
    await researcher.batches.setGold({ pairId: goldB, gold: { choice: "B", strength: "SIGNIFICANTLY_BETTER" } });
    await expect(researcher.batches.setGold({ pairId: goldA, gold: { choice: "A", safetyLabel: "BOTH_SAFE" } })).rejects.toThrow(
      "safetyLabel: only safety-protocol pairs take a safety label.",
    );
    await callerFor(await makeUser("ADMIN")).batches.update({ batchId: batch.id, goldRate: 1 });

    // With goldRate 1 every lease is a gold pair while unseen ones remain, then regular pairs.
    const annotator = await makeUser("ANNOTATOR");
    const caller = callerFor(annotator);
    const served: string[] = [];
    for (let task = await caller.annotate.current(); task; ) {
      const assignment = await prisma.assignment.findUniqueOrThrow({ where: { id: task.assignmentId } });
      served.push(assignment.pairId);
      // Always choose the stored response A, whichever side it is shown on.
      const pick = assignment.leftSide === "A" ? "LEFT" : "RIGHT";
      task = (await caller.annotate.submit({ assignmentId: task.assignmentId, pick, strength: "BETTER", timeOnTaskMs: 1 })).next;
    }
    expect(new Set(served.slice(0, 2))).toEqual(new Set([goldA, goldB]));
    expect(served.slice(2)).toEqual(pairIds.slice(0, 4));

    const accuracy = await researcher.dashboard.goldAccuracy();
    expect(accuracy.find((a) => a.annotatorId === annotator.id)).toEqual({
      annotatorId: annotator.id,
      name: annotator.name,
      goldAnswered: 2,
      choiceAccuracy: 0.5,
      strengthAccuracy: 0.5,
    });
  });

  it("are never served when the batch's gold rate is 0, and the progress count leaves them out", async () => {
    const { pairIds } = await makeBatch({ pairs: 2 });
    await callerFor(await makeUser("RESEARCHER")).batches.setGold({ pairId: pairIds[0]!, gold: { choice: "A" } });
    const caller = callerFor(await makeUser("ANNOTATOR"));
    expect(await caller.annotate.progress()).toEqual({ waiting: 1, doneToday: 0 });
    const task = await caller.annotate.current();
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: task!.assignmentId } })).pairId).toBe(pairIds[1]);
  });

  it("batch settings are validated", async () => {
    const { batch } = await makeBatch({ pairs: 1 });
    const admin = callerFor(await makeUser("ADMIN"));
    await expect(admin.batches.update({ batchId: batch.id, goldRate: 1.5 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(admin.batches.update({ batchId: "nope", goldRate: 0.1 })).rejects.toThrow("No batch with id nope.");
    const closed = await admin.batches.update({ batchId: batch.id, status: "CLOSED" });
    expect(closed.closedAt).toBeInstanceOf(Date);
  });
});
