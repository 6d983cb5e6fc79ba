// "Next pair": the annotator's open lease, or a new lease on the next pair with room.
// The rules live in the database function manual_lease_next_pair
// (prisma/migrations/20261202003000_maintained_lease_places): open batches only, higher priority
// first, never the same pair twice for one person, never more places than a pair's required
// annotations (each pair keeps its count of held leases; the one pair leased is locked with
// SKIP LOCKED), expired leases give their place back, gold pairs mixed in at the batch's rate,
// left/right order drawn per assignment.
import type { DbOrTx } from "../db/types";
import type { Task } from "../annotation/annotation.schema";
import { turnsFromTexts } from "../prompts/turns";
import { config } from "../config/config";
import { SQLSTATE, sqlStateOf } from "../db/sql-errors";

/** How long a lease holds a place before the pair returns to the queue. */
export const LEASE_SECONDS = config().ANNOTATION_LEASE_SECONDS;

/** A task as the database functions return it: the turns as stored texts. */
export type TaskRow = Omit<Task, "turns"> & { turns: string[] };

export function taskOf(row: TaskRow | undefined): Task | null {
  return row?.assignmentId
    ? {
        assignmentId: row.assignmentId,
        protocol: row.protocol,
        systemPrompt: row.systemPrompt,
        turns: turnsFromTexts(row.turns),
        left: row.left,
        right: row.right,
        riskCategory: row.riskCategory,
        batchName: row.batchName,
        roundName: row.roundName,
        expiresAt: row.expiresAt,
      }
    : null;
}

/**
 * Runs a statement that leases, again if PostgreSQL cancelled it for a deadlock: the waiting
 * pass near the end of the queue can deadlock with another annotator's, and the statement
 * cancelled (with everything it wrote) simply runs again.
 */
export async function retryingDeadlocks<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (attempt < 3 && sqlStateOf(error) === SQLSTATE.deadlockDetected) continue;
      throw error;
    }
  }
}

/**
 * $1 annotator id, $2 lease seconds: the compare screen's row for the annotator's current pair,
 * leasing the next one when they hold none (manual_lease_next_task). Exported for the
 * benchmark's database-only baseline.
 */
export const LEASE_AND_LOAD = `SELECT * FROM manual_lease_next_task($1, $2::int)`;

const LOAD = `SELECT * FROM manual_task($1)`;

/** The annotator's current pair (leasing the next one if they hold none), or null when nothing is left. */
export async function leaseNextTask(db: DbOrTx, annotatorId: string, leaseSeconds = LEASE_SECONDS): Promise<Task | null> {
  const rows = await retryingDeadlocks(() => db.$queryRawUnsafe<TaskRow[]>(LEASE_AND_LOAD, annotatorId, leaseSeconds));
  return taskOf(rows[0]);
}

export async function loadTask(db: DbOrTx, assignmentId: string): Promise<Task | null> {
  const rows = await db.$queryRawUnsafe<TaskRow[]>(LOAD, assignmentId);
  return taskOf(rows[0]);
}
