// The annotator's progress line: labelled today, and pairs still waiting for them.
import type { DbOrTx } from "../db/types";
import type { Progress } from "../annotation/annotation.schema";

export function startOfUtcDay(now = new Date()) {
  const day = new Date(now);
  day.setUTCHours(0, 0, 0, 0);
  return day;
}

export function doneToday(db: DbOrTx, annotatorId: string, now = new Date()): Promise<number> {
  return db.comparison.count({ where: { annotatorId, createdAt: { gte: startOfUtcDay(now) } } });
}

export async function queueProgress(db: DbOrTx, annotatorId: string, now = new Date()): Promise<Progress> {
  // Regular pairs of open batches with room left that this annotator has never been given.
  const [{ waiting }] = await db.$queryRaw<[{ waiting: number }]>`
    SELECT count(*)::int AS waiting
    FROM "Pair" p
    JOIN "Batch" b ON b.id = p."batchId" AND b.status = 'OPEN'
    WHERE p."annotationCount" < p."requiredAnnotations" AND NOT p."isGold"
      AND NOT EXISTS (SELECT 1 FROM "Assignment" a WHERE a."pairId" = p.id AND a."annotatorId" = ${annotatorId})`;
  return { waiting, doneToday: await doneToday(db, annotatorId, now) };
}
