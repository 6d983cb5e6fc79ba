// Runs one handler against its Job row. This module alone moves a job through its states:
//   QUEUED --claim--> RUNNING --> SUCCEEDED | FAILED | CANCELLED
// While running, a heartbeat proves the worker is alive (recover-stalled.ts requeues or fails
// jobs whose heartbeat stops) and brings an admin's cancel request to the handler as an abort.
import type { Job, Prisma } from "@prisma/client";
import { dispatchJob } from "../../server/jobs/enqueue";
import { type JobContext, JobError, type JobHandler } from "../../server/jobs/job-handler";
import { newQueueJobId } from "../../server/jobs/job-queue";
import type { Db } from "../../server/db/types";
import { describeZodError } from "../../server/validation/describe-zod-error";
import { ZodError } from "zod";

/** How often a running job proves it is alive and checks for a cancel (JOB_HEARTBEAT_MS, read per job). */
const heartbeatMs = () => Number(process.env.JOB_HEARTBEAT_MS ?? 5_000);
const LIVE_WRITE_INTERVAL_MS = 250;

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

type Claim = { jobId: string; workerId: string; queueJobId: string | null };

/** QUEUED -> RUNNING, only if the row is still waiting for this very message (a cancelled or
 *  re-dispatched job's old message is ignored). */
async function claim(db: Db, { jobId, workerId, queueJobId }: Claim): Promise<Job | null> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    UPDATE "Job" SET status = 'RUNNING', attempts = attempts + 1, "workerId" = ${workerId},
      "startedAt" = COALESCE("startedAt", now()), "heartbeatAt" = now(), "finishedAt" = NULL
    WHERE id = ${jobId} AND status = 'QUEUED' AND (${queueJobId}::text IS NULL OR "queueJobId" = ${queueJobId})
    RETURNING id`;
  return rows.length ? db.job.findUnique({ where: { id: jobId } }) : null;
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
  const log = (message: string, level: "info" | "warn" | "error" = "info") =>
    db.jobLogLine.create({ data: { jobId: job.id, message, level } }).then(() => undefined);
  const controller = new AbortController();
  const onStopping = () => controller.abort(new WorkerStopping());
  stopping?.addEventListener("abort", onStopping, { once: true });
  if (stopping?.aborted) onStopping();

  let pendingLive: { value: unknown } | null = null;
  let liveWrite: Promise<unknown> = Promise.resolve();
  const flushLive = () => {
    if (!pendingLive) return liveWrite;
    const value = pendingLive.value as Prisma.InputJsonValue;
    pendingLive = null;
    liveWrite = liveWrite.then(() => db.job.update({ where: { id: job.id }, data: { live: value } })).catch(() => {});
    return liveWrite;
  };
  const liveTimer = setInterval(() => void flushLive(), LIVE_WRITE_INTERVAL_MS);
  const heartbeat = setInterval(() => {
    db.job
      .update({ where: { id: job.id }, data: { heartbeatAt: new Date() }, select: { cancelRequestedAt: true } })
      .then((row) => {
        if (row.cancelRequestedAt && !controller.signal.aborted) controller.abort(new JobCancelled());
      })
      .catch(() => {});
  }, heartbeatMs());

  const context: JobContext<unknown> = {
    job: { id: job.id, type: job.type, attempt: job.attempts, createdById: job.createdById },
    parameters: undefined,
    db,
    signal: controller.signal,
    throwIfCancelled: () => controller.signal.throwIfAborted(),
    async progress(fraction, message) {
      const progress = Math.min(1, Math.max(0, fraction));
      await db.job.update({ where: { id: job.id }, data: { progress, ...(message !== undefined ? { progressMessage: message } : {}) } });
    },
    log,
    setLive(value) {
      pendingLive = { value: value ?? null };
    },
  };

  // Only the worker that holds the job may finish it (recovery may have handed it on).
  const finish = async (data: Prisma.JobUpdateManyMutationInput) => {
    await db.job.updateMany({ where: { id: job.id, status: "RUNNING", workerId }, data: { ...data, finishedAt: new Date() } });
  };

  try {
    if (job.cancelRequestedAt) throw new JobCancelled();
    const parsed = handler.parameters.safeParse(job.parameters);
    if (!parsed.success) throw new JobError(`Invalid parameters: ${describeZodError(parsed.error)}`);
    context.parameters = parsed.data;
    await log(`Attempt ${job.attempts} of ${job.maxAttempts} started on ${workerId}.`);
    const result = await handler.run(context);
    clearInterval(liveTimer);
    await flushLive();
    await finish({ status: "SUCCEEDED", progress: 1, result: (result ?? null) as Prisma.InputJsonValue, error: null });
    await log("Finished.");
    return "SUCCEEDED" as const;
  } catch (thrown) {
    clearInterval(liveTimer);
    await flushLive();
    const reason = controller.signal.aborted ? controller.signal.reason : thrown;
    const handedOn = reason instanceof WorkerStopping;
    if (context.parameters !== undefined && !(handedOn && handler.resumable)) await runCleanup(db, handler, job.id, context.parameters, log);
    if (handedOn) {
      // Put it back for another worker, which resumes (resumable handlers) or starts afresh.
      const queueJobId = newQueueJobId();
      await db.job.updateMany({
        where: { id: job.id, status: "RUNNING", workerId },
        data: { status: "QUEUED", queueJobId, workerId: null, attempts: { decrement: 1 } },
      });
      await log("The worker stopped; the job is queued again.", "warn");
      await dispatchJob(db, { id: job.id, type: job.type, queueJobId }).catch(() => {});
      return "QUEUED" as const;
    }
    if (reason instanceof JobCancelled) {
      await finish({ status: "CANCELLED", error: null });
      await log("Cancelled.", "warn");
      return "CANCELLED" as const;
    }
    const message = errorMessage(reason);
    await finish({ status: "FAILED", error: message });
    await log(message, "error");
    if (!(reason instanceof JobError) && reason instanceof Error && reason.stack) await log(reason.stack, "error");
    return "FAILED" as const;
  } finally {
    clearInterval(liveTimer);
    clearInterval(heartbeat);
    stopping?.removeEventListener("abort", onStopping);
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof ZodError) return describeZodError(error);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

export async function runCleanup(
  db: Db,
  handler: JobHandler<any>,
  jobId: string,
  parameters: unknown,
  log: (message: string, level?: "info" | "warn" | "error") => Promise<void>,
) {
  if (!handler.cleanup) return;
  try {
    await handler.cleanup({ jobId, parameters, db });
    await log("Partial results removed.");
  } catch (error) {
    await log(`Cleanup failed: ${errorMessage(error)}`, "error");
  }
}
