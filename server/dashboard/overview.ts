// The researcher's first view of the data: for each round and batch, how many pairs and
// comparisons there are and how far the batch is labelled (from the pairs per batch the
// triggers keep, DashboardBatchPairs, or by scanning the pairs).
import { Prisma } from "@prisma/client";
import { rawRows } from "../db/raw-rows";
import type { DbOrTx } from "../db/types";
import type { Reading } from "./stats";
import { readTallies, TALLIES_READY } from "./tallies";

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

export async function batchOverview(db: DbOrTx, how: Reading = "tallies"): Promise<BatchOverview[]> {
  const perBatch =
    how === "tallies"
      ? Prisma.sql`SELECT x."batchId", sum(x.pairs) AS pairs, sum(x."requiredAnnotations") AS required, sum(x."annotationCount") AS labels
                   FROM "DashboardBatchPairs" x GROUP BY x."batchId"`
      : Prisma.sql`SELECT p."batchId", count(*) AS pairs, sum(p."requiredAnnotations") AS required, sum(p."annotationCount") AS labels
                   FROM "Pair" p GROUP BY p."batchId"`;
  const read = () => rawRows<BatchOverview>(db, Prisma.sql`
    SELECT r.number AS "roundNumber", r.name AS "roundName", b.id AS "batchId", b.name AS "batchName",
           b.status::text AS status,
           coalesce(x.pairs, 0)::int AS pairs,
           coalesce(x.required, 0)::int AS "requiredAnnotations",
           coalesce(x.labels, 0)::int AS comparisons
    FROM "Batch" b
    JOIN "Round" r ON r.id = b."roundId"
    LEFT JOIN (${perBatch}) x ON x."batchId" = b.id
    WHERE b."importId" IS NULL -- imported datasets are not the team's work
      ${how === "tallies" ? Prisma.sql`AND ${TALLIES_READY}` : Prisma.empty}
    ORDER BY r.number DESC, b."createdAt" DESC`);
  return how === "tallies" ? readTallies(db, read) : read();
}
