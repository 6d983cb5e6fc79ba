-- Indexes over nullable columns that many rows leave empty (imported and demo responses have
-- no round or job; imported comparisons have no annotator) now skip the empty rows: partial
-- indexes, named manual_* since schema.prisma cannot describe them. Every query that uses
-- them asks for a value (`= $1`), which implies NOT NULL, so the planner still uses them. An
-- import no longer writes five index entries per preference row (two per response, one per
-- comparison) that no query reads.

-- DropIndex
DROP INDEX "Response_roundId_idx";

-- DropIndex
DROP INDEX "Response_jobId_idx";

-- DropIndex
DROP INDEX "Comparison_annotatorId_createdAt_idx";

CREATE INDEX "manual_response_round" ON "Response" ("roundId") WHERE "roundId" IS NOT NULL;

CREATE INDEX "manual_response_job" ON "Response" ("jobId") WHERE "jobId" IS NOT NULL;

CREATE INDEX "manual_comparison_annotator_created" ON "Comparison" ("annotatorId", "createdAt") WHERE "annotatorId" IS NOT NULL;
