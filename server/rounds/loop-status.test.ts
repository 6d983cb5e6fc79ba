// The admin home's next step, as the loop moves: train → wait for the round → annotate → retrain → next round.
import { describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { makeBatch } from "../testing/batches";
import { makeUser } from "../testing/fixtures";
import { loopStatus } from "./loop-status";

describe("the loop's next step", () => {
  it("follows the loop from no reward model to the next round", async () => {
    expect((await loopStatus(prisma)).next).toEqual({ kind: "train", missing: ["HELPFULNESS", "SAFETY"] });

    // A round whose open batch is not labelled yet: annotators first.
    const { batch, pairIds } = await makeBatch({ pairs: 2 });
    const status = await loopStatus(prisma);
    expect(status.next).toMatchObject({ kind: "annotate", batchId: batch.id, done: 0, pairs: 2 });
    expect(status.batch).toMatchObject({ id: batch.id, pairs: 2, done: 0 });

    // Labelled: the reward models are next.
    const annotator = await makeUser("ANNOTATOR");
    for (const pairId of pairIds) {
      await prisma.comparison.create({ data: { pairId, annotatorId: annotator.id, chosen: "A", strength: "NEGLIGIBLY_BETTER_OR_UNSURE", leftSide: "A", timeOnTaskMs: 1 } });
      await prisma.pair.update({ where: { id: pairId }, data: { annotationCount: 1 } });
    }
    expect((await loopStatus(prisma)).batch).toMatchObject({ done: 2, comparisons: 2, unsureShare: 1 });
    expect((await loopStatus(prisma)).next).toEqual({ kind: "train", missing: ["HELPFULNESS", "SAFETY"] });

    // Both active and trained after every label: a new round.
    for (const kind of ["HELPFULNESS", "SAFETY"] as const) {
      await prisma.rewardModel.create({ data: { kind, version: 1, status: "READY", active: true, metrics: { accuracy: 0.7 } } });
    }
    const after = await loopStatus(prisma);
    expect(after.next).toEqual({ kind: "new-round" });
    expect(after.rewardModels.HELPFULNESS).toMatchObject({ version: 1, accuracy: 0.7 });

    // A new label since the models were trained: retrain.
    const more = await makeBatch({ pairs: 1, status: "CLOSED" });
    await prisma.comparison.create({ data: { pairId: more.pairIds[0]!, annotatorId: annotator.id, chosen: "B", strength: "BETTER", leftSide: "A", timeOnTaskMs: 1 } });
    expect((await loopStatus(prisma)).next).toMatchObject({ kind: "retrain", newLabels: 1 });

    // A round whose job is running: wait for it, and it is among the running jobs.
    const job = await prisma.job.create({ data: { type: "REJECTION_SAMPLING", status: "RUNNING" } });
    const round = await prisma.round.create({ data: { number: 9_999, name: "RLHF-V9999", jobId: job.id } });
    const running = await loopStatus(prisma);
    expect(running.next).toEqual({ kind: "wait-round", roundId: round.id, roundName: "RLHF-V9999" });
    expect(running.running.map((j) => j.id)).toContain(job.id);
    await prisma.job.update({ where: { id: job.id }, data: { status: "FAILED" } });
    expect((await loopStatus(prisma)).next).toMatchObject({ kind: "fix-round", jobStatus: "FAILED" });
  });
});
