// How many prompt-writing jobs one person may have waiting or running at once
// (PROMPT_WRITING_MAX_PENDING, default 3). Each job samples from the policy model on a worker, so
// without a cap one annotator could queue any amount of model time ahead of everyone else.
import type { Db } from "../db/types";
import { refuse } from "../errors/domain-error";
import { config } from "../config/config";

export function maxPendingWrites(env: Record<string, string | undefined> = process.env): number {
  return config(env).PROMPT_WRITING_MAX_PENDING;
}

export function pendingWrites(db: Pick<Db, "job">, userId: string, excludeJobId?: string) {
  return db.job.count({
    where: { type: "POLICY_SAMPLING", createdById: userId, status: { in: ["QUEUED", "RUNNING"] }, ...(excludeJobId ? { id: { not: excludeJobId } } : {}) },
  });
}

/**
 * Runs `queue` (which queues one more job for the user) only while the user is under the cap.
 * The check and the queuing are serialised per user by an advisory lock held in a transaction
 * of its own, so concurrent requests cannot all pass the count; `queue` writes through `db`, and
 * its job is committed before the lock is let go. A second request while one is in progress is
 * refused rather than kept waiting on a connection.
 */
export async function withinPendingWriteCap<T>(db: Db, userId: string, queue: () => Promise<T>, options: { excludeJobId?: string; max?: number } = {}): Promise<T> {
  const max = options.max ?? maxPendingWrites();
  return db.$transaction(
    async (tx) => {
      const [{ locked }] = await tx.$queryRaw<[{ locked: boolean }]>`
        SELECT pg_try_advisory_xact_lock(hashtextextended(${`prompt-writing:${userId}`}, 0)) AS locked`;
      if (!locked) throw refuse("rate-limited", "Your previous prompt is still being saved; try again in a moment.");
      const pending = await pendingWrites(tx, userId, options.excludeJobId);
      if (pending >= max) {
        throw refuse(
          "rate-limited",
          `You already have ${pending} prompt${pending === 1 ? "" : "s"} waiting for ${pending === 1 ? "its" : "their"} responses (at most ${max} at once). Compare them, or wait until one is ready, then write the next.`,
        );
      }
      return queue();
    },
    { timeout: 30_000 },
  );
}
