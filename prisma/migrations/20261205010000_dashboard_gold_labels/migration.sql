-- CreateTable
CREATE TABLE "DashboardGoldLabel" (
    "comparisonId" TEXT NOT NULL,
    "pairId" TEXT NOT NULL,
    "annotatorId" TEXT NOT NULL,
    "batchId" TEXT NOT NULL,
    "protocol" "Protocol" NOT NULL,
    "importId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "answered" BOOLEAN NOT NULL,
    "correct" BOOLEAN NOT NULL,

    CONSTRAINT "DashboardGoldLabel_pkey" PRIMARY KEY ("comparisonId")
);

-- CreateIndex
CREATE INDEX "DashboardGoldLabel_pairId_idx" ON "DashboardGoldLabel"("pairId");

-- The team's labels on gold pairs as DashboardGoldLabel keeps them: the annotator table's gold
-- accuracy counts, per label, whether its pair has an expected choice and whether it chose it
-- (the same definitions as its scan query, server/dashboard/stats.ts). Labels without an
-- annotator (imported ones) are not the team's and are not counted.
CREATE FUNCTION manual_dashboard_gold_labels()
RETURNS TABLE ("comparisonId" TEXT, "pairId" TEXT, "annotatorId" TEXT, "batchId" TEXT, protocol "Protocol", "importId" TEXT, day DATE,
               answered BOOLEAN, correct BOOLEAN)
LANGUAGE sql STABLE AS $$
  SELECT c.id, c."pairId", c."annotatorId", p."batchId", pr.protocol, coalesce(c."importId", ''), c."createdAt"::date,
         p."goldChoice" IS NOT NULL, coalesce(c.chosen = p."goldChoice", false)
  FROM "Comparison" c
  JOIN "Pair" p ON p.id = c."pairId" AND p."isGold"
  JOIN "Prompt" pr ON pr.id = p."promptId"
  WHERE c."annotatorId" IS NOT NULL
$$;

-- Labels written, taken back or changed. A pair's batch or prompt, or a prompt's protocol,
-- changing marks every tally stale already (manual_dashboard_pair_updated and
-- manual_dashboard_prompt_protocol), and the recount below counts these again too.
CREATE FUNCTION manual_dashboard_gold_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "DashboardGoldLabel"
  SELECT g.* FROM manual_dashboard_gold_labels() g WHERE g."comparisonId" IN (SELECT n.id FROM new_rows n);
  RETURN NULL;
END;
$$;

CREATE FUNCTION manual_dashboard_gold_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "DashboardGoldLabel" g WHERE g."comparisonId" IN (SELECT o.id FROM old_rows o);
  RETURN NULL;
END;
$$;

CREATE FUNCTION manual_dashboard_gold_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Most updates (a review note, say) change nothing a gold row holds.
  IF NOT EXISTS (
    SELECT 1 FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
    WHERE (o."pairId", o."annotatorId", o."importId", o."createdAt", o.chosen)
          IS DISTINCT FROM (n."pairId", n."annotatorId", n."importId", n."createdAt", n.chosen)
  ) THEN
    RETURN NULL;
  END IF;
  DELETE FROM "DashboardGoldLabel" g WHERE g."comparisonId" IN (SELECT o.id FROM old_rows o);
  INSERT INTO "DashboardGoldLabel"
  SELECT g.* FROM manual_dashboard_gold_labels() g WHERE g."comparisonId" IN (SELECT n.id FROM new_rows n);
  RETURN NULL;
END;
$$;

CREATE TRIGGER manual_dashboard_gold_inserted AFTER INSERT ON "Comparison"
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION manual_dashboard_gold_inserted();
CREATE TRIGGER manual_dashboard_gold_deleted AFTER DELETE ON "Comparison"
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION manual_dashboard_gold_deleted();
CREATE TRIGGER manual_dashboard_gold_updated AFTER UPDATE ON "Comparison"
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION manual_dashboard_gold_updated();

-- A pair becoming gold, no longer gold, or given another expected choice: its labels are
-- counted again. First the labels being written to it finish (each holds the pair through its
-- foreign key until it commits), and its labels are held as they are until this transaction
-- ends, so none is missed or counted against the old answer. The compare screen's submit and
-- undo update the pair's counts, which already orders them with this update.
CREATE FUNCTION manual_dashboard_gold_pair_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM "Pair" p WHERE p.id = NEW.id FOR UPDATE;
  PERFORM 1 FROM "Comparison" c WHERE c."pairId" = NEW.id FOR SHARE;
  DELETE FROM "DashboardGoldLabel" g WHERE g."pairId" = NEW.id;
  INSERT INTO "DashboardGoldLabel" SELECT g.* FROM manual_dashboard_gold_labels() g WHERE g."pairId" = NEW.id;
  RETURN NULL;
END;
$$;

CREATE TRIGGER manual_dashboard_gold_pair AFTER UPDATE OF "isGold", "goldChoice" ON "Pair"
FOR EACH ROW WHEN (OLD."isGold" IS DISTINCT FROM NEW."isGold" OR OLD."goldChoice" IS DISTINCT FROM NEW."goldChoice")
EXECUTE FUNCTION manual_dashboard_gold_pair_changed();

-- An import writes its rows without row triggers and counts them itself (as before,
-- 20261203010000_dashboard_days), its gold labels included.
CREATE OR REPLACE FUNCTION manual_dashboard_count_import(p_import TEXT, p_batch TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM manual_dashboard_count(p_import);
  PERFORM manual_dashboard_count_days(p_import);
  INSERT INTO "DashboardBatchPairs" AS t ("batchId", writer, pairs, "requiredAnnotations", "annotationCount")
  SELECT "batchId", pg_backend_pid(), count(*), sum("requiredAnnotations"), sum("annotationCount") FROM "Pair" WHERE "batchId" = p_batch GROUP BY 1
  ON CONFLICT ("batchId", writer) DO UPDATE SET pairs = t.pairs + excluded.pairs,
    "requiredAnnotations" = t."requiredAnnotations" + excluded."requiredAnnotations", "annotationCount" = t."annotationCount" + excluded."annotationCount";
  INSERT INTO "DashboardGoldLabel"
  SELECT g.* FROM manual_dashboard_gold_labels() g WHERE g."importId" = p_import;
END;
$$;

-- The recount, as before (20261204010000_dashboard_rollups), counts the gold labels again.
CREATE OR REPLACE FUNCTION manual_dashboard_rebuild(p_always BOOLEAN) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE "DashboardTally", "DashboardPairConfig", "DashboardTimeOnTask", "DashboardAnnotatorTimeOnTask", "DashboardBatchPairs",
             "DashboardMedianCache", "DashboardPairDay", "DashboardDayPairConfig", "DashboardDayTimeOnTask", "DashboardDayBatchTimes",
             "DashboardBatchDayTally", "DashboardAnnotatorDayTally", "DashboardGoldLabel"
             IN EXCLUSIVE MODE;
  IF NOT p_always AND NOT (SELECT stale FROM "DashboardTallyState" WHERE id = 1 FOR UPDATE) THEN
    RETURN;
  END IF;
  DELETE FROM "DashboardTally";
  DELETE FROM "DashboardPairConfig";
  DELETE FROM "DashboardTimeOnTask";
  DELETE FROM "DashboardAnnotatorTimeOnTask";
  DELETE FROM "DashboardBatchPairs";
  DELETE FROM "DashboardMedianCache";
  DELETE FROM "DashboardPairDay";
  DELETE FROM "DashboardDayPairConfig";
  DELETE FROM "DashboardDayTimeOnTask";
  DELETE FROM "DashboardDayBatchTimes";
  DELETE FROM "DashboardGoldLabel";
  PERFORM manual_dashboard_count(NULL);
  PERFORM manual_dashboard_count_days(NULL);
  PERFORM manual_dashboard_fill_rollups();
  INSERT INTO "DashboardBatchPairs" ("batchId", writer, pairs, "requiredAnnotations", "annotationCount")
  SELECT "batchId", 0, count(*), sum("requiredAnnotations"), sum("annotationCount") FROM "Pair" GROUP BY 1;
  INSERT INTO "DashboardGoldLabel" SELECT g.* FROM manual_dashboard_gold_labels() g;
  UPDATE "DashboardTallyState" SET stale = false WHERE id = 1;
END;
$$;

-- The gold labels there are already.
LOCK TABLE "Comparison", "Pair" IN SHARE MODE;
INSERT INTO "DashboardGoldLabel" SELECT g.* FROM manual_dashboard_gold_labels() g;
