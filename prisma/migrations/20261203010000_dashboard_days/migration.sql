-- The dashboard's views with dates, from tallies instead of the labels in range:
-- - agreement over a range is over each pair's labels in it: pairs whose labels all fall on one
--   day are counted by that day and their configuration (DashboardDayPairConfig); the others
--   ("spread" over several days) are read pair by pair from their labels per day
--   (DashboardPairDay), which every pair has;
-- - an annotator's median over a range: their time-on-task buckets per day and protocol
--   (DashboardDayTimeOnTask), or under batches or rounds their times per day, batch and
--   protocol (DashboardDayBatchTimes).
-- Kept by triggers of their own beside the other tallies'. A change the other tallies cannot
-- follow (a pair gone or moved, a prompt's protocol changed) marks them all stale, and the
-- recount counts these too.

-- CreateTable
CREATE TABLE "DashboardPairDay" (
    "pairId" TEXT NOT NULL,
    "importId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "batchId" TEXT NOT NULL,
    "protocol" "Protocol" NOT NULL,
    "labels" INTEGER NOT NULL,
    "config" DECIMAL(50,0) NOT NULL,
    "spread" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "DashboardPairDay_pkey" PRIMARY KEY ("pairId","importId","day")
);

-- CreateTable
CREATE TABLE "DashboardDayPairConfig" (
    "batchId" TEXT NOT NULL,
    "protocol" "Protocol" NOT NULL,
    "importId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "config" DECIMAL(50,0) NOT NULL,
    "writer" INTEGER NOT NULL,
    "pairs" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "DashboardDayPairConfig_pkey" PRIMARY KEY ("batchId","protocol","importId","day","config","writer")
);

-- CreateTable
CREATE TABLE "DashboardDayTimeOnTask" (
    "annotatorId" TEXT NOT NULL,
    "importId" TEXT NOT NULL,
    "bucket" SMALLINT NOT NULL,
    "day" DATE NOT NULL,
    "protocol" "Protocol" NOT NULL,
    "labels" INTEGER NOT NULL DEFAULT 0,
    "timesOnTask" INTEGER[],

    CONSTRAINT "DashboardDayTimeOnTask_pkey" PRIMARY KEY ("annotatorId","importId","bucket","day","protocol")
);

-- CreateTable
CREATE TABLE "DashboardDayBatchTimes" (
    "annotatorId" TEXT NOT NULL,
    "importId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "batchId" TEXT NOT NULL,
    "protocol" "Protocol" NOT NULL,
    "labels" INTEGER NOT NULL DEFAULT 0,
    "timesOnTask" INTEGER[],

    CONSTRAINT "DashboardDayBatchTimes_pkey" PRIMARY KEY ("annotatorId","importId","day","batchId","protocol")
);

-- The spread pairs' days, for a range.
CREATE INDEX "manual_dashboard_pair_day_spread" ON "DashboardPairDay" (day) WHERE spread;

-- Rows are rewritten in place as labels come (room for the new versions on their own page).
ALTER TABLE "DashboardPairDay" SET (fillfactor = 80);
ALTER TABLE "DashboardDayPairConfig" SET (fillfactor = 70);
ALTER TABLE "DashboardDayTimeOnTask" SET (fillfactor = 70);
ALTER TABLE "DashboardDayBatchTimes" SET (fillfactor = 70);

-- A pair's days with labels (of one source): how many, their labels and configuration, and the
-- first of them.
CREATE FUNCTION manual_dashboard_pair_days(p_pair TEXT, p_source TEXT, OUT days INTEGER, OUT labels INTEGER, OUT config NUMERIC, OUT day DATE)
LANGUAGE sql STABLE AS $$
  SELECT count(*)::int, coalesce(sum(d.labels), 0)::int, coalesce(sum(d.config), 0), min(d.day)
  FROM "DashboardPairDay" d WHERE d."pairId" = p_pair AND d."importId" = p_source
$$;

-- One label added or taken away (submit, undo): a few rows by key, planned once.
CREATE FUNCTION manual_dashboard_day_label_changed(c "Comparison", sign INTEGER) RETURNS void LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan SET enable_nestloop = on AS $$
DECLARE
  v_batch TEXT;
  v_protocol "Protocol";
  v_source TEXT := coalesce(c."importId", '');
  v_day DATE := c."createdAt"::date;
  v_writer INTEGER := pg_backend_pid();
  v_left INTEGER;
  b RECORD;
  a RECORD;
BEGIN
  -- The pair's row is locked (submit and undo hold it already), so its days are read as they
  -- are: two labels of one pair are never counted from the same state.
  SELECT p."batchId", pr.protocol INTO v_batch, v_protocol
  FROM "Pair" p JOIN "Prompt" pr ON pr.id = p."promptId" WHERE p.id = c."pairId" FOR NO KEY UPDATE OF p;
  IF NOT FOUND THEN
    -- The pair is gone: the other tallies' trigger has marked them all stale.
    RETURN;
  END IF;
  SELECT * INTO b FROM manual_dashboard_pair_days(c."pairId", v_source);
  INSERT INTO "DashboardPairDay" AS t ("pairId", "importId", day, "batchId", protocol, labels, config)
  VALUES (c."pairId", v_source, v_day, v_batch, v_protocol, sign, sign * manual_dashboard_config_unit(c.chosen, c.strength))
  ON CONFLICT ("pairId", "importId", day) DO UPDATE SET labels = t.labels + excluded.labels, config = t.config + excluded.config
  RETURNING t.labels INTO v_left;
  IF v_left <= 0 THEN
    DELETE FROM "DashboardPairDay" t WHERE t."pairId" = c."pairId" AND t."importId" = v_source AND t.day = v_day;
  END IF;
  SELECT * INTO a FROM manual_dashboard_pair_days(c."pairId", v_source);
  -- The pair leaves its day's configuration and takes its new one, while it is on one day.
  IF b.days = 1 AND b.labels >= 2 THEN
    INSERT INTO "DashboardDayPairConfig" AS t ("batchId", protocol, "importId", day, config, writer, pairs)
    VALUES (v_batch, v_protocol, v_source, b.day, b.config, v_writer, -1)
    ON CONFLICT ("batchId", protocol, "importId", day, config, writer) DO UPDATE SET pairs = t.pairs + excluded.pairs;
  END IF;
  IF a.days = 1 AND a.labels >= 2 THEN
    INSERT INTO "DashboardDayPairConfig" AS t ("batchId", protocol, "importId", day, config, writer, pairs)
    VALUES (v_batch, v_protocol, v_source, a.day, a.config, v_writer, 1)
    ON CONFLICT ("batchId", protocol, "importId", day, config, writer) DO UPDATE SET pairs = t.pairs + excluded.pairs;
  END IF;
  UPDATE "DashboardPairDay" t SET spread = a.days > 1
  WHERE t."pairId" = c."pairId" AND t."importId" = v_source AND t.spread <> (a.days > 1);

  IF c."annotatorId" IS NULL THEN
    RETURN;
  END IF;
  IF sign > 0 THEN
    INSERT INTO "DashboardDayTimeOnTask" AS t ("annotatorId", "importId", bucket, day, protocol, labels, "timesOnTask")
    VALUES (c."annotatorId", v_source, manual_dashboard_cell_bucket(c."timeOnTaskMs"), v_day, v_protocol, 1, ARRAY[c."timeOnTaskMs"])
    ON CONFLICT ("annotatorId", "importId", bucket, day, protocol) DO UPDATE SET
      labels = t.labels + 1,
      "timesOnTask" = CASE WHEN cardinality(t."timesOnTask") < 200 THEN t."timesOnTask" || c."timeOnTaskMs" END;
    INSERT INTO "DashboardDayBatchTimes" AS t ("annotatorId", "importId", day, "batchId", protocol, labels, "timesOnTask")
    VALUES (c."annotatorId", v_source, v_day, v_batch, v_protocol, 1, ARRAY[c."timeOnTaskMs"])
    ON CONFLICT ("annotatorId", "importId", day, "batchId", protocol) DO UPDATE SET
      labels = t.labels + 1,
      "timesOnTask" = CASE WHEN cardinality(t."timesOnTask") < 1000 THEN t."timesOnTask" || c."timeOnTaskMs" END;
  ELSE
    UPDATE "DashboardDayTimeOnTask" t SET
      labels = t.labels - 1,
      "timesOnTask" = t."timesOnTask"[:array_position(t."timesOnTask", c."timeOnTaskMs") - 1]
                      || t."timesOnTask"[array_position(t."timesOnTask", c."timeOnTaskMs") + 1:]
    WHERE t."annotatorId" = c."annotatorId" AND t."importId" = v_source AND t.bucket = manual_dashboard_cell_bucket(c."timeOnTaskMs")
      AND t.day = v_day AND t.protocol = v_protocol;
    UPDATE "DashboardDayBatchTimes" t SET
      labels = t.labels - 1,
      "timesOnTask" = t."timesOnTask"[:array_position(t."timesOnTask", c."timeOnTaskMs") - 1]
                      || t."timesOnTask"[array_position(t."timesOnTask", c."timeOnTaskMs") + 1:]
    WHERE t."annotatorId" = c."annotatorId" AND t."importId" = v_source AND t.day = v_day AND t."batchId" = v_batch AND t.protocol = v_protocol;
  END IF;
END;
$$;

-- The statement for many label versions at once ({versions}: the labels' columns and s, +1 for
-- a version added and -1 for one taken away), planned for many rows (hash joins). The pairs'
-- days before the change are read from DashboardPairDay (the statement's snapshot) and after it
-- computed here; each row is written by one part of the statement only. A bucket that loses
-- labels this way (or grows past its limit) keeps its count only, and a median that lies in it
-- is read from the labels.
CREATE TEMPORARY TABLE dashboard_days_statement (sql TEXT NOT NULL);
INSERT INTO dashboard_days_statement VALUES ($statement$
  WITH v AS MATERIALIZED ({versions}),
  x AS MATERIALIZED (
    SELECT v.*, p."batchId", pr.protocol, coalesce(v."importId", '') AS source, v."createdAt"::date AS day
    FROM v JOIN "Pair" p ON p.id = v."pairId" JOIN "Prompt" pr ON pr.id = p."promptId"
  ),
  delta AS MATERIALIZED (
    SELECT "pairId", source, day, "batchId", protocol, sum(s)::int AS labels, sum(s * manual_dashboard_config_unit(chosen, strength)) AS config
    FROM x
    GROUP BY 1, 2, 3, 4, 5
  ),
  keys AS MATERIALIZED (SELECT DISTINCT "pairId", source, "batchId", protocol FROM delta),
  before AS MATERIALIZED (
    SELECT d."pairId", d."importId" AS source, d.day, d.labels, d.config
    FROM "DashboardPairDay" d JOIN keys k ON k."pairId" = d."pairId" AND k.source = d."importId"
  ),
  after AS MATERIALIZED (
    SELECT coalesce(b."pairId", dl."pairId") AS "pairId", coalesce(b.source, dl.source) AS source, coalesce(b.day, dl.day) AS day,
           coalesce(b.labels, 0) + coalesce(dl.labels, 0) AS labels, coalesce(b.config, 0) + coalesce(dl.config, 0) AS config,
           dl."pairId" IS NOT NULL AS changed
    FROM before b FULL JOIN delta dl ON dl."pairId" = b."pairId" AND dl.source = b.source AND dl.day = b.day
  ),
  state_before AS MATERIALIZED (
    SELECT "pairId", source, count(*) AS days, sum(labels) AS labels, sum(config) AS config, min(day) AS day
    FROM before WHERE labels > 0 GROUP BY 1, 2
  ),
  state_after AS MATERIALIZED (
    SELECT "pairId", source, count(*) AS days, sum(labels) AS labels, sum(config) AS config, min(day) AS day
    FROM after WHERE labels > 0 GROUP BY 1, 2
  ),
  day_configs AS (
    INSERT INTO "DashboardDayPairConfig" AS t ("batchId", protocol, "importId", day, config, writer, pairs)
    SELECT k."batchId", k.protocol, k.source, y.day, y.config, {writer}, sum(y.d)
    FROM (SELECT "pairId", source, day, config, -1 AS d FROM state_before WHERE days = 1 AND labels >= 2
          UNION ALL
          SELECT "pairId", source, day, config, 1 FROM state_after WHERE days = 1 AND labels >= 2) y
    JOIN keys k ON k."pairId" = y."pairId" AND k.source = y.source
    GROUP BY 1, 2, 3, 4, 5
    HAVING sum(y.d) <> 0
    ON CONFLICT ("batchId", protocol, "importId", day, config, writer) DO UPDATE SET pairs = t.pairs + excluded.pairs
  ),
  pair_days AS (
    INSERT INTO "DashboardPairDay" AS t ("pairId", "importId", day, "batchId", protocol, labels, config, spread)
    SELECT dl."pairId", dl.source, dl.day, dl."batchId", dl.protocol, dl.labels, dl.config, coalesce(sa.days, 0) > 1
    FROM delta dl
    JOIN after a ON a."pairId" = dl."pairId" AND a.source = dl.source AND a.day = dl.day
    LEFT JOIN state_after sa ON sa."pairId" = dl."pairId" AND sa.source = dl.source
    WHERE a.labels > 0
    ON CONFLICT ("pairId", "importId", day) DO UPDATE SET
      labels = t.labels + excluded.labels, config = t.config + excluded.config, spread = excluded.spread
  ),
  emptied_days AS (
    DELETE FROM "DashboardPairDay" t USING after a
    WHERE a.changed AND a.labels <= 0 AND t."pairId" = a."pairId" AND t."importId" = a.source AND t.day = a.day
  ),
  other_days AS (
    -- The days of those pairs that this change has no label on: whether the pair is spread now.
    UPDATE "DashboardPairDay" t SET spread = coalesce(sa.days, 0) > 1
    FROM after a LEFT JOIN state_after sa ON sa."pairId" = a."pairId" AND sa.source = a.source
    WHERE NOT a.changed AND t."pairId" = a."pairId" AND t."importId" = a.source AND t.day = a.day
      AND t.spread <> (coalesce(sa.days, 0) > 1)
  ),
  time_on_task AS (
    INSERT INTO "DashboardDayTimeOnTask" AS t ("annotatorId", "importId", bucket, day, protocol, labels, "timesOnTask")
    SELECT "annotatorId", source, manual_dashboard_cell_bucket("timeOnTaskMs"), day, protocol, sum(s),
           CASE WHEN bool_and(s > 0) AND count(*) <= 200 THEN array_agg("timeOnTaskMs") END
    FROM x
    WHERE "annotatorId" IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5
    -- An edit that leaves a bucket's values as they were (a changed choice) changes nothing here.
    HAVING array_agg("timeOnTaskMs" ORDER BY "timeOnTaskMs") FILTER (WHERE s > 0)
           IS DISTINCT FROM array_agg("timeOnTaskMs" ORDER BY "timeOnTaskMs") FILTER (WHERE s < 0)
    ON CONFLICT ("annotatorId", "importId", bucket, day, protocol) DO UPDATE SET
      labels = t.labels + excluded.labels,
      "timesOnTask" = CASE WHEN cardinality(t."timesOnTask") + cardinality(excluded."timesOnTask") <= 200 THEN t."timesOnTask" || excluded."timesOnTask" END
  )
  INSERT INTO "DashboardDayBatchTimes" AS t ("annotatorId", "importId", day, "batchId", protocol, labels, "timesOnTask")
  SELECT "annotatorId", source, day, "batchId", protocol, sum(s),
         CASE WHEN bool_and(s > 0) AND count(*) <= 1000 THEN array_agg("timeOnTaskMs") END
  FROM x
  WHERE "annotatorId" IS NOT NULL
  GROUP BY 1, 2, 3, 4, 5
  HAVING array_agg("timeOnTaskMs" ORDER BY "timeOnTaskMs") FILTER (WHERE s > 0)
         IS DISTINCT FROM array_agg("timeOnTaskMs" ORDER BY "timeOnTaskMs") FILTER (WHERE s < 0)
  ON CONFLICT ("annotatorId", "importId", day, "batchId", protocol) DO UPDATE SET
    labels = t.labels + excluded.labels,
    "timesOnTask" = CASE WHEN cardinality(t."timesOnTask") + cardinality(excluded."timesOnTask") <= 1000 THEN t."timesOnTask" || excluded."timesOnTask" END
$statement$);

DO $do$
DECLARE
  statement TEXT := (SELECT sql FROM dashboard_days_statement);
  columns TEXT := '%1$s."pairId", %1$s."annotatorId", %1$s."importId", %1$s.chosen, %1$s.strength, %1$s."timeOnTaskMs", %1$s."createdAt"';
  trigger_function TEXT := $f$
    CREATE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql SET enable_nestloop = off AS $body$
    BEGIN
      %s
      %s;
      RETURN NULL;
    END;
    $body$;$f$;
  one_row TEXT := 'IF (SELECT count(*) FROM (SELECT FROM %1$s LIMIT 2) x) = 1 THEN %2$s RETURN NULL; END IF;';
BEGIN
  EXECUTE format(trigger_function, 'manual_dashboard_days_inserted',
    format(one_row, 'new_rows', 'PERFORM manual_dashboard_day_label_changed(n, 1) FROM new_rows n;'),
    replace(replace(statement, '{versions}', format('SELECT %s, 1 AS s FROM new_rows n', format(columns, 'n'))), '{writer}', 'pg_backend_pid()'));
  EXECUTE format(trigger_function, 'manual_dashboard_days_deleted',
    format(one_row, 'old_rows', 'PERFORM manual_dashboard_day_label_changed(o, -1) FROM old_rows o;'),
    replace(replace(statement, '{versions}', format('SELECT %s, -1 AS s FROM old_rows o', format(columns, 'o'))), '{writer}', 'pg_backend_pid()'));
  -- An edit is the label as it was taken away and as it is added; nothing to do when no column
  -- counted here changed (a review's note, a comment).
  EXECUTE format(trigger_function, 'manual_dashboard_days_updated',
    format($skip$IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (%s) IS DISTINCT FROM (%s)) THEN RETURN NULL; END IF;
      %s$skip$,
      format(columns, 'o'), format(columns, 'n'),
      format(one_row, 'new_rows', 'PERFORM manual_dashboard_day_label_changed(o, -1) FROM old_rows o; PERFORM manual_dashboard_day_label_changed(n, 1) FROM new_rows n;')),
    replace(replace(statement, '{versions}',
      format('SELECT %s, -1 AS s FROM old_rows o UNION ALL SELECT %s, 1 FROM new_rows n', format(columns, 'o'), format(columns, 'n'))), '{writer}', 'pg_backend_pid()'));
  -- Counting from scratch: every label (or one import's, whose pairs have no other labels) as added.
  EXECUTE format($f$
    CREATE FUNCTION manual_dashboard_count_days(p_import TEXT) RETURNS void LANGUAGE plpgsql SET enable_nestloop = off AS $body$
    BEGIN
      %s;
    END;
    $body$;$f$,
    replace(replace(statement, '{versions}',
      format('SELECT %s, 1 AS s FROM "Comparison" c WHERE p_import IS NULL OR c."importId" = p_import', format(columns, 'c'))),
      '{writer}', 'CASE WHEN p_import IS NULL THEN 0 ELSE pg_backend_pid() END'));
END;
$do$;

DROP TABLE dashboard_days_statement;

CREATE TRIGGER manual_dashboard_days_inserted AFTER INSERT ON "Comparison"
REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION manual_dashboard_days_inserted();
CREATE TRIGGER manual_dashboard_days_deleted AFTER DELETE ON "Comparison"
REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION manual_dashboard_days_deleted();
CREATE TRIGGER manual_dashboard_days_updated AFTER UPDATE ON "Comparison"
REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION manual_dashboard_days_updated();

-- Folds the day configurations transactions wrote into writer 0 (as manual_dashboard_compact
-- does the other tallies), and drops those that count no pair.
CREATE FUNCTION manual_dashboard_compact_days() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT pg_try_advisory_xact_lock(hashtext('manual_dashboard_compact_days')) THEN
    RETURN;
  END IF;
  WITH moved AS (
    DELETE FROM "DashboardDayPairConfig" t
    WHERE t.ctid = ANY (ARRAY(SELECT ctid FROM "DashboardDayPairConfig" WHERE writer <> 0 OR pairs = 0 FOR UPDATE SKIP LOCKED))
    RETURNING t.*
  )
  INSERT INTO "DashboardDayPairConfig" AS t ("batchId", protocol, "importId", day, config, writer, pairs)
  SELECT "batchId", protocol, "importId", day, config, 0, sum(pairs) FROM moved GROUP BY 1, 2, 3, 4, 5 HAVING sum(pairs) <> 0
  ON CONFLICT ("batchId", protocol, "importId", day, config, writer) DO UPDATE SET pairs = t.pairs + excluded.pairs;
END;
$$;

CREATE OR REPLACE FUNCTION manual_dashboard_ready() RETURNS BOOLEAN LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT stale FROM "DashboardTallyState" WHERE id = 1) THEN
    RAISE EXCEPTION 'dashboard tallies are stale' USING ERRCODE = 'DT001';
  END IF;
  PERFORM manual_dashboard_compact();
  PERFORM manual_dashboard_compact_days();
  RETURN true;
END;
$$;

-- An import written without row triggers counts these too.
CREATE OR REPLACE FUNCTION manual_dashboard_count_import(p_import TEXT, p_batch TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  PERFORM manual_dashboard_count(p_import);
  PERFORM manual_dashboard_count_days(p_import);
  INSERT INTO "DashboardBatchPairs" AS t ("batchId", writer, pairs, "requiredAnnotations", "annotationCount")
  SELECT "batchId", pg_backend_pid(), count(*), sum("requiredAnnotations"), sum("annotationCount") FROM "Pair" WHERE "batchId" = p_batch GROUP BY 1
  ON CONFLICT ("batchId", writer) DO UPDATE SET pairs = t.pairs + excluded.pairs,
    "requiredAnnotations" = t."requiredAnnotations" + excluded."requiredAnnotations", "annotationCount" = t."annotationCount" + excluded."annotationCount";
END;
$$;

-- The recount counts these too.
CREATE OR REPLACE FUNCTION manual_dashboard_rebuild(p_always BOOLEAN) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE "DashboardTally", "DashboardPairConfig", "DashboardTimeOnTask", "DashboardAnnotatorTimeOnTask", "DashboardBatchPairs",
             "DashboardMedianCache", "DashboardPairDay", "DashboardDayPairConfig", "DashboardDayTimeOnTask", "DashboardDayBatchTimes"
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
  INSERT INTO "DashboardBatchPairs" ("batchId", writer, pairs, "requiredAnnotations", "annotationCount")
  SELECT "batchId", 0, count(*), sum("requiredAnnotations"), sum("annotationCount") FROM "Pair" GROUP BY 1;
  UPDATE "DashboardTallyState" SET stale = false WHERE id = 1;
END;
$$;

SELECT manual_dashboard_count_days(NULL);

-- Medians are kept for views with dates too; a row not saved again for a day is dropped (by the
-- reads that save others), so views once looked at do not pile up.
-- AlterTable
ALTER TABLE "DashboardMedianCache" ADD COLUMN "savedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- CreateIndex
CREATE INDEX "DashboardMedianCache_savedAt_idx" ON "DashboardMedianCache"("savedAt");
