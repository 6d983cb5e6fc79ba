// One comparison, from the annotator's key press to its row: the lease is checked and closed,
// the pair's count goes up, the Comparison is written and the annotator's next pair is leased,
// all in one database function call (one round trip, one transaction, its statements planned
// once per connection). When that call takes nothing, the reason is worked out afterwards, so
// the fast path pays for no checks it does not need.
import type { Db, DbOrTx } from "../db/types";
import { pgPool } from "../db/prisma";
import { LEASE_SECONDS, leaseNextTask, retryingDeadlocks, type TaskRow, taskOf } from "../queue/lease";
import type { SubmitInput, SubmitResult, Task } from "./annotation.schema";
import { explainRefusal } from "./errors";
import { refuse } from "../errors/domain-error";
import { isUniqueViolation } from "../db/sql-errors";

/** How long after submitting a comparison can be taken back. */
export const UNDO_WINDOW_MS = 30_000;

/**
 * $1 assignment, $2 annotator, $3 pick, $4 strength, $5 safety label, $6 time on task, $7 comment:
 * the database function manual_submit_comparison (prisma/migrations/20261202003000_maintained_lease_places).
 */
export const SUBMIT = `
  SELECT comparison_id AS id, created_at AS "createdAt"
  FROM manual_submit_comparison($1, $2, $3, $4::"Strength", $5::"SafetyLabel", $6::int, $7)`;

/**
 * The same with $8 lease seconds, and the annotator's next task in the same call and transaction
 * (manual_submit_and_lease_next): what a submission that is taken costs, one round trip. A named
 * statement, so each connection parses and plans it once.
 */
export const SUBMIT_AND_LEASE_NEXT = {
  name: "submit_and_lease_next",
  text: `SELECT * FROM manual_submit_and_lease_next($1, $2, $3, $4::"Strength", $5::"SafetyLabel", $6::int, $7, $8::int)`,
};

type SubmittedRow = TaskRow & { comparison_id: string; created_at: Date };

function submitParameters(annotatorId: string, input: SubmitInput) {
  return [input.assignmentId, annotatorId, input.pick, input.strength, input.safetyLabel ?? null, input.timeOnTaskMs, input.comment || null] as const;
}

async function refusingDuplicates<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isUniqueViolation(error)) throw refuse("conflict", "You already labelled this pair.");
    throw error;
  }
}

async function insertComparison(db: DbOrTx, annotatorId: string, input: SubmitInput) {
  const rows = await refusingDuplicates(() => db.$queryRawUnsafe<{ id: string; createdAt: Date }[]>(SUBMIT, ...submitParameters(annotatorId, input)));
  return rows[0] ?? null;
}

/**
 * The fast path: the comparison and the next task, or null when the submission is not taken.
 * It goes to the process's pool directly (the one under `prisma`), without Prisma's per-call work.
 */
async function submitAndLeaseNext(annotatorId: string, input: SubmitInput) {
  const { rows } = await refusingDuplicates(() =>
    retryingDeadlocks(() => pgPool().query<SubmittedRow>(SUBMIT_AND_LEASE_NEXT, [...submitParameters(annotatorId, input), LEASE_SECONDS])),
  );
  const row = rows[0];
  return row ? { saved: { id: row.comparison_id, createdAt: row.created_at }, next: taskOf(row) } : null;
}

/**
 * A lease that ran out is renewed if it still holds its place (it has not lapsed yet), or if the
 * pair has a place left for it: the pair row is locked first, so its count is current.
 */
async function renewExpiredLease(db: Db, annotatorId: string, assignmentId: string): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const [lease] = await tx.$queryRaw<{ lapsed: boolean; placesLeft: number }[]>`
      SELECT a."lapsedAt" IS NOT NULL AS lapsed, p."requiredAnnotations" - p."annotationCount" - p."leasedCount" AS "placesLeft"
      FROM "Pair" p JOIN "Assignment" a ON a."pairId" = p.id
      WHERE a.id = ${assignmentId} AND a."annotatorId" = ${annotatorId}
      FOR UPDATE OF p, a`;
    if (!lease || (lease.lapsed && lease.placesLeft <= 0)) return false;
    await tx.$executeRaw`
      UPDATE "Assignment" SET "lapsedAt" = NULL, "expiresAt" = now() + make_interval(secs => ${LEASE_SECONDS}::int)
      WHERE id = ${assignmentId}`;
    return true;
  });
}

export async function submitComparison(db: Db, annotatorId: string, input: SubmitInput): Promise<SubmitResult> {
  // The progress line counts locally between its own refreshes: no count query on this path.
  const taken = await submitAndLeaseNext(annotatorId, input);
  if (taken) return result(taken.saved, taken.next);

  const state = await explainRefusal(db, annotatorId, input.assignmentId);
  if (state.protocol === "SAFETY" && !input.safetyLabel) {
    throw refuse("invalid", "safetyLabel: required on safety-protocol pairs (chosen safe & other unsafe, both safe, or both unsafe).");
  }
  if (state.protocol !== "SAFETY" && input.safetyLabel) {
    throw refuse("invalid", "safetyLabel: only safety-protocol pairs take a safety label.");
  }
  if (!state.expired) throw refuse("conflict", "This pair could not be labelled; reload to get the next one.");
  if (!(await renewExpiredLease(db, annotatorId, input.assignmentId))) {
    throw refuse("conflict", "Your lease on this pair expired and the pair went to someone else. Nothing was saved.");
  }
  const saved = await insertComparison(db, annotatorId, input);
  if (!saved) throw refuse("conflict", "This pair could not be labelled; reload to get the next one.");
  return result(saved, await leaseNextTask(db, annotatorId));
}

function result(saved: { id: string; createdAt: Date }, next: Task | null): SubmitResult {
  return { comparisonId: saved.id, undoUntil: new Date(saved.createdAt.getTime() + UNDO_WINDOW_MS), next };
}
