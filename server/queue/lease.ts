// "Next pair": the annotator's open lease, or a new lease on the next pair with room.
// The rules live in the database function manual_lease_next_pair
// (prisma/migrations/20261202003000_maintained_lease_places): open batches only, higher priority
// first, never the same pair twice for one person, never more places than a pair's required
// annotations (each pair keeps its count of held leases; the one pair leased is locked with
// SKIP LOCKED), expired leases give their place back, gold pairs mixed in at the batch's rate,
// left/right order drawn per assignment.
import type { DbOrTx } from "../db/types";
import type { Task } from "../annotation/annotation.schema";
import { sqlRoleAtOrdinal } from "../prompts/dialogue";
import { config } from "../config/config";
import { SQLSTATE, sqlStateOf } from "../db/sql-errors";

/** How long a lease holds a place before the pair returns to the queue. */
export const LEASE_SECONDS = config().ANNOTATION_LEASE_SECONDS;

type TaskRow = Omit<Task, "turns"> & { turns: Task["turns"] };

/**
 * Everything the compare screen shows, in one query over a relation `a` of
 * (assignment_id, pair_id, left_side, expires_at). Which stored response goes left comes
 * from the assignment; the client is never told which is which, nor whether the pair is gold.
 */
const taskColumns = (assignment: string) => `
  SELECT a.assignment_id AS "assignmentId", pr.protocol::text AS protocol, pr."systemPrompt", pr."riskCategory",
         (SELECT json_agg(json_build_object('role', ${sqlRoleAtOrdinal("u.i")}, 'content', u.t) ORDER BY u.i)
            FROM unnest(pr.turns) WITH ORDINALITY AS u(t, i)) AS turns,
         CASE WHEN a.left_side = 'A' THEN ra.text ELSE rb.text END AS "left",
         CASE WHEN a.left_side = 'A' THEN rb.text ELSE ra.text END AS "right",
         b.name AS "batchName", r.name AS "roundName", a.expires_at AS "expiresAt"
  FROM ${assignment}
  JOIN "Pair" p ON p.id = a.pair_id
  JOIN "Prompt" pr ON pr.id = p."promptId"
  JOIN "Response" ra ON ra.id = p."responseAId"
  JOIN "Response" rb ON rb.id = p."responseBId"
  JOIN "Batch" b ON b.id = p."batchId"
  JOIN "Round" r ON r.id = b."roundId"`;

/** $1 annotator id, $2 lease seconds. Exported for the benchmark's database-only baseline. */
export const LEASE_AND_LOAD = taskColumns(`manual_lease_next_pair($1, $2::int) a`);

const LOAD = taskColumns(`(SELECT id AS assignment_id, "pairId" AS pair_id, "leftSide" AS left_side, "expiresAt" AS expires_at
    FROM "Assignment" WHERE id = $1) a`);

/** The annotator's current pair (leasing the next one if they hold none), or null when nothing is left. */
export async function leaseNextTask(db: DbOrTx, annotatorId: string, leaseSeconds = LEASE_SECONDS): Promise<Task | null> {
  for (let attempt = 1; ; attempt++) {
    try {
      const rows = await db.$queryRawUnsafe<TaskRow[]>(LEASE_AND_LOAD, annotatorId, leaseSeconds);
      return rows[0] ?? null;
    } catch (error) {
      // The waiting pass near the end of the queue can deadlock with another annotator's;
      // PostgreSQL cancels one of the two, and that one simply asks again.
      if (attempt < 3 && sqlStateOf(error) === SQLSTATE.deadlockDetected) continue;
      throw error;
    }
  }
}

export async function loadTask(db: DbOrTx, assignmentId: string): Promise<Task | null> {
  const rows = await db.$queryRawUnsafe<TaskRow[]>(LOAD, assignmentId);
  return rows[0] ?? null;
}
