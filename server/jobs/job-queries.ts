// What the admin jobs pages read: the list with progress, one job with its log, and whether any
// worker is alive to pick jobs up.
import type { Db, DbOrTx } from "../db/types";
import type { JobListInput } from "./jobs.schema";

/** A worker that has not checked in for this long is presumed gone (it checks in every 15 s). */
export const WORKER_STALE_AFTER_MS = 60_000;

const creator = { select: { name: true, email: true } } as const;

export async function listJobs(db: Db, input: JobListInput) {
  const jobs = await db.job.findMany({
    where: { status: input.status, type: input.type },
    orderBy: { createdAt: "desc" },
    take: input.limit,
    select: {
      id: true,
      type: true,
      status: true,
      progress: true,
      progressMessage: true,
      error: true,
      attempts: true,
      maxAttempts: true,
      cancelRequestedAt: true,
      createdAt: true,
      startedAt: true,
      finishedAt: true,
      createdBy: creator,
    },
  });
  const counts = await db.job.groupBy({ by: ["status"], _count: { _all: true } });
  return { jobs, counts: Object.fromEntries(counts.map((c) => [c.status, c._count._all])) as Record<string, number> };
}

export async function jobDetail(db: Db, jobId: string, logLimit = 500) {
  const job = await db.job.findUnique({ where: { id: jobId }, include: { createdBy: creator } });
  if (!job) return null;
  const log = await db.jobLogLine.findMany({ where: { jobId }, orderBy: { id: "desc" }, take: logLimit });
  return { ...job, log: log.reverse().map((line) => ({ ...line, id: line.id.toString() })) };
}

/** Workers that checked in recently (for the jobs page and /api/health). */
export async function liveWorkers(db: DbOrTx, now = new Date()) {
  return db.workerProcess.findMany({
    where: { lastSeenAt: { gte: new Date(now.getTime() - WORKER_STALE_AFTER_MS) } },
    orderBy: { startedAt: "asc" },
  });
}
