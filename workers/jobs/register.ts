// The job types this worker runs: every handler, one line each. The web side only enqueues
// (server/jobs/enqueue.ts); run-job.ts runs a handler against its Job row.
import type PgBoss from "pg-boss";
import type { Db } from "../../server/db/types";
import type { JobHandler } from "../../server/jobs/job-handler";
import { ensureQueue, type QueueMessage } from "../../server/jobs/job-queue";
import { runQueuedJob } from "./run-job";
import { pairGenerationHandler } from "../pair-generation/pair-generation-job";
import { promptWritingHandler } from "../prompt-writing/prompt-writing-job";
import { importHandler } from "../import/import-job";
import { rewardScoringHandler } from "../reward/scoring-job";
import { rewardTrainingHandler } from "../reward/training-job";
import { rejectionSamplingHandler } from "../rounds/rejection-sampling-job";
import { config } from "../../server/config/config";

export const jobHandlers: JobHandler<any>[] = [
  pairGenerationHandler,
  promptWritingHandler,
  importHandler,
  rewardTrainingHandler,
  rewardScoringHandler,
  rejectionSamplingHandler,
];

export function handlersByType(handlers: JobHandler<any>[] = jobHandlers): Map<string, JobHandler<any>> {
  return new Map(handlers.map((handler) => [handler.type, handler]));
}

/**
 * Works each handler's queue, one job at a time per type in this process (a model job takes the
 * machine; more workers mean more processes). `WORKER_JOB_TYPES` (comma-separated) limits a
 * worker to some types, e.g. model jobs on GPU machines. Returns the types taken.
 */
export async function registerJobHandlers(boss: PgBoss, db: Db, workerId: string, stopping: AbortSignal, handlers = jobHandlers): Promise<string[]> {
  const only = config().WORKER_JOB_TYPES;
  const taken = handlers.filter((handler) => !only?.length || only.includes(handler.type));
  for (const handler of taken) {
    const queue = await ensureQueue(boss, handler.type);
    await boss.work<QueueMessage>(queue, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([message]) => {
      if (!message) return;
      await runQueuedJob(db, handler, { jobId: message.data.jobId, workerId, queueJobId: message.id }, stopping);
    });
  }
  return taken.map((handler) => handler.type);
}
