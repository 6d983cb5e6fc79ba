// One comparison, from the annotator's key press to its row: the lease is checked and closed,
// the pair's count goes up and the Comparison is written, all in one statement (one round
// trip, atomic). When that statement takes nothing, the reason is worked out afterwards, so
// the fast path pays for no checks it does not need.
import type { Db, DbOrTx } from "../db/types";
import { LEASE_SECONDS, leaseNextTask } from "../queue/lease";
import type { SubmitInput, SubmitResult } from "./annotation.schema";
import { explainRefusal } from "./errors";
import { refuse } from "../errors/domain-error";
import { isUniqueViolation } from "../db/sql-errors";

/** How long after submitting a comparison can be taken back. */
export const UNDO_WINDOW_MS = 30_000;

/** $1 assignment, $2 annotator, $3 pick, $4 strength, $5 safety label, $6 time on task, $7 comment. */
export const SUBMIT = `
  WITH target AS (
    SELECT a.id, a."pairId", a."leftSide"
    FROM "Assignment" a
    JOIN "Pair" p ON p.id = a."pairId"
    JOIN "Batch" b ON b.id = p."batchId"
    JOIN "Prompt" pr ON pr.id = p."promptId"
    WHERE a.id = $1 AND a."annotatorId" = $2
      AND a."completedAt" IS NULL AND a."skippedAt" IS NULL AND a."expiresAt" > now()
      AND b.status = 'OPEN' AND p."removedAt" IS NULL AND pr."badAt" IS NULL
      AND (pr.protocol = 'SAFETY') = ($5::"SafetyLabel" IS NOT NULL)
    FOR UPDATE OF a, p
  ), closed AS (
    UPDATE "Assignment" a SET "completedAt" = now() FROM target WHERE a.id = target.id
  ), counted AS (
    UPDATE "Pair" p SET "annotationCount" = p."annotationCount" + 1 FROM target WHERE p.id = target."pairId"
  )
  INSERT INTO "Comparison"
    (id, "pairId", "annotatorId", "assignmentId", chosen, strength, "safetyLabel", "leftSide", "timeOnTaskMs", comment, "createdAt")
  SELECT gen_random_uuid()::text, target."pairId", $2, target.id,
         CASE WHEN $3 = 'LEFT' THEN target."leftSide"
              ELSE (CASE target."leftSide" WHEN 'A' THEN 'B' ELSE 'A' END)::"Side" END,
         $4::"Strength", $5::"SafetyLabel", target."leftSide", $6::int, $7, now()
  FROM target
  RETURNING id, "createdAt"`;

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
