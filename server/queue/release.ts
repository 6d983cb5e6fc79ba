// Giving a leased pair back at once: its place returns to the queue now rather than when the
// lease runs out. The compare screen does it when an admin, who looks at the screen rather than
// annotates, leaves the page. The assignment stays (ended), so the pair is still never served
// twice to the same person; a labelled, skipped or flagged pair is left as it is.
import type { DbOrTx } from "../db/types";

export async function releaseLease(db: DbOrTx, annotatorId: string, assignmentId: string): Promise<{ released: boolean }> {
  const released = await db.$executeRaw`
    UPDATE "Assignment" SET "expiresAt" = now(), "lapsedAt" = now()
    WHERE id = ${assignmentId} AND "annotatorId" = ${annotatorId}
      AND "completedAt" IS NULL AND "skippedAt" IS NULL AND "expiresAt" > now()`;
  return { released: released === 1 };
}
