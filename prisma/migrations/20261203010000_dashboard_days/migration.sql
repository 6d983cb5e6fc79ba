-- The dashboard's views with dates, from tallies instead of the labels in range:
-- - agreement over a range is over each pair's labels in it: pairs whose labels all fall on one
--   day are counted by that day and their configuration (DashboardDayPairConfig); the pairs
--   spread over several days keep their labels per day (DashboardPairDay), read pair by pair;
-- - an annotator's median over a range: their time-on-task buckets per day and protocol
--   (DashboardDayTimeOnTask), or under batches or rounds their times per day, batch and
--   protocol (DashboardDayBatchTimes).
-- Kept by triggers of their own beside the other tallies'; a pair's state is read from its
-- labels (a few rows by the pair's index). A change the other tallies cannot follow (a pair
-- gone or moved, a prompt's protocol changed) marks them all stale, and the recount counts
-- these too.

-- CreateTable
CREATE TABLE "DashboardPairDay" (
    "pairId" TEXT NOT NULL,
    "importId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "batchId" TEXT NOT NULL,
    "protocol" "Protocol" NOT NULL,
    "labels" INTEGER NOT NULL,
    "config" DECIMAL(50,0) NOT NULL,

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

-- CreateIndex
CREATE INDEX "DashboardPairDay_day_idx" ON "DashboardPairDay"("day");

-- Rows are rewritten in place as labels come (room for the new versions on their own page).
ALTER TABLE "DashboardDayPairConfig" SET (fillfactor = 70);
ALTER TABLE "DashboardDayTimeOnTask" SET (fillfactor = 70);
ALTER TABLE "DashboardDayBatchTimes" SET (fillfactor = 70);

-- One label added or taken away (submit, undo): the other tallies' function for one label
-- (20261202018000_dashboard_batch_buckets) counts the day tallies too, from the pair and the
-- other labels it reads already, and now locks the pair's row as it reads it.
CREATE OR REPLACE FUNCTION manual_dashboard_label_changed(c "Comparison", sign INTEGER) RETURNS void LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan SET enable_nestloop = on AS $$
DECLARE
  v_batch TEXT;
  v_protocol "Protocol";
  v_source TEXT := coalesce(c."importId", '');
  v_writer INTEGER := pg_backend_pid();
  v_rank INTEGER := CASE c.strength WHEN 'SIGNIFICANTLY_BETTER' THEN 0 WHEN 'BETTER' THEN 1 WHEN 'SLIGHTLY_BETTER' THEN 2 ELSE 3 END;
  v_a_chosen BOOLEAN := c.chosen = 'A';
  v_n INTEGER;
  v_a INTEGER;
  v_b INTEGER;
  v_config NUMERIC;
  v_scored BOOLEAN;
  v_safety TEXT := c."safetyLabel"::text;
  v_day DATE := c."createdAt"::date;
  v_unit NUMERIC := manual_dashboard_config_unit(c.chosen, c.strength);
  v_other_days INTEGER;
  v_other_day DATE;
  v_on_its_day BOOLEAN;
  b_days INTEGER; b_labels INTEGER; b_config NUMERIC; b_day DATE;
  a_days INTEGER; a_labels INTEGER; a_config NUMERIC; a_day DATE;
BEGIN
  -- The pair's row is locked (submit and undo hold it already), so its labels are read as they
  -- are: two changes to one pair are never counted from the same state.
  SELECT p."batchId", pr.protocol INTO v_batch, v_protocol
  FROM "Pair" p JOIN "Prompt" pr ON pr.id = p."promptId" WHERE p.id = c."pairId" FOR NO KEY UPDATE OF p;
  IF NOT FOUND THEN
    UPDATE "DashboardTallyState" SET stale = true WHERE id = 1;
    RETURN;
  END IF;
  SELECT count(*), count(*) FILTER (WHERE o.chosen = 'A'), coalesce(sum(manual_dashboard_config_unit(o.chosen, o.strength)), 0),
         count(DISTINCT o."createdAt"::date), min(o."createdAt"::date), coalesce(bool_or(o."createdAt"::date = v_day), false)
    INTO v_n, v_a, v_config, v_other_days, v_other_day, v_on_its_day
    FROM "Comparison" o
    WHERE o."pairId" = c."pairId" AND o.id <> c.id AND o."importId" IS NOT DISTINCT FROM c."importId";
  v_b := v_n - v_a;
  v_scored := c."annotatorId" IS NOT NULL AND v_a <> v_b;
  INSERT INTO "DashboardTally" AS t
    ("batchId", day, protocol, "annotatorId", "importId", writer, comparisons, "significantlyBetter", better, "slightlyBetter",
     "negligiblyBetter", "safetyLabelled", "chosenSafeOtherUnsafe", "bothSafe", "bothUnsafe", "leftChosen", "agreementScored", "agreementMatched")
  VALUES (v_batch, c."createdAt"::date, v_protocol, coalesce(c."annotatorId", ''), v_source, v_writer, sign,
          CASE WHEN v_rank = 0 THEN sign ELSE 0 END, CASE WHEN v_rank = 1 THEN sign ELSE 0 END,
          CASE WHEN v_rank = 2 THEN sign ELSE 0 END, CASE WHEN v_rank = 3 THEN sign ELSE 0 END,
          CASE WHEN v_safety IS NOT NULL THEN sign ELSE 0 END, CASE WHEN v_safety = 'CHOSEN_SAFE_OTHER_UNSAFE' THEN sign ELSE 0 END,
          CASE WHEN v_safety = 'BOTH_SAFE' THEN sign ELSE 0 END, CASE WHEN v_safety = 'BOTH_UNSAFE' THEN sign ELSE 0 END,
          CASE WHEN c.chosen = c."leftSide" THEN sign ELSE 0 END,
          CASE WHEN v_scored THEN sign ELSE 0 END,
          CASE WHEN v_scored AND v_a_chosen = (v_a > v_b) THEN sign ELSE 0 END)
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

  IF c."annotatorId" IS NOT NULL AND sign > 0 THEN
    INSERT INTO "DashboardTimeOnTask" AS t ("annotatorId", "importId", bucket, "batchId", protocol, labels, "timesOnTask")
    VALUES (c."annotatorId", v_source, manual_dashboard_cell_bucket(c."timeOnTaskMs"), v_batch, v_protocol, 1, ARRAY[c."timeOnTaskMs"])
    ON CONFLICT ("annotatorId", "importId", bucket, "batchId", protocol) DO UPDATE SET
      labels = t.labels + 1,
      "timesOnTask" = CASE WHEN cardinality(t."timesOnTask") < 200 THEN t."timesOnTask" || c."timeOnTaskMs" END;
    INSERT INTO "DashboardAnnotatorTimeOnTask" AS t ("annotatorId", "importId", bucket, labels)
    VALUES (c."annotatorId", v_source, manual_dashboard_time_bucket(c."timeOnTaskMs"), 1)
    ON CONFLICT ("annotatorId", "importId", bucket) DO UPDATE SET labels = t.labels + 1;
  ELSIF c."annotatorId" IS NOT NULL THEN
    UPDATE "DashboardAnnotatorTimeOnTask" t SET labels = t.labels - 1
    WHERE t."annotatorId" = c."annotatorId" AND t."importId" = v_source AND t.bucket = manual_dashboard_time_bucket(c."timeOnTaskMs");
    UPDATE "DashboardTimeOnTask" t SET
      labels = t.labels - 1,
      "timesOnTask" = t."timesOnTask"[:array_position(t."timesOnTask", c."timeOnTaskMs") - 1]
                      || t."timesOnTask"[array_position(t."timesOnTask", c."timeOnTaskMs") + 1:]
    WHERE t."annotatorId" = c."annotatorId" AND t."importId" = v_source AND t.bucket = manual_dashboard_cell_bucket(c."timeOnTaskMs")
      AND t."batchId" = v_batch AND t.protocol = v_protocol;
  END IF;

  -- The day tallies (20261203010000_dashboard_days): the pair without this label (the other
  -- labels) and with it, as it was before the change and as it is after.
  IF sign > 0 THEN
    b_days := v_other_days; b_labels := v_n; b_config := v_config; b_day := v_other_day;
    a_days := v_other_days + CASE WHEN v_on_its_day THEN 0 ELSE 1 END; a_labels := v_n + 1; a_config := v_config + v_unit;
    a_day := least(v_other_day, v_day);
  ELSE
    a_days := v_other_days; a_labels := v_n; a_config := v_config; a_day := v_other_day;
    b_days := v_other_days + CASE WHEN v_on_its_day THEN 0 ELSE 1 END; b_labels := v_n + 1; b_config := v_config + v_unit;
    b_day := least(v_other_day, v_day);
  END IF;
  -- The pair leaves its day's configuration and takes its new one, while it is on one day.
  IF b_days = 1 AND b_labels >= 2 THEN
    INSERT INTO "DashboardDayPairConfig" AS t ("batchId", protocol, "importId", day, config, writer, pairs)
    VALUES (v_batch, v_protocol, v_source, b_day, b_config, v_writer, -1)
    ON CONFLICT ("batchId", protocol, "importId", day, config, writer) DO UPDATE SET pairs = t.pairs + excluded.pairs;
  END IF;
  IF a_days = 1 AND a_labels >= 2 THEN
    INSERT INTO "DashboardDayPairConfig" AS t ("batchId", protocol, "importId", day, config, writer, pairs)
    VALUES (v_batch, v_protocol, v_source, a_day, a_config, v_writer, 1)
    ON CONFLICT ("batchId", protocol, "importId", day, config, writer) DO UPDATE SET pairs = t.pairs + excluded.pairs;
  END IF;
  -- A pair on several days keeps its labels per day.
  IF b_days > 1 OR a_days > 1 THEN
    DELETE FROM "DashboardPairDay" t WHERE t."pairId" = c."pairId" AND t."importId" = v_source;
    INSERT INTO "DashboardPairDay" ("pairId", "importId", day, "batchId", protocol, labels, config)
    SELECT c."pairId", v_source, o."createdAt"::date, v_batch, v_protocol, count(*), sum(manual_dashboard_config_unit(o.chosen, o.strength))
    FROM "Comparison" o
    WHERE a_days > 1 AND o."pairId" = c."pairId" AND o."importId" IS NOT DISTINCT FROM c."importId" AND (sign > 0 OR o.id <> c.id)
    GROUP BY o."createdAt"::date;
  END IF;
  IF c."annotatorId" IS NOT NULL AND sign > 0 THEN
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
  ELSIF c."annotatorId" IS NOT NULL THEN
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

  IF v_n = 0 THEN
    RETURN;
  END IF;
  -- The pair goes from its configuration without this label to the one with it (or back).
  INSERT INTO "DashboardPairConfig" AS t ("batchId", protocol, "importId", config, writer, pairs)
  VALUES (v_batch, v_protocol, v_source, (v_config + manual_dashboard_config_unit(c.chosen, c.strength))::text, v_writer, sign)
  ON CONFLICT ("batchId", protocol, "importId", config, writer) DO UPDATE SET pairs = t.pairs + excluded.pairs;
  IF v_n >= 2 THEN
    INSERT INTO "DashboardPairConfig" AS t ("batchId", protocol, "importId", config, writer, pairs)
    VALUES (v_batch, v_protocol, v_source, v_config::text, v_writer, -sign)
    ON CONFLICT ("batchId", protocol, "importId", config, writer) DO UPDATE SET pairs = t.pairs + excluded.pairs;
  END IF;

  -- The other labels' standing against the rest, with this label and without it.
  INSERT INTO "DashboardTally" AS t ("batchId", day, protocol, "annotatorId", "importId", writer, "agreementScored", "agreementMatched")
  SELECT v_batch, y.day, v_protocol, y."annotatorId", v_source, v_writer, sum(sign * (y.scored_with::int - y.scored_without::int)),
         sum(sign * ((y.scored_with AND y.a_chosen = y.a_leads_with)::int - (y.scored_without AND y.a_chosen = y.a_leads_without)::int))
  FROM (SELECT o."annotatorId", o."createdAt"::date AS day, o.chosen = 'A' AS a_chosen,
               x.oa + x.ca <> x.ob + 1 - x.ca AS scored_with, x.oa + x.ca > x.ob + 1 - x.ca AS a_leads_with,
               x.oa <> x.ob AS scored_without, x.oa > x.ob AS a_leads_without
        FROM "Comparison" o,
             LATERAL (SELECT v_a - (o.chosen = 'A')::int AS oa, v_b - (o.chosen = 'B')::int AS ob, v_a_chosen::int AS ca) x
        WHERE o."pairId" = c."pairId" AND o.id <> c.id AND o."importId" IS NOT DISTINCT FROM c."importId" AND o."annotatorId" IS NOT NULL) y
  WHERE y.scored_with <> y.scored_without OR (y.scored_with AND y.a_chosen = y.a_leads_with) <> (y.scored_without AND y.a_chosen = y.a_leads_without)
  GROUP BY y."annotatorId", y.day
  ON CONFLICT ("batchId", day, protocol, "annotatorId", "importId", writer) DO UPDATE SET
    "agreementScored" = t."agreementScored" + excluded."agreementScored",
    "agreementMatched" = t."agreementMatched" + excluded."agreementMatched";
END;
$$;


-- The statement for many label versions at once ({versions}: every label of the pairs a change
-- touches as it was before the change (was) and as it is after (now), as the other tallies'
-- statement takes them), planned for many rows (hash joins). Only pairs with two labels or
-- more, and only labels of annotators, are joined to their pairs. Each row is written by one
-- part of the statement only. A bucket that loses labels this way (or grows past its limit)
-- keeps its count only, and a median that lies in it is read from the labels.
CREATE TEMPORARY TABLE dashboard_days_statement (sql TEXT NOT NULL);
INSERT INTO dashboard_days_statement VALUES ($statement$
  WITH v AS MATERIALIZED (
    SELECT y.*, coalesce(y."importId", '') AS source, y."createdAt"::date AS day, manual_dashboard_config_unit(y.chosen, y.strength) AS unit,
           y.now::int - y.was::int AS s
    FROM ({versions}) y
  ),
  states AS MATERIALIZED (
    SELECT "pairId", source,
           count(DISTINCT day) FILTER (WHERE was) AS b_days, count(*) FILTER (WHERE was) AS b_labels,
           coalesce(sum(unit) FILTER (WHERE was), 0) AS b_config, min(day) FILTER (WHERE was) AS b_day,
           count(DISTINCT day) FILTER (WHERE now) AS a_days, count(*) FILTER (WHERE now) AS a_labels,
           coalesce(sum(unit) FILTER (WHERE now), 0) AS a_config, min(day) FILTER (WHERE now) AS a_day
    FROM v
    GROUP BY 1, 2
    HAVING count(*) FILTER (WHERE was) >= 2 OR count(*) FILTER (WHERE now) >= 2
  ),
  pairs AS MATERIALIZED (
    SELECT st.*, p."batchId", pr.protocol
    FROM states st JOIN "Pair" p ON p.id = st."pairId" JOIN "Prompt" pr ON pr.id = p."promptId"
  ),
  day_configs AS (
    INSERT INTO "DashboardDayPairConfig" AS t ("batchId", protocol, "importId", day, config, writer, pairs)
    SELECT "batchId", protocol, source, day, config, {writer}, sum(d)
    FROM (SELECT "batchId", protocol, source, b_day AS day, b_config AS config, -1 AS d FROM pairs WHERE b_days = 1 AND b_labels >= 2
          UNION ALL
          SELECT "batchId", protocol, source, a_day, a_config, 1 FROM pairs WHERE a_days = 1 AND a_labels >= 2) y
    GROUP BY 1, 2, 3, 4, 5
    HAVING sum(d) <> 0
    ON CONFLICT ("batchId", protocol, "importId", day, config, writer) DO UPDATE SET pairs = t.pairs + excluded.pairs
  ),
  spread_now AS MATERIALIZED (
    SELECT v."pairId", v.source, v.day, p."batchId", p.protocol, count(*)::int AS labels, sum(v.unit) AS config
    FROM v JOIN pairs p ON p."pairId" = v."pairId" AND p.source = v.source
    WHERE v.now AND p.a_days > 1
    GROUP BY 1, 2, 3, 4, 5
  ),
  spread_written AS (
    INSERT INTO "DashboardPairDay" AS t ("pairId", "importId", day, "batchId", protocol, labels, config)
    SELECT * FROM spread_now
    ON CONFLICT ("pairId", "importId", day) DO UPDATE SET labels = excluded.labels, config = excluded.config
  ),
  spread_gone AS (
    -- Days of spread pairs that no longer have a label, or pairs no longer spread.
    DELETE FROM "DashboardPairDay" t USING pairs p
    WHERE t."pairId" = p."pairId" AND t."importId" = p.source AND p.b_days > 1
      AND NOT EXISTS (SELECT 1 FROM spread_now n WHERE n."pairId" = t."pairId" AND n.source = t."importId" AND n.day = t.day)
  ),
  timed AS MATERIALIZED (
    SELECT v."annotatorId", v.source, v.day, v."timeOnTaskMs", v.s, p."batchId", pr.protocol
    FROM v JOIN "Pair" p ON p.id = v."pairId" JOIN "Prompt" pr ON pr.id = p."promptId"
    WHERE v.s <> 0 AND v."annotatorId" IS NOT NULL
  ),
  time_on_task AS (
    INSERT INTO "DashboardDayTimeOnTask" AS t ("annotatorId", "importId", bucket, day, protocol, labels, "timesOnTask")
    SELECT "annotatorId", source, manual_dashboard_cell_bucket("timeOnTaskMs"), day, protocol, sum(s),
           CASE WHEN bool_and(s > 0) AND count(*) <= 200 THEN array_agg("timeOnTaskMs") END
    FROM timed
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
  FROM timed
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
  columns TEXT := '%1$s.id, %1$s."pairId", %1$s."annotatorId", %1$s."importId", %1$s.chosen, %1$s.strength, %1$s."timeOnTaskMs", %1$s."createdAt"';
  -- The labels of the pairs a change touches as they are now, and whether each was there before.
  now_labels TEXT := format('SELECT %s, %%s AS was, true AS now FROM "Comparison" c %%s WHERE c."pairId" IN (%%s)', format(columns, 'c'));
  old_labels TEXT := format('SELECT %s, true, false FROM old_rows o', format(columns, 'o'));
  inserted TEXT := 'n.id IS NULL';
  with_new TEXT := 'LEFT JOIN new_rows n ON n.id = c.id';
  trigger_function TEXT := $f$
    CREATE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql SET enable_nestloop = off AS $body$
    BEGIN
      %s
      %s;
      RETURN NULL;
    END;
    $body$;$f$;
  -- One label inserted or deleted is counted by manual_dashboard_label_changed, with the other
  -- tallies; an edit, of one label or many, by the statement (as the other tallies do).
  one_row TEXT := 'IF (SELECT count(*) FROM (SELECT FROM %1$s LIMIT 2) x) = 1 THEN %2$s RETURN NULL; END IF;';
BEGIN
  EXECUTE format(trigger_function, 'manual_dashboard_days_inserted',
    format(one_row, 'new_rows', ''),
    replace(replace(statement, '{versions}', format(now_labels, inserted, with_new, 'SELECT "pairId" FROM new_rows')), '{writer}', 'pg_backend_pid()'));
  EXECUTE format(trigger_function, 'manual_dashboard_days_deleted',
    format(one_row, 'old_rows', ''),
    replace(replace(statement, '{versions}', format(now_labels, 'true', '', 'SELECT "pairId" FROM old_rows') || ' UNION ALL ' || old_labels), '{writer}', 'pg_backend_pid()'));
  -- An edit: the labels now (the edited ones as they are) and the edited ones as they were;
  -- nothing to do when no column counted here changed (a review's note, a comment).
  EXECUTE format(trigger_function, 'manual_dashboard_days_updated',
    format($skip$IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (%s) IS DISTINCT FROM (%s)) THEN RETURN NULL; END IF;$skip$,
      format(columns, 'o'), format(columns, 'n')),
    replace(replace(statement, '{versions}',
      format(now_labels, inserted, with_new, 'SELECT "pairId" FROM new_rows UNION SELECT "pairId" FROM old_rows') || ' UNION ALL ' || old_labels),
      '{writer}', 'pg_backend_pid()'));
  -- Counting from scratch: every label (or one import's, whose pairs have no other labels) as new.
  EXECUTE format($f$
    CREATE FUNCTION manual_dashboard_count_days(p_import TEXT) RETURNS void LANGUAGE plpgsql SET enable_nestloop = off AS $body$
    BEGIN
      %s;
    END;
    $body$;$f$,
    replace(replace(statement, '{versions}',
      format('SELECT %s, false AS was, true AS now FROM "Comparison" c WHERE p_import IS NULL OR c."importId" = p_import', format(columns, 'c'))),
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
