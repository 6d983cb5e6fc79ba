// One comparison, from the annotator's key press to its row: the lease is checked and closed,
// the pair's count goes up and the Comparison is written, all in one database function call
// (one round trip, atomic, its statement planned once per connection). When that statement takes nothing, the reason is worked out afterwards, so
// the fast path pays for no checks it does not need.
import type { Db, DbOrTx } from "../db/types";
import { LEASE_SECONDS, leaseNextTask } from "../queue/lease";
import type { SubmitInput, SubmitResult } from "./annotation.schema";
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

async function insertComparison(db: DbOrTx, annotatorId: string, input: SubmitInput) {
  try {
    const rows = await db.$queryRawUnsafe<{ id: string; createdAt: Date }[]>(
      SUBMIT,
      input.assignmentId,
      annotatorId,
      input.pick,
      input.strength,
      input.safetyLabel ?? null,
      input.timeOnTaskMs,
      input.comment || null,
    );
    return rows[0] ?? null;
  } catch (error) {
    if (isUniqueViolation(error)) throw refuse("conflict", "You already labelled this pair.");
    throw error;
  }
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
  let saved = await insertComparison(db, annotatorId, input);
  if (!saved) {
    const state = await explainRefusal(db, annotatorId, input.assignmentId);
    if (state.protocol === "SAFETY" && !input.safetyLabel) {
      throw refuse("invalid", "safetyLabel: required on safety-protocol pairs (chosen safe & other unsafe, both safe, or both unsafe).");
    }
    if (state.protocol !== "SAFETY" && input.safetyLabel) {
      throw refuse("invalid", "safetyLabel: only safety-protocol pairs take a safety label.");
    }
    if (state.expired) {
      if (!(await renewExpiredLease(db, annotatorId, input.assignmentId))) {
        throw refuse("conflict", "Your lease on this pair expired and the pair went to someone else. Nothing was saved.");
      }
      saved = await insertComparison(db, annotatorId, input);
    }
    if (!saved) throw refuse("conflict", "This pair could not be labelled; reload to get the next one.");
  }
  // The progress line counts locally between its own refreshes: no count query on this path.
  const next = await leaseNextTask(db, annotatorId);
  return {
    comparisonId: saved.id,
    undoUntil: new Date(saved.createdAt.getTime() + UNDO_WINDOW_MS),
    next,
  };
}
