// Taking back the last submission within UNDO_WINDOW_MS: the comparison is deleted, the pair's
// count goes down and the lease reopens, so the pair is on screen again for a new answer.
import type { Db } from "../db/types";
import { LEASE_SECONDS, loadTask } from "../queue/lease";
import type { Task, UndoInput } from "./annotation.schema";
import { UNDO_WINDOW_MS } from "./submit";
import { refuse } from "../errors/domain-error";

export async function undoComparison(db: Db, annotatorId: string, input: UndoInput): Promise<{ task: Task }> {
  const assignmentId = await db.$transaction(async (tx) => {
    const [comparison] = await tx.$queryRaw<{ id: string; pairId: string; assignmentId: string | null; age: number; status: string }[]>`
      SELECT c.id, c."pairId", c."assignmentId", extract(epoch FROM now() - c."createdAt") * 1000 AS age, b.status::text AS status
      FROM "Comparison" c JOIN "Pair" p ON p.id = c."pairId" JOIN "Batch" b ON b.id = p."batchId"
      WHERE c.id = ${input.comparisonId} AND c."annotatorId" = ${annotatorId}
      FOR UPDATE OF c, p`;
    if (!comparison || !comparison.assignmentId) {
      throw refuse("not-found", "No submission of yours with that id.");
    }
    if (Number(comparison.age) > UNDO_WINDOW_MS) {
      throw refuse("conflict", `Too late to undo: submissions can be undone for ${UNDO_WINDOW_MS / 1000} s.`);
    }
    if (comparison.status !== "OPEN") throw refuse("conflict", "The batch is closed; the label stays.");
    await tx.$executeRaw`DELETE FROM "Comparison" WHERE id = ${comparison.id}`;
    // The comparison's place goes back to its reopened lease (the place-count trigger leaves
    // completion and its undo to the statements that do them).
    await tx.$executeRaw`UPDATE "Pair" SET "annotationCount" = "annotationCount" - 1, "leasedCount" = "leasedCount" + 1 WHERE id = ${comparison.pairId}`;
    // leasedAt moves to now so this pair is the annotator's current one again.
    await tx.$executeRaw`
      UPDATE "Assignment" SET "completedAt" = NULL, "lapsedAt" = NULL, "leasedAt" = now(),
        "expiresAt" = now() + make_interval(secs => ${LEASE_SECONDS}::int)
      WHERE id = ${comparison.assignmentId}`;
    return comparison.assignmentId;
  });
  const task = await loadTask(db, assignmentId);
  if (!task) throw refuse("not-found", "The pair is gone.");
  return { task };
}
