// Skip and flag: the annotator gives the pair back (a skip) or reports it (a flag). Either way
// the lease ends, the place returns to the queue for others, and this annotator will not be
// given the pair again.
import type { Db } from "../db/types";
import { leaseNextTask } from "../queue/lease";
import { type FlagInput, NO_SKIP_REASON, type SkipInput, type Task } from "./annotation.schema";
import { explainRefusal } from "./errors";

async function release(db: Db, annotatorId: string, assignmentId: string, skipReason: string | null, flagReason: string | null) {
  const released = await db.$executeRaw`
    UPDATE "Assignment" a SET "skippedAt" = now(), "skipReason" = ${skipReason}, "flagReason" = ${flagReason}
    FROM "Pair" p JOIN "Batch" b ON b.id = p."batchId"
    WHERE a.id = ${assignmentId} AND a."annotatorId" = ${annotatorId} AND p.id = a."pairId"
      AND a."completedAt" IS NULL AND a."skippedAt" IS NULL AND b.status = 'OPEN'`;
  if (released === 0) await explainRefusal(db, annotatorId, assignmentId);
}

export async function skipPair(db: Db, annotatorId: string, input: SkipInput): Promise<{ next: Task | null }> {
  await release(db, annotatorId, input.assignmentId, input.reason || NO_SKIP_REASON, null);
  return { next: await leaseNextTask(db, annotatorId) };
}

export async function flagPair(db: Db, annotatorId: string, input: FlagInput): Promise<{ next: Task | null }> {
  await release(db, annotatorId, input.assignmentId, null, input.reason);
  return { next: await leaseNextTask(db, annotatorId) };
}
