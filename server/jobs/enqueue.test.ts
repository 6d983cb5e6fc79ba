// Enqueueing is atomic: the Job row and its pg-boss message are written in one transaction
// (pg-boss 10's send on the caller's database), so no crash between the two can leave a job
// that never runs, nor a message for a job that does not exist.
import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { dispatchJob, enqueueJob } from "./enqueue";
import { retryJob } from "./job-control";
import { ensureQueue, jobProducer, queueNameFor, stopJobProducer } from "./job-queue";

const messageFor = async (queueJobId: string | null) =>
  (await prisma.$queryRaw<{ data: { jobId: string } }[]>`SELECT data FROM pgboss.job WHERE id = ${queueJobId}::uuid`)[0]?.data ?? null;

describe("enqueueing a job", () => {
  afterAll(() => stopJobProducer());

  it("commits the Job row and its queue message together", async () => {
    const { id } = await enqueueJob(prisma, { type: "IMPORT", parameters: {}, createdById: null });
    const job = await prisma.job.findUniqueOrThrow({ where: { id } });
    expect(await messageFor(job.queueJobId)).toEqual({ jobId: id });
  });

  it("leaves neither when the transaction that queued it fails after the send (a crash between the two)", async () => {
    let queued: { id: string } | undefined;
    await expect(
      prisma.$transaction(async (tx) => {
        queued = await enqueueJob(tx, { type: "IMPORT", parameters: {}, createdById: null });
        const { queueJobId } = await tx.job.findUniqueOrThrow({ where: { id: queued.id } });
        // Inside the transaction the message is there, beside its row ...
        expect(await tx.$queryRaw<unknown[]>`SELECT 1 FROM pgboss.job WHERE id = ${queueJobId}::uuid`).toHaveLength(1);
        throw new Error("the process died here");
      }),
    ).rejects.toThrow("the process died here");
    // ... and after the rollback neither is.
    expect(await prisma.job.findUnique({ where: { id: queued!.id } })).toBeNull();
    expect(await prisma.$queryRaw<unknown[]>`SELECT 1 FROM pgboss.job WHERE data->>'jobId' = ${queued!.id}`).toEqual([]);
  });

  it("writes no Job row when the queue refuses the message", async () => {
    const before = await prisma.job.count();
    // A message id that is not a uuid: pg-boss's insert fails inside the transaction.
    await expect(
      prisma.$transaction(async (tx) => {
        const job = await tx.job.create({ data: { type: "IMPORT", parameters: {}, queueJobId: "not-a-uuid" } });
        await dispatchJob(tx, { id: job.id, type: job.type, queueJobId: "not-a-uuid" });
      }),
    ).rejects.toThrow(/^Could not queue the job: /);
    expect(await prisma.job.count()).toBe(before);
  });

  it("writes no Job row when the queue has no room for it, called with the client as web requests do", async () => {
    const before = await prisma.job.count();
    const producer = await jobProducer();
    await ensureQueue(producer, "REWARD_SCORING");
    // The queue disappears behind the producer's back: pg-boss accepts nothing for it.
    await producer.deleteQueue(queueNameFor("REWARD_SCORING"));
    await expect(enqueueJob(prisma, { type: "REWARD_SCORING", parameters: {}, createdById: null })).rejects.toThrow(/^Could not queue the job: pg-boss did not accept/);
    expect(await prisma.job.count()).toBe(before);
  });

  it("retries a job with its new message, or leaves it as it was", async () => {
    const { id } = await enqueueJob(prisma, { type: "IMPORT", parameters: {}, createdById: null });
    await prisma.job.update({ where: { id }, data: { status: "FAILED", error: "boom" } });
    await retryJob(prisma, id, { name: "Ada" });
    const retried = await prisma.job.findUniqueOrThrow({ where: { id } });
    expect(retried.status).toBe("QUEUED");
    expect(await messageFor(retried.queueJobId)).toEqual({ jobId: id });
  });
});
