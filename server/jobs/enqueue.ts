// Starting a job: the Job row (what the UI shows) and its queue message (what a worker picks
// up), written in one transaction, so a crash between the two cannot leave a job that never runs.
// Callers validate the parameters with their own zod schema first; the handler validates them
// again when it runs, because rows can be retried long after the code changed.
import type { JobType, Prisma } from "@prisma/client";
import type { Db, DbOrTx, Tx } from "../db/types";
import { newQueueJobId, sendToQueue } from "./job-queue";

export type EnqueueRequest = {
  type: JobType;
  parameters: object;
  createdById: string | null;
  /** Runs allowed when workers die under it (default 2). */
  maxAttempts?: number;
};

/** Runs `fn` in the caller's transaction, or in a new one when given the client. */
export function inTransaction<T>(db: DbOrTx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  // A transaction's client has no $transaction (the process's client is a proxy, so `in` cannot tell).
  return typeof (db as Db).$transaction === "function" ? (db as Db).$transaction(fn) : fn(db as Tx);
}

export async function enqueueJob(db: DbOrTx, request: EnqueueRequest): Promise<{ id: string }> {
  return inTransaction(db, async (tx) => {
    const job = await tx.job.create({
      data: {
        type: request.type,
        parameters: request.parameters as Prisma.InputJsonValue,
        createdById: request.createdById,
        maxAttempts: request.maxAttempts ?? 2,
        queueJobId: newQueueJobId(),
      },
      select: { id: true, type: true, queueJobId: true },
    });
    await dispatchJob(tx, { id: job.id, type: job.type, queueJobId: job.queueJobId! });
    return { id: job.id };
  });
}

/**
 * Sends a QUEUED job's message inside the transaction that queued it (the Job row change and
 * the message commit together); if the queue cannot take it, the error rolls that back.
 */
export async function dispatchJob(tx: Tx, job: { id: string; type: JobType; queueJobId: string }): Promise<void> {
  try {
    await sendToQueue(tx, job);
  } catch (error) {
    throw new Error(`Could not queue the job: ${(error as Error).message}`);
  }
}
