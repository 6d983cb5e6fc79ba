-- AlterTable
ALTER TABLE "Response" ADD COLUMN     "sampleIndex" INTEGER;

-- AlterTable
ALTER TABLE "Job" ADD COLUMN     "fence" INTEGER NOT NULL DEFAULT 0;


-- Responses a job stored before samples were numbered: a pair's A is sample 0 and its B sample
-- 1. Only the first copy of each gets its number, so that a copy a double run left behind
-- keeps NULL instead of failing the unique index below.
UPDATE "Response" r SET "sampleIndex" = n.side
FROM (
  SELECT id, side, row_number() OVER (PARTITION BY "jobId", "promptId", side ORDER BY "createdAt", id) AS copy
  FROM (
    SELECT DISTINCT ON (r2.id) r2.id, r2."jobId", r2."promptId", r2."createdAt", s.side
    FROM "Pair" p
    CROSS JOIN LATERAL (VALUES (p."responseAId", 0), (p."responseBId", 1)) AS s(response, side)
    JOIN "Response" r2 ON r2.id = s.response
    WHERE r2."jobId" IS NOT NULL
    ORDER BY r2.id, s.side
  ) sides
) n
WHERE r.id = n.id AND n.copy = 1;

-- One sample of a prompt per job and index. It also serves lookups by job (the index it
-- replaces); imported and demo responses have no job and take no entry.
DROP INDEX "manual_response_job";
CREATE UNIQUE INDEX "manual_response_job_sample" ON "Response" ("jobId", "promptId", "sampleIndex") WHERE "jobId" IS NOT NULL;

-- A job's response says which sample it is (rows from before are left as they were).
ALTER TABLE "Response" ADD CONSTRAINT "manual_response_job_has_sample" CHECK ("jobId" IS NULL OR "sampleIndex" IS NOT NULL) NOT VALID;

-- A pair of two responses once per batch. Imported pairs (with a content hash, unique) take no entry.
CREATE UNIQUE INDEX "manual_pair_responses" ON "Pair" ("batchId", "responseAId", "responseBId") WHERE "contentHash" IS NULL;
