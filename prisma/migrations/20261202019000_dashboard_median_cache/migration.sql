-- The unfiltered dashboard's medians, kept until an annotator's labels change: a count of each
-- annotator's changes (a trigger beside the tallies', keyed by the annotator, so concurrent
-- submits still never touch the same row), and the median last read with the count it was
-- read at (written by the dashboard's reads).

-- CreateTable
CREATE TABLE "DashboardAnnotatorChanges" (
    "annotatorId" TEXT NOT NULL,
    "importId" TEXT NOT NULL,
    "changes" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "DashboardAnnotatorChanges_pkey" PRIMARY KEY ("annotatorId","importId")
);

-- CreateTable
CREATE TABLE "DashboardMedianCache" (
    "annotatorId" TEXT NOT NULL,
    "changes" INTEGER NOT NULL,
    "median" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "DashboardMedianCache_pkey" PRIMARY KEY ("annotatorId")
);

ALTER TABLE "DashboardAnnotatorChanges" SET (fillfactor = 70);

INSERT INTO "DashboardAnnotatorChanges" ("annotatorId", "importId", changes)
SELECT "annotatorId", coalesce("importId", ''), count(*) FROM "Comparison" WHERE "annotatorId" IS NOT NULL GROUP BY 1, 2;

CREATE FUNCTION manual_dashboard_changes_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "DashboardAnnotatorChanges" AS t ("annotatorId", "importId", changes)
  SELECT "annotatorId", coalesce("importId", ''), count(*) FROM new_rows WHERE "annotatorId" IS NOT NULL GROUP BY 1, 2
  ON CONFLICT ("annotatorId", "importId") DO UPDATE SET changes = t.changes + excluded.changes;
  RETURN NULL;
END;
$$;

CREATE FUNCTION manual_dashboard_changes_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "DashboardAnnotatorChanges" AS t ("annotatorId", "importId", changes)
  SELECT "annotatorId", coalesce("importId", ''), count(*) FROM old_rows WHERE "annotatorId" IS NOT NULL GROUP BY 1, 2
  ON CONFLICT ("annotatorId", "importId") DO UPDATE SET changes = t.changes + excluded.changes;
  RETURN NULL;
END;
$$;

-- An edit counts for the annotator the label had and the one it has (the same, but for a move).
CREATE FUNCTION manual_dashboard_changes_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "DashboardAnnotatorChanges" AS t ("annotatorId", "importId", changes)
  SELECT "annotatorId", source, count(*)
  FROM (SELECT "annotatorId", coalesce("importId", '') AS source FROM new_rows WHERE "annotatorId" IS NOT NULL
        UNION ALL
        SELECT "annotatorId", coalesce("importId", '') FROM old_rows WHERE "annotatorId" IS NOT NULL) x
  GROUP BY 1, 2
  ON CONFLICT ("annotatorId", "importId") DO UPDATE SET changes = t.changes + excluded.changes;
  RETURN NULL;
END;
$$;

CREATE TRIGGER manual_dashboard_changes_inserted AFTER INSERT ON "Comparison"
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION manual_dashboard_changes_inserted();
CREATE TRIGGER manual_dashboard_changes_deleted AFTER DELETE ON "Comparison"
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION manual_dashboard_changes_deleted();
CREATE TRIGGER manual_dashboard_changes_updated AFTER UPDATE ON "Comparison"
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION manual_dashboard_changes_updated();

-- A truncate changes everything: the recount forgets the medians.
CREATE OR REPLACE FUNCTION manual_dashboard_rebuild(p_always BOOLEAN) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE "DashboardTally", "DashboardPairConfig", "DashboardTimeOnTask", "DashboardAnnotatorTimeOnTask", "DashboardBatchPairs",
             "DashboardMedianCache" IN EXCLUSIVE MODE;
  IF NOT p_always AND NOT (SELECT stale FROM "DashboardTallyState" WHERE id = 1 FOR UPDATE) THEN
    RETURN;
  END IF;
  DELETE FROM "DashboardTally";
  DELETE FROM "DashboardPairConfig";
  DELETE FROM "DashboardTimeOnTask";
  DELETE FROM "DashboardAnnotatorTimeOnTask";
  DELETE FROM "DashboardBatchPairs";
  DELETE FROM "DashboardMedianCache";
  PERFORM manual_dashboard_count(NULL);
  INSERT INTO "DashboardBatchPairs" ("batchId", writer, pairs, "requiredAnnotations", "annotationCount")
  SELECT "batchId", 0, count(*), sum("requiredAnnotations"), sum("annotationCount") FROM "Pair" GROUP BY 1;
  UPDATE "DashboardTallyState" SET stale = false WHERE id = 1;
END;
$$;
