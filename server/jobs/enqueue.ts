// Starting a job: the Job row (what the UI shows) and its queue message (what a worker picks
// up). Callers validate the parameters with their own zod schema first; the handler validates
// them again when it runs, because rows can be retried long after the code changed.
import type { JobType, Prisma } from "@prisma/client";
import type { DbOrTx } from "../db/types";
import { jobProducer, newQueueJobId, sendToQueue } from "./job-queue";

export type EnqueueRequest = {
  type: JobType;
  parameters: object;
  createdById: string | null;
  /** Runs allowed when workers die under it (default 2). */
  maxAttempts?: number;
};

export async function enqueueJob(db: DbOrTx, request: EnqueueRequest): Promise<{ id: string }> {
  const job = await db.job.create({
    data: {
      type: request.type,
      parameters: request.parameters as Prisma.InputJsonValue,
      createdById: request.createdById,
      maxAttempts: request.maxAttempts ?? 2,
      queueJobId: newQueueJobId(),
    },
    select: { id: true, type: true, queueJobId: true },
  });
  await dispatchJob(db, { id: job.id, type: job.type, queueJobId: job.queueJobId! });
  return { id: job.id };
}

/** Sends a QUEUED job's message; if the queue cannot take it, the job says so and ends FAILED. */
export async function dispatchJob(db: DbOrTx, job: { id: string; type: JobType; queueJobId: string }): Promise<void> {
  try {
    await sendToQueue(await jobProducer(), job);
  } catch (error) {
    const message = `Could not queue the job: ${(error as Error).message}`;
    await db.job.update({ where: { id: job.id }, data: { status: "FAILED", error: message, finishedAt: new Date() } });
    throw new Error(message);
  }
}
