-- The time-on-task buckets per batch and protocol are four of the annotator's buckets wide:
-- a batch's view reads a quarter of the rows to find where its medians lie, and each bucket's
-- values (still at most 200) give the value itself. The annotators' buckets over everything
-- stay as they are (the unfiltered median reads the labels of one of them from the index).
CREATE FUNCTION manual_dashboard_cell_bucket(ms INTEGER) RETURNS SMALLINT
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (manual_dashboard_time_bucket(ms) / 4)::smallint;

-- The tally statement (that of 20261202014000_dashboard_bulk_insert, its batch buckets four
-- wide) and the functions made from it, planned without nested loops as before.
CREATE TEMPORARY TABLE dashboard_tally_statement (sql TEXT NOT NULL);
INSERT INTO dashboard_tally_statement VALUES ($statement$
  WITH v AS MATERIALIZED ({versions}),
  info AS MATERIALIZED (
    SELECT p.id AS "pairId", p."batchId", pr.protocol
    FROM "Pair" p JOIN "Prompt" pr ON pr.id = p."promptId"
    WHERE p.id IN (SELECT v."pairId" FROM v)
  ),
  lost AS (
    -- Labels of pairs that are gone: their batch and protocol are unknown now.
    UPDATE "DashboardTallyState" SET stale = true
    WHERE id = 1 AND EXISTS (SELECT 1 FROM v WHERE NOT EXISTS (SELECT 1 FROM info i WHERE i."pairId" = v."pairId"))
  ),
  votes AS MATERIALIZED (
    -- Each version with the A and B votes of its pair before and after (labels of the same
    -- source only: the team's, or one import's), and its point on the 8-point scale.
    SELECT v.*, i."batchId", i.protocol, coalesce(v."importId", '') AS source,
           v.in_after::int - v.in_before::int AS s,
           CASE v.strength WHEN 'SIGNIFICANTLY_BETTER' THEN 0 WHEN 'BETTER' THEN 1 WHEN 'SLIGHTLY_BETTER' THEN 2 ELSE 3 END AS rank,
           count(*) FILTER (WHERE v.in_before AND v.chosen = 'A') OVER pair AS a_before,
           count(*) FILTER (WHERE v.in_before AND v.chosen = 'B') OVER pair AS b_before,
           count(*) FILTER (WHERE v.in_after AND v.chosen = 'A') OVER pair AS a_after,
           count(*) FILTER (WHERE v.in_after AND v.chosen = 'B') OVER pair AS b_after
    FROM v JOIN info i ON i."pairId" = v."pairId"
    WINDOW pair AS (PARTITION BY v."pairId", v."importId")
  ),
  scored AS (
    -- Agreement with the others' majority (stats.ts): the other labels' votes, before and after.
    SELECT x.*,
           x.in_before AND x."annotatorId" IS NOT NULL AND x.oa_before <> x.ob_before AS scored_before,
           x.in_before AND x."annotatorId" IS NOT NULL AND x.oa_before <> x.ob_before
             AND x.chosen = (CASE WHEN x.oa_before > x.ob_before THEN 'A' ELSE 'B' END)::"Side" AS matched_before,
           x.in_after AND x."annotatorId" IS NOT NULL AND x.oa_after <> x.ob_after AS scored_after,
           x.in_after AND x."annotatorId" IS NOT NULL AND x.oa_after <> x.ob_after
             AND x.chosen = (CASE WHEN x.oa_after > x.ob_after THEN 'A' ELSE 'B' END)::"Side" AS matched_after
    FROM (SELECT votes.*,
                 votes.a_before - (votes.chosen = 'A')::int AS oa_before, votes.b_before - (votes.chosen = 'B')::int AS ob_before,
                 votes.a_after - (votes.chosen = 'A')::int AS oa_after, votes.b_after - (votes.chosen = 'B')::int AS ob_after
          FROM votes) x
  ),
  time_on_task AS (
    -- The bucket's values follow added labels; a bucket that loses labels in bulk (or grows
    -- past 200) keeps its count only, and its median is read from the index on Comparison.
    INSERT INTO "DashboardTimeOnTask" AS t ("annotatorId", "importId", bucket, "batchId", protocol, labels, "timesOnTask")
    SELECT "annotatorId", source, manual_dashboard_cell_bucket("timeOnTaskMs"), "batchId", protocol, sum(s),
           CASE WHEN bool_and(s > 0) AND count(*) <= 200 THEN array_agg("timeOnTaskMs") END
    FROM votes WHERE s <> 0 AND "annotatorId" IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5
    ON CONFLICT ("annotatorId", "importId", bucket, "batchId", protocol) DO UPDATE SET
      labels = t.labels + excluded.labels,
      "timesOnTask" = CASE WHEN cardinality(t."timesOnTask") + cardinality(excluded."timesOnTask") <= 200 THEN t."timesOnTask" || excluded."timesOnTask" END
  ),
  annotator_time_on_task AS (
    INSERT INTO "DashboardAnnotatorTimeOnTask" AS t ("annotatorId", "importId", bucket, labels)
    SELECT "annotatorId", source, manual_dashboard_time_bucket("timeOnTaskMs"), sum(s)
    FROM votes WHERE s <> 0 AND "annotatorId" IS NOT NULL
    GROUP BY 1, 2, 3
    ON CONFLICT ("annotatorId", "importId", bucket) DO UPDATE SET labels = t.labels + excluded.labels
  ),
  configs AS (
    SELECT "batchId", protocol, source,
           count(*) FILTER (WHERE in_before) AS n_before, count(*) FILTER (WHERE in_after) AS n_after,
           coalesce(sum(manual_dashboard_config_unit(chosen, strength)) FILTER (WHERE in_before), 0)::text AS config_before,
           coalesce(sum(manual_dashboard_config_unit(chosen, strength)) FILTER (WHERE in_after), 0)::text AS config_after
    FROM votes
    GROUP BY "pairId", "batchId", protocol, source
  ),
  pair_configs AS (
    INSERT INTO "DashboardPairConfig" AS t ("batchId", protocol, "importId", config, writer, pairs)
    SELECT "batchId", protocol, source, config, {writer}, sum(d)
    FROM (SELECT "batchId", protocol, source, config_before AS config, -1 AS d FROM configs WHERE n_before >= 2
          UNION ALL
          SELECT "batchId", protocol, source, config_after, 1 FROM configs WHERE n_after >= 2) c
    GROUP BY 1, 2, 3, 4
    HAVING sum(d) <> 0
    ON CONFLICT ("batchId", protocol, "importId", config, writer) DO UPDATE SET pairs = t.pairs + excluded.pairs
  )
  INSERT INTO "DashboardTally" AS t
    ("batchId", day, protocol, "annotatorId", "importId", writer, comparisons, "significantlyBetter", better, "slightlyBetter",
     "negligiblyBetter", "safetyLabelled", "chosenSafeOtherUnsafe", "bothSafe", "bothUnsafe", "leftChosen", "agreementScored", "agreementMatched")
  SELECT "batchId", "createdAt"::date, protocol, coalesce("annotatorId", ''), source, {writer},
         sum(s), sum(s * (rank = 0)::int), sum(s * (rank = 1)::int), sum(s * (rank = 2)::int), sum(s * (rank = 3)::int),
         sum(s * ("safetyLabel" IS NOT NULL)::int), sum(s * ("safetyLabel" IS NOT DISTINCT FROM 'CHOSEN_SAFE_OTHER_UNSAFE')::int),
         sum(s * ("safetyLabel" IS NOT DISTINCT FROM 'BOTH_SAFE')::int), sum(s * ("safetyLabel" IS NOT DISTINCT FROM 'BOTH_UNSAFE')::int), sum(s * (chosen = "leftSide")::int),
         sum(scored_after::int - scored_before::int), sum(matched_after::int - matched_before::int)
  FROM scored
  WHERE s <> 0 OR scored_after <> scored_before OR matched_after <> matched_before
  GROUP BY 1, 2, 3, 4, 5
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
    "agreementMatched" = t."agreementMatched" + excluded."agreementMatched"
$statement$);


-- One label added or taken away (submit, undo): its bucket's values too.
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
BEGIN
  SELECT p."batchId", pr.protocol INTO v_batch, v_protocol FROM "Pair" p JOIN "Prompt" pr ON pr.id = p."promptId" WHERE p.id = c."pairId";
  IF NOT FOUND THEN
    UPDATE "DashboardTallyState" SET stale = true WHERE id = 1;
    RETURN;
  END IF;
  SELECT count(*), count(*) FILTER (WHERE o.chosen = 'A'), coalesce(sum(manual_dashboard_config_unit(o.chosen, o.strength)), 0)
    INTO v_n, v_a, v_config
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

-- The columns of a label version.
CREATE TEMPORARY TABLE dashboard_tally_columns (sql TEXT NOT NULL);
INSERT INTO dashboard_tally_columns VALUES
  ('%1$s.id, %1$s."pairId", %1$s."annotatorId", %1$s."importId", %1$s.chosen, %1$s.strength, %1$s."safetyLabel", %1$s."leftSide", %1$s."timeOnTaskMs", %1$s."createdAt"');

DO $do$
DECLARE
  statement TEXT := (SELECT sql FROM dashboard_tally_statement);
  columns TEXT := (SELECT sql FROM dashboard_tally_columns);
  now_labels TEXT := format('SELECT %s, %%s AS in_before, true AS in_after FROM "Comparison" c %%s WHERE c."pairId" IN (%%s)', format(columns, 'c'));
  old_labels TEXT := format('SELECT %s, true, false FROM old_rows o', format(columns, 'o'));
  -- A join, not a subquery per label: a statement may insert a million rows.
  inserted TEXT := 'n.id IS NULL';
  with_new TEXT := 'LEFT JOIN new_rows n ON n.id = c.id';
  function TEXT := $f$
    CREATE OR REPLACE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql SET enable_nestloop = off AS $body$
    BEGIN
      %s
      %s;
      RETURN NULL;
    END;
    $body$;$f$;
  tally TEXT;
BEGIN
  -- Inserted: the pairs' labels now, those of the statement new.
  tally := replace(replace(statement, '{versions}', format(now_labels, inserted, with_new, 'SELECT "pairId" FROM new_rows')), '{writer}', 'pg_backend_pid()');
  EXECUTE format(function, 'manual_dashboard_comparisons_inserted',
    'IF (SELECT count(*) FROM (SELECT FROM new_rows LIMIT 2) x) = 1 THEN PERFORM manual_dashboard_label_changed(n, 1) FROM new_rows n; RETURN NULL; END IF;',
    tally);
  -- Deleted: the pairs' labels now, and the deleted ones as they were.
  tally := replace(replace(statement, '{versions}', format(now_labels, 'true', '', 'SELECT "pairId" FROM old_rows') || ' UNION ALL ' || old_labels), '{writer}', 'pg_backend_pid()');
  EXECUTE format(function, 'manual_dashboard_comparisons_deleted',
    'IF (SELECT count(*) FROM (SELECT FROM old_rows LIMIT 2) x) = 1 THEN PERFORM manual_dashboard_label_changed(o, -1) FROM old_rows o; RETURN NULL; END IF;',
    tally);
  -- Updated: the pairs' labels now (the updated ones as they are now), and the updated ones as
  -- they were. Nothing to do when no tallied column changed (a review's note, a comment).
  tally := replace(replace(statement, '{versions}',
             format(now_labels, inserted, with_new, 'SELECT "pairId" FROM new_rows UNION SELECT "pairId" FROM old_rows') || ' UNION ALL ' || old_labels),
           '{writer}', 'pg_backend_pid()');
  EXECUTE format(function, 'manual_dashboard_comparisons_updated',
    format($skip$IF NOT EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (%s) IS DISTINCT FROM (%s)) THEN RETURN NULL; END IF;$skip$,
           format(columns, 'o'), format(columns, 'n')),
    tally);
  -- Counting from scratch: every label of the comparisons chosen, as new (all of them, or one
  -- import's, whose pairs carry no other labels).
  tally := replace(replace(statement, '{versions}',
             format('SELECT %s, false AS in_before, true AS in_after FROM "Comparison" c WHERE p_import IS NULL OR c."importId" = p_import', format(columns, 'c'))),
           '{writer}', 'CASE WHEN p_import IS NULL THEN 0 ELSE pg_backend_pid() END');
  EXECUTE format($f$
    CREATE OR REPLACE FUNCTION manual_dashboard_count(p_import TEXT) RETURNS void LANGUAGE plpgsql SET enable_nestloop = off AS $body$
    BEGIN
      %s;
    END;
    $body$;$f$, tally);
END;
$do$;

DROP TABLE dashboard_tally_statement;
DROP TABLE dashboard_tally_columns;

-- Counted again with the wider buckets.
SELECT manual_dashboard_rebuild(true);
