// The researcher's first view of the data: for each round and batch, how many pairs and
// comparisons there are and how far the batch is labelled.
import type { DbOrTx } from "../db/types";

export type BatchOverview = {
  roundNumber: number;
  roundName: string;
  batchId: string;
  batchName: string;
  status: string;
  pairs: number;
  requiredAnnotations: number;
  comparisons: number;
};

export function batchOverview(db: DbOrTx): Promise<BatchOverview[]> {
  return db.$queryRaw<BatchOverview[]>`
    SELECT r.number AS "roundNumber", r.name AS "roundName", b.id AS "batchId", b.name AS "batchName",
           b.status::text AS status,
           count(p.id)::int AS pairs,
           coalesce(sum(p."requiredAnnotations"), 0)::int AS "requiredAnnotations",
           coalesce(sum(p."annotationCount"), 0)::int AS comparisons
    FROM "Batch" b
    JOIN "Round" r ON r.id = b."roundId"
    LEFT JOIN "Pair" p ON p."batchId" = b.id
    WHERE b."importId" IS NULL -- imported datasets are not the team's work
    GROUP BY r.number, r.name, b.id, b.name, b.status, b."createdAt"
    ORDER BY r.number DESC, b."createdAt" DESC`;
}
