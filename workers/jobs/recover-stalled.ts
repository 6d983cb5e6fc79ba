// A worker that dies mid-job (killed, out of memory, machine gone) stops its job's heartbeat.
// Every worker looks for such jobs now and then: each goes back to the queue while it has
// attempts left, else ends FAILED saying which worker stopped. Partial results are removed first
// unless the handler resumes from them, so a job never stays RUNNING forever nor leaves half its data.
//
// Recovery takes a stalled job over as a worker claims one: it raises the job's fence (so the
// silent worker, should it wake, has every write refused) and beats for it while the cleanup
// runs, in a transaction of its own with no short timeout; then it ends or requeues the job.
import type { JobType } from "@prisma/client";
import type { Db } from "../../server/db/types";
import { dispatchJob } from "../../server/jobs/enqueue";
import { type JobFence, JobLost, lockHeldJob } from "../../server/jobs/fence";
import type { JobHandler } from "../../server/jobs/job-handler";
import { newQueueJobId } from "../../server/jobs/job-queue";
import { cleanUpJob, fencedLog, holdJob } from "./run-job";
import { config } from "../../server/config/config";

export const STALE_AFTER_MS = config().JOB_STALE_AFTER_SECONDS * 1000;

type Stalled = { id: string; type: string; attempts: number; maxAttempts: number; workerId: string | null; cancelRequested: boolean; parameters: unknown; fence: number };
type Outcome = "requeued" | "failed" | "cancelled";

export async function recoverStalledJobs(db: Db, handlers: Map<string, JobHandler<any>>, staleAfterMs = STALE_AFTER_MS) {
  const outcome = { requeued: [] as string[], failed: [] as string[], cancelled: [] as string[] };
  for (;;) {
    // One at a time, taken over in one statement: two workers recovering at once never take the same job.
    const [job] = await db.$queryRaw<Stalled[]>`
      UPDATE "Job" SET fence = fence + 1, "heartbeatAt" = now()
      WHERE id = (
        SELECT id FROM "Job"
        WHERE status = 'RUNNING' AND "heartbeatAt" < now() - make_interval(secs => ${staleAfterMs / 1000})
        ORDER BY "heartbeatAt" LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id, type::text AS type, attempts, "maxAttempts", "workerId", "cancelRequestedAt" IS NOT NULL AS "cancelRequested", parameters, fence`;
    if (!job) return outcome;
    try {
      const result = await recover(db, handlers, job);
      outcome[result].push(job.id);
    } catch (error) {
      // Taken over meanwhile by another recovery (this one seemed stalled in turn): that one finishes it.
      if (!(error instanceof JobLost)) throw error;
    }
  }
}

async function recover(db: Db, handlers: Map<string, JobHandler<any>>, job: Stalled): Promise<Outcome> {
  const fence: JobFence = { jobId: job.id, token: job.fence };
  const who = job.workerId ?? "an unknown worker";
  const stopHeartbeat = holdJob(db, fence, { lost: () => {} });
  try {
    const handler = handlers.get(job.type);
    const requeue = !job.cancelRequested && job.attempts < job.maxAttempts;
    // A resumable job handed to another worker keeps what it wrote; anything else starts clean.
    if (handler && !(requeue && handler.resumable)) {
      const parsed = handler.parameters.safeParse(job.parameters);
      if (parsed.success) await cleanUpJob(db, handler, fence, parsed.data);
    }
    const queueJobId = newQueueJobId();
    const ended = await db.$transaction(async (tx) => {
      await lockHeldJob(tx, fence);
      const log = (message: string, level: "info" | "warn" | "error" = "info") => fencedLog(tx, fence, message, level);
      if (job.cancelRequested) {
        await tx.job.update({ where: { id: job.id }, data: { status: "CANCELLED", finishedAt: new Date() } });
        await log(`${who} stopped responding after the job was cancelled.`, "warn");
        return "cancelled" as const;
      }
      if (requeue) {
        await tx.job.update({ where: { id: job.id }, data: { status: "QUEUED", queueJobId, workerId: null, progress: 0, progressMessage: null } });
        await log(`${who} stopped responding during attempt ${job.attempts} of ${job.maxAttempts}; queued again.`, "warn");
        await dispatchJob(tx, { id: job.id, type: job.type as JobType, queueJobId });
        return "requeued" as const;
      }
      const error = `${who} stopped responding during attempt ${job.attempts} of ${job.maxAttempts}; no attempts left.`;
      await tx.job.update({ where: { id: job.id }, data: { status: "FAILED", error, finishedAt: new Date() } });
      await log(error, "error");
      return "failed" as const;
    });
    return ended;
  } finally {
    stopHeartbeat();
  }
}
