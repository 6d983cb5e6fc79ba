-- Every statement of the dashboard calls manual_dashboard_ready, and most find nothing to fold:
-- the folds then cost more than the reads (each a few data-modifying statements, each opening
-- its tables and their indexes). They run only when a writer's row is there to fold, which the
-- partial indexes on the unfolded rows answer at once.
CREATE INDEX "manual_dashboard_day_pair_config_unfolded" ON "DashboardDayPairConfig" (writer) WHERE writer <> 0 OR pairs = 0;

-- As before (20261203010000_dashboard_days), with the folds skipped when there is nothing to fold.
CREATE OR REPLACE FUNCTION manual_dashboard_ready() RETURNS BOOLEAN LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT stale FROM "DashboardTallyState" WHERE id = 1) THEN
    RAISE EXCEPTION 'dashboard tallies are stale' USING ERRCODE = 'DT001';
  END IF;
  IF EXISTS (SELECT 1 FROM "DashboardTally" WHERE writer <> 0)
     OR EXISTS (SELECT 1 FROM "DashboardPairConfig" WHERE writer <> 0)
     OR EXISTS (SELECT 1 FROM "DashboardBatchPairs" WHERE writer <> 0) THEN
    PERFORM manual_dashboard_compact();
  END IF;
  IF EXISTS (SELECT 1 FROM "DashboardDayPairConfig" WHERE writer <> 0 OR pairs = 0) THEN
    PERFORM manual_dashboard_compact_days();
  END IF;
  RETURN true;
END;
$$;
