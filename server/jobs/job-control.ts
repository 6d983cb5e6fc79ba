// What an admin can do to a job: cancel it (a queued job ends at once; a running one is told
// through its heartbeat and stops at its next check) and retry it (a failed or cancelled job
// runs again from the start, under the same row, so its page and log stay in one place).
import { Prisma } from "@prisma/client";
import type { Db, Tx } from "../db/types";
import { dispatchJob } from "./enqueue";
import { newQueueJobId } from "./job-queue";
import { jobRetryable } from "./jobs.schema";
import { refuse } from "../errors/domain-error";

export async function cancelJob(db: Db, jobId: string, by: { name: string }) {
  const job = await db.job.findUnique({ where: { id: jobId }, select: { status: true } });
  if (!job) throw refuse("not-found", `No job ${jobId}.`);
  const now = new Date();
  if (job.status === "QUEUED") {
    const { count } = await db.job.updateMany({
      where: { id: jobId, status: "QUEUED" },
      data: { status: "CANCELLED", cancelRequestedAt: now, finishedAt: now },
    });
    if (count) {
      await db.jobLogLine.create({ data: { jobId, level: "warn", message: `Cancelled by ${by.name} before it started.` } });
      return { status: "CANCELLED" as const };
    }
    return cancelJob(db, jobId, by); // a worker took it meanwhile
  }
  if (job.status === "RUNNING") {
    await db.job.update({ where: { id: jobId }, data: { cancelRequestedAt: now } });
    await db.jobLogLine.create({ data: { jobId, level: "warn", message: `Cancel requested by ${by.name}.` } });
    return { status: "RUNNING" as const, cancelRequested: true };
  }
  throw refuse("conflict", `The job has already ended (${job.status.toLowerCase()}); there is nothing to cancel.`);
}

export async function retryJob(db: Db, jobId: string, by: { name: string }) {
  // The row goes back to QUEUED with its new message, or not at all.
  return db.$transaction((tx) => requeueForRetry(tx, jobId, by));
}

async function requeueForRetry(db: Tx, jobId: string, by: { name: string }) {
  const failed = await db.job.findUnique({ where: { id: jobId }, select: { status: true, result: true, error: true } });
  if (failed && !jobRetryable(failed) && failed.status === "FAILED") throw refuse("conflict", `A retry would fail the same way: ${failed.error}`);
  const queueJobId = newQueueJobId();
  const { count } = await db.job.updateMany({
    where: { id: jobId, status: { in: ["FAILED", "CANCELLED"] } },
    data: {
      status: "QUEUED",
      queueJobId,
      attempts: 0,
      progress: 0,
      progressMessage: null,
      error: null,
      result: Prisma.DbNull,
      live: Prisma.DbNull,
      workerId: null,
      cancelRequestedAt: null,
      startedAt: null,
      finishedAt: null,
    },
  });
  const job = await db.job.findUnique({ where: { id: jobId }, select: { type: true, status: true } });
  if (!job) throw refuse("not-found", `No job ${jobId}.`);
  if (!count) throw refuse("conflict", `Only failed or cancelled jobs can be retried; this one is ${job.status.toLowerCase()}.`);
  await db.jobLogLine.create({ data: { jobId, message: `Retried by ${by.name}.` } });
  await dispatchJob(db, { id: jobId, type: job.type, queueJobId });
  return { status: "QUEUED" as const };
}
