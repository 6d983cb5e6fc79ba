// Fencing: every write a job makes belongs to the attempt that holds the job. A worker claims a
// job by raising its fence (Job.fence) and carries the value it got; recovery raises it again
// when it takes a stalled job back. A worker wrongly thought dead (a long pause, a frozen VM)
// still carries the old value when it wakes, so its heartbeats, progress, log lines and result
// transactions are refused, and it stops. The check of a transaction locks the Job row until the
// commit, so the job cannot change hands between the check and the commit; it is made last, so
// the row is locked only for that moment (heartbeats and progress of the same job do not queue
// behind a long transaction).
import type { Tx } from "../db/types";

/** Which attempt of which job a write is made for: the job's fence as the attempt claimed it. */
export type JobFence = { jobId: string; token: number };

/** The attempt no longer holds the job (another worker or recovery took it over). */
export class JobLost extends Error {
  constructor(readonly fence: JobFence) {
    super(`Job ${fence.jobId}: this attempt (fence ${fence.token}) no longer holds the job; another worker or the stalled-job recovery took it over.`);
    this.name = "JobLost";
  }
}

/** A query on a raw connection (node-postgres style), for writers that do not go through Prisma. */
export type RawQuery = (sql: string, params: unknown[]) => Promise<unknown[]>;

const HOLDS_SQL = `SELECT 1 FROM "Job" WHERE id = $1 AND fence = $2 AND status = 'RUNNING' FOR UPDATE`;

/** Inside a transaction, just before its commit: throws JobLost unless `fence` still holds the job, and keeps it held until the commit. */
export async function lockHeldJob(tx: Tx, fence: JobFence): Promise<void> {
  const rows = await tx.$queryRawUnsafe<unknown[]>(HOLDS_SQL, fence.jobId, fence.token);
  if (rows.length === 0) throw new JobLost(fence);
}

/** lockHeldJob for a transaction on a raw connection (the import's). */
export async function lockHeldJobRaw(query: RawQuery, fence: JobFence): Promise<void> {
  const rows = await query(HOLDS_SQL, [fence.jobId, fence.token]);
  if (rows.length === 0) throw new JobLost(fence);
}
