-- CreateTable
CREATE TABLE "DashboardBatchDayTally" (
    "batchId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "protocol" "Protocol" NOT NULL,
    "importId" TEXT NOT NULL,
    "comparisons" INTEGER NOT NULL DEFAULT 0,
    "significantlyBetter" INTEGER NOT NULL DEFAULT 0,
    "better" INTEGER NOT NULL DEFAULT 0,
    "slightlyBetter" INTEGER NOT NULL DEFAULT 0,
    "negligiblyBetter" INTEGER NOT NULL DEFAULT 0,
    "safetyLabelled" INTEGER NOT NULL DEFAULT 0,
    "chosenSafeOtherUnsafe" INTEGER NOT NULL DEFAULT 0,
    "bothSafe" INTEGER NOT NULL DEFAULT 0,
    "bothUnsafe" INTEGER NOT NULL DEFAULT 0,
    "leftChosen" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "DashboardBatchDayTally_pkey" PRIMARY KEY ("batchId","day","protocol","importId")
);

-- CreateTable
CREATE TABLE "DashboardAnnotatorDayTally" (
    "annotatorId" TEXT NOT NULL,
    "importId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "comparisons" INTEGER NOT NULL DEFAULT 0,
    "agreementScored" INTEGER NOT NULL DEFAULT 0,
    "agreementMatched" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "DashboardAnnotatorDayTally_pkey" PRIMARY KEY ("annotatorId","importId","day")
);


-- The rollups are DashboardTally's rows of writer 0 summed to their keys. Nothing writes them
-- as labels arrive: the fold (manual_dashboard_compact, run by the dashboard's reads) adds the
-- rows it moves into writer 0 to them in the same statement, and a recount fills them again.
-- A read adds DashboardTally's rows with a writer (found through its partial index), so it
-- sees every label whether or not they were folded yet.
CREATE FUNCTION manual_dashboard_fill_rollups() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "DashboardBatchDayTally";
  DELETE FROM "DashboardAnnotatorDayTally";
  INSERT INTO "DashboardBatchDayTally"
    ("batchId", day, protocol, "importId", comparisons, "significantlyBetter", better, "slightlyBetter",
     "negligiblyBetter", "safetyLabelled", "chosenSafeOtherUnsafe", "bothSafe", "bothUnsafe", "leftChosen")
  SELECT "batchId", day, protocol, "importId", sum(comparisons), sum("significantlyBetter"), sum(better), sum("slightlyBetter"),
         sum("negligiblyBetter"), sum("safetyLabelled"), sum("chosenSafeOtherUnsafe"), sum("bothSafe"), sum("bothUnsafe"), sum("leftChosen")
  FROM "DashboardTally" WHERE writer = 0 GROUP BY 1, 2, 3, 4;
  INSERT INTO "DashboardAnnotatorDayTally" ("annotatorId", "importId", day, comparisons, "agreementScored", "agreementMatched")
  SELECT "annotatorId", "importId", day, sum(comparisons), sum("agreementScored"), sum("agreementMatched")
  FROM "DashboardTally" WHERE writer = 0 AND "annotatorId" <> '' GROUP BY 1, 2, 3;
END;
$$;

-- The fold, as before (20261202013000_dashboard_read_paths), with the rollups added to.
CREATE OR REPLACE FUNCTION manual_dashboard_compact() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('manual_dashboard_compact')) THEN
    RETURN;
  END IF;
  WITH moved AS (
    DELETE FROM "DashboardTally" t
    WHERE t.ctid = ANY (ARRAY(SELECT ctid FROM "DashboardTally" WHERE writer <> 0 FOR UPDATE SKIP LOCKED))
    RETURNING t.*
  ),
  batch_days AS (
    INSERT INTO "DashboardBatchDayTally" AS t
      ("batchId", day, protocol, "importId", comparisons, "significantlyBetter", better, "slightlyBetter",
       "negligiblyBetter", "safetyLabelled", "chosenSafeOtherUnsafe", "bothSafe", "bothUnsafe", "leftChosen")
    SELECT "batchId", day, protocol, "importId", sum(comparisons), sum("significantlyBetter"), sum(better), sum("slightlyBetter"),
           sum("negligiblyBetter"), sum("safetyLabelled"), sum("chosenSafeOtherUnsafe"), sum("bothSafe"), sum("bothUnsafe"), sum("leftChosen")
    FROM moved GROUP BY 1, 2, 3, 4
    ON CONFLICT ("batchId", day, protocol, "importId") DO UPDATE SET
      comparisons = t.comparisons + excluded.comparisons,
      "significantlyBetter" = t."significantlyBetter" + excluded."significantlyBetter",
      better = t.better + excluded.better,
      "slightlyBetter" = t."slightlyBetter" + excluded."slightlyBetter",
      "negligiblyBetter" = t."negligiblyBetter" + excluded."negligiblyBetter",
      "safetyLabelled" = t."safetyLabelled" + excluded."safetyLabelled",
      "chosenSafeOtherUnsafe" = t."chosenSafeOtherUnsafe" + excluded."chosenSafeOtherUnsafe",
      "bothSafe" = t."bothSafe" + excluded."bothSafe",
      "bothUnsafe" = t."bothUnsafe" + excluded."bothUnsafe",
      "leftChosen" = t."leftChosen" + excluded."leftChosen"
  ),
  annotator_days AS (
    INSERT INTO "DashboardAnnotatorDayTally" AS t ("annotatorId", "importId", day, comparisons, "agreementScored", "agreementMatched")
    SELECT "annotatorId", "importId", day, sum(comparisons), sum("agreementScored"), sum("agreementMatched")
    FROM moved WHERE "annotatorId" <> '' GROUP BY 1, 2, 3
    ON CONFLICT ("annotatorId", "importId", day) DO UPDATE SET
      comparisons = t.comparisons + excluded.comparisons,
      "agreementScored" = t."agreementScored" + excluded."agreementScored",
      "agreementMatched" = t."agreementMatched" + excluded."agreementMatched"
  )
  INSERT INTO "DashboardTally" AS t
    ("batchId", day, protocol, "annotatorId", "importId", writer, comparisons, "significantlyBetter", better, "slightlyBetter",
     "negligiblyBetter", "safetyLabelled", "chosenSafeOtherUnsafe", "bothSafe", "bothUnsafe", "leftChosen", "agreementScored", "agreementMatched")
  SELECT "batchId", day, protocol, "annotatorId", "importId", 0, sum(comparisons), sum("significantlyBetter"), sum(better), sum("slightlyBetter"),
         sum("negligiblyBetter"), sum("safetyLabelled"), sum("chosenSafeOtherUnsafe"), sum("bothSafe"), sum("bothUnsafe"), sum("leftChosen"),
         sum("agreementScored"), sum("agreementMatched")
  FROM moved GROUP BY 1, 2, 3, 4, 5
  ON CONFLICT ("batchId", day, protocol, "annotatorId", "importId", writer) DO UPDATE SET
    comparisons = t.comparisons + excluded.comparisons,
    "significantlyBetter" = t."significantlyBetter" + excluded."significantlyBetter",
    better = t.better + excluded.better,
    "slightlyBetter" = t."slightlyBetter" + excluded."slightlyBetter",
    "negligiblyBetter" = t."negligiblyBetter" + excluded."negligiblyBetter",
    "safetyLabelled" = t."safetyLabelled" + excluded."safetyLabelled",
    "chosenSafeOtherUnsafe" = t."chosenSafeOtherUnsafe" + excluded."chosenSafeOtherUnsafe",
    "bothSafe" = t."bothSafe" + excluded."bothSafe",
    "bothUnsafe" = t."bothUnsafe" + excluded."bothUnsafe",
    "leftChosen" = t."leftChosen" + excluded."leftChosen",
    "agreementScored" = t."agreementScored" + excluded."agreementScored",
    "agreementMatched" = t."agreementMatched" + excluded."agreementMatched";

  WITH moved AS (
    DELETE FROM "DashboardPairConfig" t
    WHERE t.ctid = ANY (ARRAY(SELECT ctid FROM "DashboardPairConfig" WHERE writer <> 0 FOR UPDATE SKIP LOCKED))
    RETURNING t.*
  )
  INSERT INTO "DashboardPairConfig" AS t ("batchId", protocol, "importId", config, writer, pairs)
  SELECT "batchId", protocol, "importId", config, 0, sum(pairs) FROM moved GROUP BY 1, 2, 3, 4
  ON CONFLICT ("batchId", protocol, "importId", config, writer) DO UPDATE SET pairs = t.pairs + excluded.pairs;

  WITH moved AS (
    DELETE FROM "DashboardBatchPairs" t
    WHERE t.ctid = ANY (ARRAY(SELECT ctid FROM "DashboardBatchPairs" WHERE writer <> 0 FOR UPDATE SKIP LOCKED))
    RETURNING t.*
  )
  INSERT INTO "DashboardBatchPairs" AS t ("batchId", writer, pairs, "requiredAnnotations", "annotationCount")
  SELECT "batchId", 0, sum(pairs), sum("requiredAnnotations"), sum("annotationCount") FROM moved GROUP BY 1
  ON CONFLICT ("batchId", writer) DO UPDATE SET pairs = t.pairs + excluded.pairs,
    "requiredAnnotations" = t."requiredAnnotations" + excluded."requiredAnnotations", "annotationCount" = t."annotationCount" + excluded."annotationCount";
END;
$$;

-- The recount, as before (20261203010000_dashboard_days), fills the rollups again.
CREATE OR REPLACE FUNCTION manual_dashboard_rebuild(p_always BOOLEAN) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE "DashboardTally", "DashboardPairConfig", "DashboardTimeOnTask", "DashboardAnnotatorTimeOnTask", "DashboardBatchPairs",
             "DashboardMedianCache", "DashboardPairDay", "DashboardDayPairConfig", "DashboardDayTimeOnTask", "DashboardDayBatchTimes",
             "DashboardBatchDayTally", "DashboardAnnotatorDayTally"
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
  PERFORM manual_dashboard_count(NULL);
  PERFORM manual_dashboard_count_days(NULL);
  PERFORM manual_dashboard_fill_rollups();
  INSERT INTO "DashboardBatchPairs" ("batchId", writer, pairs, "requiredAnnotations", "annotationCount")
  SELECT "batchId", 0, count(*), sum("requiredAnnotations"), sum("annotationCount") FROM "Pair" GROUP BY 1;
  UPDATE "DashboardTallyState" SET stale = false WHERE id = 1;
END;
$$;

-- The rows folded already; the others are added as they are folded.
LOCK TABLE "DashboardTally" IN EXCLUSIVE MODE;
SELECT manual_dashboard_fill_rollups();
