-- The queue keeps, on each pair, how many leases hold a place on it now ("leasedCount"), so a
-- lease finds a pair with room from the pair row alone: no count of leases per candidate, no
-- dynamic SQL, one row locked per lease.
--
-- A lease holds a place while it is open (not completed, not skipped) and has not lapsed. A
-- lease that expires keeps its place until it is marked lapsed ("lapsedAt"), which every call
-- of the lease function does for expired leases before it looks for a pair, so a place comes
-- back at the first lease after its expiry. A late answer on a lease that has not lapsed yet
-- still has its place; on one that has, it needs a place left (server/annotation/submit.ts).

-- AlterTable
ALTER TABLE "Pair" ADD COLUMN "leasedCount" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Assignment" ADD COLUMN "lapsedAt" TIMESTAMP(3);

-- Leases that expired before this migration have lapsed.
UPDATE "Assignment" SET "lapsedAt" = "expiresAt"
WHERE "completedAt" IS NULL AND "skippedAt" IS NULL AND "expiresAt" <= now();

UPDATE "Pair" p SET "leasedCount" = held.n
FROM (SELECT "pairId", count(*)::int AS n FROM "Assignment"
      WHERE "completedAt" IS NULL AND "skippedAt" IS NULL AND "lapsedAt" IS NULL
      GROUP BY "pairId") held
WHERE p.id = held."pairId";

-- "leasedCount" follows every change to an assignment, whoever makes it (the lease function,
-- skip, release, a lapse, a deleted user or pair, a test's own statement), but for one: a lease
-- being completed by its comparison (submit) or reopened by its undo changes the count in the
-- statement that does it, together with "annotationCount", so a labelled pair's row is written
-- once rather than twice.
CREATE FUNCTION manual_assignment_place_count() RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
  v_held_before BOOLEAN := false;
  v_held_after BOOLEAN := false;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    v_held_before := OLD."completedAt" IS NULL AND OLD."skippedAt" IS NULL AND OLD."lapsedAt" IS NULL;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    v_held_after := NEW."completedAt" IS NULL AND NEW."skippedAt" IS NULL AND NEW."lapsedAt" IS NULL;
  END IF;
  IF TG_OP = 'UPDATE' AND OLD."pairId" = NEW."pairId" THEN
    IF v_held_before <> v_held_after THEN
      UPDATE "Pair" SET "leasedCount" = "leasedCount" + CASE WHEN v_held_after THEN 1 ELSE -1 END WHERE id = NEW."pairId";
    END IF;
    RETURN NULL;
  END IF;
  IF v_held_before THEN
    UPDATE "Pair" SET "leasedCount" = "leasedCount" - 1 WHERE id = OLD."pairId";
  END IF;
  IF v_held_after THEN
    UPDATE "Pair" SET "leasedCount" = "leasedCount" + 1 WHERE id = NEW."pairId";
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER manual_assignment_place_count
AFTER INSERT OR DELETE ON "Assignment"
FOR EACH ROW EXECUTE FUNCTION manual_assignment_place_count();

-- Updates that end or reopen a lease by skip, lapse, release or renewal; a completion or its
-- undo (completedAt set or cleared) is not even queued.
CREATE TRIGGER manual_assignment_place_count_on_update
AFTER UPDATE OF "skippedAt", "lapsedAt", "pairId" ON "Assignment"
FOR EACH ROW
WHEN ((OLD."completedAt" IS NULL) = (NEW."completedAt" IS NULL)
      AND ((OLD."skippedAt" IS NULL) <> (NEW."skippedAt" IS NULL)
           OR (OLD."lapsedAt" IS NULL) <> (NEW."lapsedAt" IS NULL)
           OR OLD."pairId" <> NEW."pairId"))
EXECUTE FUNCTION manual_assignment_place_count();

-- Pairs with a place left, in queue order: full and leased-out pairs are not in the index, so
-- the lease reads only pairs it can take.
DROP INDEX "manual_pair_open_queue";
CREATE INDEX "manual_pair_open_queue" ON "Pair" ("batchId", "createdAt", "id")
  WHERE "annotationCount" + "leasedCount" < "requiredAnnotations" AND NOT "isGold" AND "removedAt" IS NULL;

-- Leases that hold a place, by expiry: the lease function's lapse pass reads the expired ones.
DROP INDEX "manual_assignment_open_leases";
CREATE INDEX "manual_assignment_held_leases" ON "Assignment" ("expiresAt")
  WHERE "completedAt" IS NULL AND "skippedAt" IS NULL AND "lapsedAt" IS NULL;

-- (This function and the lease below plan with index scans only: see "The hot path as
-- functions" further down.)
--
-- Marks up to p_limit expired leases lapsed, giving their places back. Rows another call is
-- marking are passed over; pairs are touched in id order so two calls never wait on each other
-- in a cycle.
CREATE FUNCTION manual_lapse_expired_leases(p_limit INTEGER) RETURNS INTEGER
LANGUAGE plpgsql
VOLATILE
SET enable_seqscan = off
AS $$
DECLARE
  v_lease RECORD;
  v_lapsed INTEGER := 0;
BEGIN
  FOR v_lease IN
    SELECT a.id FROM "Assignment" a
    WHERE a.id IN (
      SELECT e.id FROM "Assignment" e
      WHERE e."completedAt" IS NULL AND e."skippedAt" IS NULL AND e."lapsedAt" IS NULL AND e."expiresAt" <= now()
      ORDER BY e."expiresAt" LIMIT p_limit)
    ORDER BY a."pairId", a.id
    FOR UPDATE SKIP LOCKED
  LOOP
    UPDATE "Assignment" SET "lapsedAt" = now()
    WHERE id = v_lease.id AND "completedAt" IS NULL AND "skippedAt" IS NULL AND "lapsedAt" IS NULL AND "expiresAt" <= now();
    v_lapsed := v_lapsed + 1;
  END LOOP;
  RETURN v_lapsed;
END;
$$;

-- The lease: the annotator's open lease if they hold one, else a new lease on the first pair
-- with a place left in the open batches (higher priority first, then oldest pair first) that
-- they have never been given; with probability goldRate of that pair's batch, a gold pair of the
-- same batch they have not seen instead. No row when nothing is left.
--
-- The candidate is locked with SKIP LOCKED (concurrent annotators pass each other), and
-- PostgreSQL re-checks the place count on the row version it locked, so a place taken a moment
-- ago is never taken twice. Near the end of the queue every candidate may be locked by someone;
-- a second pass then waits for those locks. Only the pair leased is locked.
--
-- "Prompt not marked bad" and "never given to this annotator" are written as correlated scalar
-- subqueries, one primary-key or unique-index probe per candidate read: written as NOT EXISTS,
-- the planner turns them into anti-joins that scan every prompt (or every assignment of the
-- annotator) on each lease, which was most of the old lease's cost.
CREATE OR REPLACE FUNCTION manual_lease_next_pair(p_annotator TEXT, p_lease_seconds INTEGER)
RETURNS TABLE (assignment_id TEXT, pair_id TEXT, left_side "Side", expires_at TIMESTAMP(3))
LANGUAGE plpgsql
VOLATILE
-- At most one row: the query that loads the task around it is planned for one.
ROWS 1
SET enable_seqscan = off
AS $$
DECLARE
  v_assignment RECORD;
  v_batch RECORD;
  v_pair TEXT;
  v_gold TEXT;
  v_pass INTEGER;
BEGIN
  -- One lease at a time per annotator: two tabs asking at once get the same pair, not two.
  PERFORM pg_advisory_xact_lock(hashtext('lease:' || p_annotator));

  SELECT a.id, a."pairId", a."leftSide", a."expiresAt" INTO v_assignment
  FROM "Assignment" a
  JOIN "Pair" p ON p.id = a."pairId"
  JOIN "Batch" b ON b.id = p."batchId" AND b.status = 'OPEN'
  JOIN "Prompt" pr ON pr.id = p."promptId" AND pr."badAt" IS NULL
  WHERE a."annotatorId" = p_annotator AND a."completedAt" IS NULL AND a."skippedAt" IS NULL
    AND a."expiresAt" > now() AND p."removedAt" IS NULL
  ORDER BY a."leasedAt" DESC
  LIMIT 1;
  IF FOUND THEN
    RETURN QUERY SELECT v_assignment.id, v_assignment."pairId", v_assignment."leftSide", v_assignment."expiresAt";
    RETURN;
  END IF;

  PERFORM manual_lapse_expired_leases(16);

  FOR v_pass IN 1..2 LOOP
  FOR v_batch IN
    SELECT b.id, b."goldRate" FROM "Batch" b WHERE b.status = 'OPEN' ORDER BY b.priority DESC, b."createdAt", b.id
  LOOP
    v_gold := NULL;
    IF v_batch."goldRate" > 0 AND random() < v_batch."goldRate" THEN
      SELECT g.id INTO v_gold
      FROM "Pair" g
      WHERE g."batchId" = v_batch.id AND g."isGold" AND g."removedAt" IS NULL
        AND (SELECT bad."badAt" FROM "Prompt" bad WHERE bad.id = g."promptId") IS NULL
        AND (SELECT 1 FROM "Assignment" mine WHERE mine."pairId" = g.id AND mine."annotatorId" = p_annotator) IS NULL
      ORDER BY random()
      LIMIT 1;
    END IF;

    -- Gold is mixed into regular work: it is served only while the batch has a pair to give.
    IF v_gold IS NOT NULL THEN
      PERFORM 1 FROM "Pair" p
      WHERE p."batchId" = v_batch.id AND p."annotationCount" + p."leasedCount" < p."requiredAnnotations"
        AND NOT p."isGold" AND p."removedAt" IS NULL
        AND (SELECT bad."badAt" FROM "Prompt" bad WHERE bad.id = p."promptId") IS NULL
        AND (SELECT 1 FROM "Assignment" mine WHERE mine."pairId" = p.id AND mine."annotatorId" = p_annotator) IS NULL
      LIMIT 1;
      IF NOT FOUND THEN v_gold := NULL; END IF;
      v_pair := v_gold;
    ELSIF v_pass = 1 THEN
      SELECT p.id INTO v_pair
      FROM "Pair" p
      WHERE p."batchId" = v_batch.id AND p."annotationCount" + p."leasedCount" < p."requiredAnnotations"
        AND NOT p."isGold" AND p."removedAt" IS NULL
        AND (SELECT bad."badAt" FROM "Prompt" bad WHERE bad.id = p."promptId") IS NULL
        AND (SELECT 1 FROM "Assignment" mine WHERE mine."pairId" = p.id AND mine."annotatorId" = p_annotator) IS NULL
      ORDER BY p."createdAt", p.id
      LIMIT 1
      FOR UPDATE OF p SKIP LOCKED;
    ELSE
      SELECT p.id INTO v_pair
      FROM "Pair" p
      WHERE p."batchId" = v_batch.id AND p."annotationCount" + p."leasedCount" < p."requiredAnnotations"
        AND NOT p."isGold" AND p."removedAt" IS NULL
        AND (SELECT bad."badAt" FROM "Prompt" bad WHERE bad.id = p."promptId") IS NULL
        AND (SELECT 1 FROM "Assignment" mine WHERE mine."pairId" = p.id AND mine."annotatorId" = p_annotator) IS NULL
      ORDER BY p."createdAt", p.id
      LIMIT 1
      FOR UPDATE OF p;
    END IF;

    IF v_pair IS NOT NULL THEN
      INSERT INTO "Assignment" (id, "pairId", "annotatorId", "leftSide", "leasedAt", "expiresAt")
      VALUES (
        gen_random_uuid()::text,
        v_pair,
        p_annotator,
        (CASE WHEN random() < 0.5 THEN 'A' ELSE 'B' END)::"Side",
        now(),
        now() + make_interval(secs => p_lease_seconds)
      )
      RETURNING id, "pairId", "leftSide", "expiresAt" INTO v_assignment;
      RETURN QUERY SELECT v_assignment.id, v_assignment."pairId", v_assignment."leftSide", v_assignment."expiresAt";
      RETURN;
    END IF;
  END LOOP;
  END LOOP;
END;
$$;

-- The hot path as functions: a call is planned in microseconds and the statements inside are
-- planned once per connection (PL/pgSQL keeps their plans), where the same SQL sent as text was
-- planned again on every request, which cost more than running it.
--
-- A kept plan is kept while its tables grow: one made while "Assignment" held a page would scan
-- it whole on every call once it holds millions of rows. Every lookup in these functions is by
-- key or by index order, so they plan with index scans only (SET enable_seqscan = off below),
-- the right plan at every table size.

-- Everything the compare screen shows for one assignment. Which stored response goes left comes
-- from the assignment; nothing here tells which is which, or whether the pair is gold. Turns
-- are the stored texts: their roles follow from their positions (server/prompts/dialogue.ts).
CREATE TYPE manual_task_row AS (
  "assignmentId" TEXT,
  protocol TEXT,
  "systemPrompt" TEXT,
  "riskCategory" TEXT,
  turns TEXT[],
  "left" TEXT,
  "right" TEXT,
  "batchName" TEXT,
  "roundName" TEXT,
  "expiresAt" TIMESTAMP(3)
);

CREATE FUNCTION manual_task(p_assignment TEXT) RETURNS SETOF manual_task_row
LANGUAGE plpgsql
STABLE
ROWS 1
SET enable_seqscan = off
AS $$
BEGIN
  RETURN QUERY
  SELECT a.id, pr.protocol::text, pr."systemPrompt", pr."riskCategory", pr.turns,
         CASE WHEN a."leftSide" = 'A' THEN ra.text ELSE rb.text END,
         CASE WHEN a."leftSide" = 'A' THEN rb.text ELSE ra.text END,
         b.name, r.name, a."expiresAt"
  FROM "Assignment" a
  JOIN "Pair" p ON p.id = a."pairId"
  JOIN "Prompt" pr ON pr.id = p."promptId"
  JOIN "Response" ra ON ra.id = p."responseAId"
  JOIN "Response" rb ON rb.id = p."responseBId"
  JOIN "Batch" b ON b.id = p."batchId"
  JOIN "Round" r ON r.id = b."roundId"
  WHERE a.id = p_assignment;
END;
$$;

-- The annotator's current task, leasing the next pair if they hold none; no row when nothing is
-- left. (The task is read in a statement of its own, whose snapshot sees the lease just made.)
CREATE FUNCTION manual_lease_next_task(p_annotator TEXT, p_lease_seconds INTEGER) RETURNS SETOF manual_task_row
LANGUAGE plpgsql
VOLATILE
ROWS 1
AS $$
DECLARE
  v_assignment TEXT;
BEGIN
  SELECT l.assignment_id INTO v_assignment FROM manual_lease_next_pair(p_annotator, p_lease_seconds) l;
  IF v_assignment IS NOT NULL THEN
    RETURN QUERY SELECT * FROM manual_task(v_assignment);
  END IF;
END;
$$;

-- One comparison: the lease is checked and closed, the pair's count goes up and the Comparison
-- is written, all in one statement. No row when the lease does not take it (not the annotator's,
-- already ended, expired, the batch not open, the pair removed or its prompt bad, or a safety
-- label given on a helpfulness pair or missing on a safety one); server/annotation/submit.ts
-- then works out which. p_pick is the side of the screen ('LEFT' or 'RIGHT').
CREATE FUNCTION manual_submit_comparison(
  p_assignment TEXT, p_annotator TEXT, p_pick TEXT, p_strength "Strength", p_safety_label "SafetyLabel",
  p_time_on_task_ms INTEGER, p_comment TEXT
) RETURNS TABLE (comparison_id TEXT, created_at TIMESTAMP(3))
LANGUAGE plpgsql
VOLATILE
ROWS 1
SET enable_seqscan = off
AS $$
BEGIN
  RETURN QUERY
  WITH target AS (
    SELECT a.id, a."pairId", a."leftSide"
    FROM "Assignment" a
    JOIN "Pair" p ON p.id = a."pairId"
    JOIN "Batch" b ON b.id = p."batchId"
    JOIN "Prompt" pr ON pr.id = p."promptId"
    WHERE a.id = p_assignment AND a."annotatorId" = p_annotator
      AND a."completedAt" IS NULL AND a."skippedAt" IS NULL AND a."expiresAt" > now()
      AND b.status = 'OPEN' AND p."removedAt" IS NULL AND pr."badAt" IS NULL
      AND (pr.protocol = 'SAFETY') = (p_safety_label IS NOT NULL)
    -- The lease is locked, so two submissions of it cannot both pass; the pair is locked by its
    -- update below.
    FOR UPDATE OF a
  ), closed AS (
    UPDATE "Assignment" a SET "completedAt" = now() FROM target WHERE a.id = target.id
  ), counted AS (
    -- The lease ends as its comparison is counted (the place-count trigger leaves completion here).
    UPDATE "Pair" p SET "annotationCount" = p."annotationCount" + 1, "leasedCount" = p."leasedCount" - 1
    FROM target WHERE p.id = target."pairId"
  )
  INSERT INTO "Comparison" AS c
    (id, "pairId", "annotatorId", "assignmentId", chosen, strength, "safetyLabel", "leftSide", "timeOnTaskMs", comment, "createdAt")
  SELECT gen_random_uuid()::text, target."pairId", p_annotator, target.id,
         CASE WHEN p_pick = 'LEFT' THEN target."leftSide"
              ELSE (CASE target."leftSide" WHEN 'A' THEN 'B' ELSE 'A' END)::"Side" END,
         p_strength, p_safety_label, target."leftSide", p_time_on_task_ms, p_comment, now()
  FROM target
  RETURNING c.id, c."createdAt";
END;
$$;

-- What the compare screen's submit does when it is taken: the comparison, then the annotator's
-- next task (leasing the next pair), in one call and one transaction. No row when the submission
-- is not taken; a row with no task when nothing is left for the annotator.
CREATE FUNCTION manual_submit_and_lease_next(
  p_assignment TEXT, p_annotator TEXT, p_pick TEXT, p_strength "Strength", p_safety_label "SafetyLabel",
  p_time_on_task_ms INTEGER, p_comment TEXT, p_lease_seconds INTEGER
) RETURNS TABLE (
  comparison_id TEXT, created_at TIMESTAMP(3),
  "assignmentId" TEXT, protocol TEXT, "systemPrompt" TEXT, "riskCategory" TEXT, turns TEXT[],
  "left" TEXT, "right" TEXT, "batchName" TEXT, "roundName" TEXT, "expiresAt" TIMESTAMP(3)
)
LANGUAGE plpgsql
VOLATILE
ROWS 1
AS $$
DECLARE
  v_comparison TEXT;
  v_created_at TIMESTAMP(3);
BEGIN
  SELECT s.comparison_id, s.created_at INTO v_comparison, v_created_at
  FROM manual_submit_comparison(p_assignment, p_annotator, p_pick, p_strength, p_safety_label, p_time_on_task_ms, p_comment) s;
  IF v_comparison IS NULL THEN
    RETURN;
  END IF;
  RETURN QUERY
  SELECT v_comparison, v_created_at, t.*
  FROM (SELECT 1) AS one LEFT JOIN manual_lease_next_task(p_annotator, p_lease_seconds) t ON true;
END;
$$;
