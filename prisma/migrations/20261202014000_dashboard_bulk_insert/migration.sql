-- The tally triggers' bulk path joins the statement's new rows instead of probing them once
-- per label of the pairs it touches (a statement of a million rows spent hours there). The
-- statement is the one of 20261202013000_dashboard_read_paths; only its label versions change.
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
    SELECT "annotatorId", source, manual_dashboard_time_bucket("timeOnTaskMs"), "batchId", protocol, sum(s),
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
    CREATE OR REPLACE FUNCTION %I() RETURNS trigger LANGUAGE plpgsql AS $body$
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
END;
$do$;

DROP TABLE dashboard_tally_statement;
DROP TABLE dashboard_tally_columns;
