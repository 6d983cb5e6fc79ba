// What an annotator's home shows before the compare screen exists: how much work is waiting
// for them and how much they did today.
import type { DbOrTx } from "../db/types";

export type QueueSummary = { waiting: number; doneToday: number };

export async function queueSummary(db: DbOrTx, annotatorId: string, now = new Date()): Promise<QueueSummary> {
  const startOfDay = new Date(now);
  startOfDay.setUTCHours(0, 0, 0, 0);
  // Pairs in open batches that still need annotations and that this annotator has not labelled.
  const [{ waiting }] = await db.$queryRaw<[{ waiting: number }]>`
    SELECT count(*)::int AS waiting
    FROM "Pair" p
    JOIN "Batch" b ON b.id = p."batchId" AND b.status = 'OPEN'
    WHERE p."annotationCount" < p."requiredAnnotations"
      AND NOT EXISTS (SELECT 1 FROM "Comparison" c WHERE c."pairId" = p.id AND c."annotatorId" = ${annotatorId})`;
  const doneToday = await db.comparison.count({ where: { annotatorId, createdAt: { gte: startOfDay } } });
  return { waiting, doneToday };
}
