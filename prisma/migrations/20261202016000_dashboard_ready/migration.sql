-- A dashboard read checks and folds the tallies inside its own statement (no round trip of
-- its own): this raises when they are stale (the reader counts them again and reads once
-- more), else folds the rows writers left and is true.
CREATE FUNCTION manual_dashboard_ready() RETURNS BOOLEAN LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT stale FROM "DashboardTallyState" WHERE id = 1) THEN
    RAISE EXCEPTION 'dashboard tallies are stale' USING ERRCODE = 'DT001';
  END IF;
  PERFORM manual_dashboard_compact();
  RETURN true;
END;
$$;
