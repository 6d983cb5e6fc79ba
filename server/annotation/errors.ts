// Why a submission, skip or flag could not be taken, in words the annotator can act on.
import type { DbOrTx } from "../db/types";
import { refuse } from "../errors/domain-error";

type AssignmentState = {
  annotatorId: string;
  completedAt: Date | null;
  skippedAt: Date | null;
  expired: boolean;
  batchName: string;
  batchStatus: string;
  protocol: string;
  removed: boolean;
  promptBad: boolean;
};

export async function assignmentState(db: DbOrTx, assignmentId: string): Promise<AssignmentState | null> {
  const rows = await db.$queryRaw<AssignmentState[]>`
    SELECT a."annotatorId", a."completedAt", a."skippedAt", a."expiresAt" <= now() AS expired,
           b.name AS "batchName", b.status::text AS "batchStatus", pr.protocol::text AS protocol,
           p."removedAt" IS NOT NULL AS removed, pr."badAt" IS NOT NULL AS "promptBad"
    FROM "Assignment" a
    JOIN "Pair" p ON p.id = a."pairId"
    JOIN "Batch" b ON b.id = p."batchId"
    JOIN "Prompt" pr ON pr.id = p."promptId"
    WHERE a.id = ${assignmentId}`;
  return rows[0] ?? null;
}

/** Throws the reason an action on this assignment is refused; returns the state if none applies. */
export async function explainRefusal(db: DbOrTx, annotatorId: string, assignmentId: string): Promise<AssignmentState> {
  const state = await assignmentState(db, assignmentId);
  if (!state || state.annotatorId !== annotatorId) {
    throw refuse("forbidden", "This pair is not assigned to you.");
  }
  if (state.completedAt) throw refuse("conflict", "You already labelled this pair.");
  if (state.skippedAt) {
    throw refuse("conflict", "You skipped or flagged this pair; it is no longer assigned to you.");
  }
  if (state.batchStatus !== "OPEN") {
    throw refuse("conflict", `${state.batchName} is ${state.batchStatus.toLowerCase()}; its pairs take no labels.`);
  }
  if (state.removed) throw refuse("conflict", "A researcher removed this pair from its batch; it takes no labels.");
  if (state.promptBad) throw refuse("conflict", "A researcher marked this pair's prompt as bad; it takes no labels.");
  return state;
}
