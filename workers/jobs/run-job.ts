// Runs one handler against its Job row. This module alone moves a job through its states:
//   QUEUED --claim--> RUNNING --> SUCCEEDED | FAILED | CANCELLED
// While running, a heartbeat proves the worker is alive (recover-stalled.ts requeues or fails
// jobs whose heartbeat stops) and brings an admin's cancel request to the handler as an abort.
// Every write for the job carries the fence the attempt claimed it with (server/jobs/fence.ts):
// an attempt that was taken over while it seemed dead has its writes refused and stops.
import type { Job, Prisma } from "@prisma/client";
import { dispatchJob } from "../../server/jobs/enqueue";
import { type JobFence, JobLost, lockHeldJob } from "../../server/jobs/fence";
import { type JobContext, JobError, type JobHandler } from "../../server/jobs/job-handler";
import { newQueueJobId } from "../../server/jobs/job-queue";
import type { JobFailure } from "../../server/jobs/jobs.schema";
import type { Db, Tx } from "../../server/db/types";
import { describeZodError } from "../../server/validation/describe-zod-error";
import { ZodError } from "zod";
import { config } from "../../server/config/config";

/** How often a running job proves it is alive and checks for a cancel (JOB_HEARTBEAT_MS, read per job). */
const heartbeatMs = () => config().JOB_HEARTBEAT_MS;
const LIVE_WRITE_INTERVAL_MS = 250;
/** A cleanup removes a whole batch in one transaction; it gets this long, not Prisma's 5 s. */
export const CLEANUP_TIMEOUT_MS = 30 * 60_000;

/** The abort reasons a handler can be stopped with. */
export class JobCancelled extends Error {
  constructor() {
    super("Cancelled by an admin.");
  }
}
export class WorkerStopping extends Error {
  constructor() {
    super("The worker is stopping.");
  }
}

type Level = "info" | "warn" | "error";
type Claim = { jobId: string; workerId: string; queueJobId: string | null };

/** QUEUED -> RUNNING under a new fence, only if the row is still waiting for this very message
 *  (a cancelled or re-dispatched job's old message is ignored). */
async function claim(db: Db, { jobId, workerId, queueJobId }: Claim): Promise<Job | null> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE "Job" SET status = 'RUNNING', attempts = attempts + 1, fence = fence + 1, "workerId" = ${workerId},
      "startedAt" = COALESCE("startedAt", now()), "heartbeatAt" = now(), "finishedAt" = NULL
    WHERE id = ${jobId} AND status = 'QUEUED' AND (${queueJobId}::text IS NULL OR "queueJobId" = ${queueJobId})
    RETURNING id`;
  return rows.length ? db.job.findUnique({ where: { id: jobId } }) : null;
}

/** A log line of the job, written only while `fence` holds it. */
export async function fencedLog(db: Db | Tx, fence: JobFence, message: string, level: Level = "info"): Promise<void> {
  const written = await db.$executeRaw`
    INSERT INTO "JobLogLine" ("jobId", level, message) SELECT id, ${level}, ${message} FROM "Job" WHERE id = ${fence.jobId} AND fence = ${fence.token}`;
  if (written === 0) throw new JobLost(fence);
}

/** Whether `fence` still holds the running job. */
async function holds(db: Db, fence: JobFence): Promise<boolean> {
  const rows = await db.$queryRaw<unknown[]>`SELECT 1 FROM "Job" WHERE id = ${fence.jobId} AND fence = ${fence.token} AND status = 'RUNNING'`;
  return rows.length > 0;
}

/**
 * Proves every `heartbeatMs` that `fence` is alive on the job; calls `lost` once the job has
 * changed hands and `cancelled` when an admin asked to cancel it. Returns the stop function.
 */
export function holdJob(db: Db, fence: JobFence, on: { lost(): void; cancelled?(): void }): () => void {
  const timer = setInterval(() => {
    db.$queryRaw<{ cancelRequested: boolean }[]>`
      UPDATE "Job" SET "heartbeatAt" = now() WHERE id = ${fence.jobId} AND fence = ${fence.token} AND status = 'RUNNING'
      RETURNING "cancelRequestedAt" IS NOT NULL AS "cancelRequested"`
      .then(([row]) => {
        if (!row) on.lost();
        else if (row.cancelRequested) on.cancelled?.();
      })
      .catch(() => {});
  }, heartbeatMs());
  return () => clearInterval(timer);
}

/** Runs the job a queue message names; returns what became of it (null: not ours to run). */
export async function runQueuedJob(db: Db, handler: JobHandler<any>, claimRequest: Claim, stopping?: AbortSignal) {
  const job = await claim(db, claimRequest);
  if (!job) return null;
  return execute(db, handler, job, claimRequest.workerId, stopping);
}

/** Runs a QUEUED job in this process, whatever its queue message: for tests and tools. */
export function runJobNow(db: Db, handler: JobHandler<any>, jobId: string, workerId = "in-process") {
  return runQueuedJob(db, handler, { jobId, workerId, queueJobId: null });
}

async function execute(db: Db, handler: JobHandler<any>, job: Job, workerId: string, stopping?: AbortSignal) {
  const fence: JobFence = { jobId: job.id, token: job.fence };
  const log = (message: string, level: Level = "info") => fencedLog(db, fence, message, level);
  const controller = new AbortController();
  const abort = (reason: Error) => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const onStopping = () => abort(new WorkerStopping());
  stopping?.addEventListener("abort", onStopping, { once: true });
  if (stopping?.aborted) onStopping();

  let pendingLive: { value: unknown } | null = null;
  let liveWrite: Promise<unknown> = Promise.resolve();
  const flushLive = () => {
    if (!pendingLive) return liveWrite;
    const value = pendingLive.value as Prisma.InputJsonValue;
    pendingLive = null;
    liveWrite = liveWrite
      .then(() => db.job.updateMany({ where: { id: job.id, fence: fence.token, status: "RUNNING" }, data: { live: value } }))
      .then(({ count }) => {
        if (count === 0) abort(new JobLost(fence));
      })
      .catch(() => {});
    return liveWrite;
  };
  const liveTimer = setInterval(() => void flushLive(), LIVE_WRITE_INTERVAL_MS);
  const stopHeartbeat = holdJob(db, fence, { lost: () => abort(new JobLost(fence)), cancelled: () => abort(new JobCancelled()) });

  const context: JobContext<unknown> = {
    job: { id: job.id, type: job.type, attempt: job.attempts, createdById: job.createdById },
    parameters: undefined,
    db,
    fence,
    signal: controller.signal,
    throwIfCancelled: () => controller.signal.throwIfAborted(),
    async progress(fraction, message) {
      const progress = Math.min(1, Math.max(0, fraction));
      const { count } = await db.job.updateMany({
        where: { id: job.id, fence: fence.token, status: "RUNNING" },
        data: { progress, ...(message !== undefined ? { progressMessage: message } : {}) },
      });
      if (count === 0) throw new JobLost(fence);
    },
    log,
    setLive(value) {
      pendingLive = { value: value ?? null };
    },
    transaction(fn, options) {
      return db.$transaction(async (tx) => {
        const result = await fn(tx);
        await lockHeldJob(tx, fence);
        return result;
      }, options);
    },
  };

  // Only the attempt that holds the job may finish it (recovery may have handed it on). The last
  // log lines go with the new status, so whoever sees the job end sees its whole log.
  const finish = (data: Prisma.JobUpdateManyMutationInput, lines: [string, Level][]) =>
    db.$transaction(async (tx) => {
      for (const [message, level] of lines) await fencedLog(tx, fence, message, level);
      const { count } = await tx.job.updateMany({ where: { id: job.id, fence: fence.token, status: "RUNNING" }, data: { ...data, finishedAt: new Date() } });
      if (count === 0) throw new JobLost(fence);
    });
  const lost = () => {
    // The worker's own log, since the job's log now belongs to the attempt that holds the job.
    console.error(
      `Job ${job.id} (${job.type.toLowerCase()}): attempt ${job.attempts} on ${workerId} lost the job (fence ${fence.token}) to another attempt, ` +
        `after this worker seemed dead; it stopped and its writes since were refused.`,
    );
    return "LOST" as const;
  };

  try {
    try {
      if (job.cancelRequestedAt) throw new JobCancelled();
      const parsed = handler.parameters.safeParse(job.parameters);
      if (!parsed.success) throw new JobError(`Invalid parameters: ${describeZodError(parsed.error)}`);
      context.parameters = parsed.data;
      await log(`Attempt ${job.attempts} of ${job.maxAttempts} started on ${workerId}.`);
      const result = await handler.run(context);
      clearInterval(liveTimer);
      await flushLive();
      await finish({ status: "SUCCEEDED", progress: 1, result: (result ?? null) as Prisma.InputJsonValue, error: null }, [["Finished.", "info"]]);
      return "SUCCEEDED" as const;
    } catch (thrown) {
      clearInterval(liveTimer);
      await flushLive();
      const reason = controller.signal.aborted ? controller.signal.reason : thrown;
      // Whatever the handler threw, an attempt that no longer holds the job must not clean up
      // (it would remove the new attempt's work) nor finish it.
      if (reason instanceof JobLost || thrown instanceof JobLost || !(await holds(db, fence))) return lost();
      const handedOn = reason instanceof WorkerStopping;
      if (context.parameters !== undefined && !(handedOn && handler.resumable)) await cleanUpJob(db, handler, fence, context.parameters);
      if (handedOn) {
        // Put it back for another worker, which resumes (resumable handlers) or starts afresh.
        const queueJobId = newQueueJobId();
        await db.$transaction(async (tx) => {
          await lockHeldJob(tx, fence);
          await tx.job.update({ where: { id: job.id }, data: { status: "QUEUED", queueJobId, workerId: null, attempts: { decrement: 1 } } });
          await fencedLog(tx, fence, "The worker stopped; the job is queued again.", "warn");
          await dispatchJob(tx, { id: job.id, type: job.type, queueJobId });
        });
        return "QUEUED" as const;
      }
      if (reason instanceof JobCancelled) {
        await finish({ status: "CANCELLED", error: null }, [["Cancelled.", "warn"]]);
        return "CANCELLED" as const;
      }
      const message = errorMessage(reason);
      const stack = !(reason instanceof JobError) && reason instanceof Error && reason.stack ? reason.stack : null;
      const outcome = reason instanceof JobError ? reason.outcome : undefined;
      const failure = outcome ? { result: { failure: outcome.failure ?? null, retryable: outcome.retryable ?? true } satisfies JobFailure as Prisma.InputJsonValue } : {};
      await finish({ status: "FAILED", error: message, ...failure }, [[message, "error"], ...(stack ? [[stack, "error"] as [string, Level]] : [])]);
      return "FAILED" as const;
    }
  } catch (error) {
    if (error instanceof JobLost) return lost();
    throw error;
  } finally {
    clearInterval(liveTimer);
    stopHeartbeat();
    stopping?.removeEventListener("abort", onStopping);
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof ZodError) return describeZodError(error);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/**
 * The handler's cleanup, in one transaction that commits only while `fence` holds the job, with
 * a long timeout rather than Prisma's 5 s. A failed cleanup is logged, not thrown: the job still
 * ends (and its log says what is left); JobLost is thrown, since the job is no longer ours to end.
 */
export async function cleanUpJob(db: Db, handler: JobHandler<any>, fence: JobFence, parameters: unknown): Promise<void> {
  if (!handler.cleanup) return;
  try {
    await db.$transaction(
      async (tx) => {
        await handler.cleanup!({ jobId: fence.jobId, parameters, db: tx });
        await lockHeldJob(tx, fence);
      },
      { timeout: CLEANUP_TIMEOUT_MS, maxWait: 10_000 },
    );
    await fencedLog(db, fence, "Partial results removed.");
  } catch (error) {
    if (error instanceof JobLost) throw error;
    await fencedLog(db, fence, `Cleanup failed: ${errorMessage(error)}`, "error");
  }
}
