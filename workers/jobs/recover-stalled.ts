// A worker that dies mid-job (killed, out of memory, machine gone) stops its job's heartbeat.
// Every worker looks for such jobs now and then: each goes back to the queue while it has
// attempts left, else ends FAILED saying which worker stopped. Partial results are removed first
// unless the handler resumes from them, so a job never stays RUNNING forever nor leaves half its data.
import type { Db } from "../../server/db/types";
import { dispatchJob } from "../../server/jobs/enqueue";
import type { JobHandler } from "../../server/jobs/job-handler";
import { newQueueJobId } from "../../server/jobs/job-queue";
import { runCleanup } from "./run-job";

export const STALE_AFTER_MS = Number(process.env.JOB_STALE_AFTER_SECONDS ?? 60) * 1000;

type Stalled = { id: string; type: string; attempts: number; maxAttempts: number; workerId: string | null; cancelRequested: boolean; parameters: unknown };

export async function recoverStalledJobs(db: Db, handlers: Map<string, JobHandler<any>>, staleAfterMs = STALE_AFTER_MS) {
  const outcome = { requeued: [] as string[], failed: [] as string[], cancelled: [] as string[] };
  // Take them one at a time, locked, so two workers recovering at once never handle the same job.
  for (;;) {
    const recovered = await db.$transaction(async (tx) => {
      const [job] = await tx.$queryRaw<Stalled[]>`
        SELECT id, type::text AS type, attempts, "maxAttempts", "workerId", "cancelRequestedAt" IS NOT NULL AS "cancelRequested", parameters
        FROM "Job"
        WHERE status = 'RUNNING' AND "heartbeatAt" < now() - make_interval(secs => ${staleAfterMs / 1000})
        ORDER BY "heartbeatAt" LIMIT 1 FOR UPDATE SKIP LOCKED`;
      if (!job) return null;
      const who = job.workerId ?? "an unknown worker";
      const log = (message: string, level: "info" | "warn" | "error" = "info") =>
        tx.jobLogLine.create({ data: { jobId: job.id, message, level } }).then(() => undefined);
      const handler = handlers.get(job.type);
      const requeue = !job.cancelRequested && job.attempts < job.maxAttempts;
      // A resumable job handed to another worker keeps what it wrote; anything else starts clean.
      if (handler && !(requeue && handler.resumable)) {
        const parsed = handler.parameters.safeParse(job.parameters);
        if (parsed.success) await runCleanup(db, handler, job.id, parsed.data, log);
      }
      if (job.cancelRequested) {
        await tx.job.update({ where: { id: job.id }, data: { status: "CANCELLED", finishedAt: new Date() } });
        await log(`${who} stopped responding after the job was cancelled.`, "warn");
        return { id: job.id, outcome: "cancelled" as const };
      }
      if (requeue) {
        const queueJobId = newQueueJobId();
        await tx.job.update({ where: { id: job.id }, data: { status: "QUEUED", queueJobId, workerId: null, progress: 0, progressMessage: null } });
        await log(`${who} stopped responding during attempt ${job.attempts} of ${job.maxAttempts}; queued again.`, "warn");
        return { id: job.id, outcome: "requeued" as const, type: job.type, queueJobId };
      }
      const error = `${who} stopped responding during attempt ${job.attempts} of ${job.maxAttempts}; no attempts left.`;
      await tx.job.update({ where: { id: job.id }, data: { status: "FAILED", error, finishedAt: new Date() } });
      await log(error, "error");
      return { id: job.id, outcome: "failed" as const };
    });
    if (!recovered) return outcome;
    if (recovered.outcome === "requeued") {
      await dispatchJob(db, { id: recovered.id, type: recovered.type as never, queueJobId: recovered.queueJobId });
      outcome.requeued.push(recovered.id);
    } else outcome[recovered.outcome].push(recovered.id);
  }
}
