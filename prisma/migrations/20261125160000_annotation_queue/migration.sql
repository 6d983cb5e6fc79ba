-- The annotation queue's lease, as one database function so that taking a pair is one round
-- trip and correct under concurrency. Hand-written objects are named manual_* (the schema-drift
-- test compares only what schema.prisma can describe).

-- Pairs that still need annotations, in queue order. A partial index: filled pairs drop out.
CREATE INDEX "manual_pair_open_queue" ON "Pair" ("batchId", "createdAt", "id")
  WHERE "annotationCount" < "requiredAnnotations";

-- Leases of one pair that still hold a place: open and unexpired.
CREATE INDEX "manual_assignment_open_leases" ON "Assignment" ("pairId", "expiresAt")
  WHERE "completedAt" IS NULL AND "skippedAt" IS NULL;

-- (An annotator's own open lease is found through "Assignment_annotatorId_completedAt_idx".
-- A partial index for it was tried: the planner then used it to count a pair's leases,
-- scanning every open lease of every annotator.)

-- Returns the annotator's assignment (id, pair, side shown left, expiry): their open unexpired
-- lease if they have one,
-- else a new lease on the next pair of the open batches (higher priority first, then oldest
-- pair first) that they have never been given and that still has room. With probability
-- goldRate of that pair's batch, a gold pair of the same batch they have not seen is served
-- instead. No row when nothing is left. (It returns the row rather than an id because a query
-- calling it cannot see the row it inserts: that query's snapshot is older.)
--
-- Why a function: the pair row is locked (FOR UPDATE SKIP LOCKED, so concurrent annotators
-- pass each other instead of queueing), and only then are the places already taken counted,
-- in a new statement whose snapshot sees every lease committed before the lock was granted.
-- Counting inside the same statement as the lock would use an older snapshot and could
-- over-assign a pair.
CREATE FUNCTION manual_lease_next_pair(p_annotator TEXT, p_lease_seconds INTEGER)
RETURNS TABLE (assignment_id TEXT, pair_id TEXT, left_side "Side", expires_at TIMESTAMP(3))
LANGUAGE plpgsql
VOLATILE
AS $$
DECLARE
  v_assignment RECORD;
  v_batch RECORD;
  v_pair RECORD;
  v_taken INTEGER;
  v_gold TEXT;
  v_pass INTEGER;
BEGIN
  -- One lease at a time per annotator: two tabs asking at once get the same pair, not two.
  PERFORM pg_advisory_xact_lock(hashtext('lease:' || p_annotator));

  SELECT a.id, a."pairId", a."leftSide", a."expiresAt" INTO v_assignment
  FROM "Assignment" a
  JOIN "Pair" p ON p.id = a."pairId"
  JOIN "Batch" b ON b.id = p."batchId" AND b.status = 'OPEN'
  WHERE a."annotatorId" = p_annotator AND a."completedAt" IS NULL AND a."skippedAt" IS NULL
    AND a."expiresAt" > now()
  ORDER BY a."leasedAt" DESC
  LIMIT 1;
  IF FOUND THEN
    RETURN QUERY SELECT v_assignment.id, v_assignment."pairId", v_assignment."leftSide", v_assignment."expiresAt";
    RETURN;
  END IF;

  -- First pass: skip pairs another annotator holds locked this instant. Near the end of the
  -- queue every candidate may be locked by someone, so a second pass waits for the locks.
  FOR v_pass IN 1..2 LOOP
  FOR v_batch IN
    SELECT b.id, b."goldRate" FROM "Batch" b WHERE b.status = 'OPEN' ORDER BY b.priority DESC, b."createdAt", b.id
  LOOP
    FOR v_pair IN EXECUTE format($q$
      SELECT p.id, p."requiredAnnotations"
      FROM "Pair" p
      WHERE p."batchId" = $1
        AND p."annotationCount" < p."requiredAnnotations"
        AND NOT p."isGold"
        AND NOT EXISTS (SELECT 1 FROM "Assignment" mine WHERE mine."pairId" = p.id AND mine."annotatorId" = $2)
        -- Pairs whose places are all leased, as far as this snapshot knows, are not even
        -- locked: locking them would make every lease queue behind the leases in progress.
        AND p."annotationCount" + (
              SELECT count(*) FROM "Assignment" l
              WHERE l."pairId" = p.id AND l."completedAt" IS NULL AND l."skippedAt" IS NULL AND l."expiresAt" > now()
            ) < p."requiredAnnotations"
      ORDER BY p."createdAt", p.id
      -- A limit keeps the plan on the queue index (without one, a cursor is planned for many
      -- rows and sorts the whole batch); 200 is far more than concurrent leases ever skip.
      LIMIT 200
      FOR UPDATE OF p %s$q$, CASE WHEN v_pass = 1 THEN 'SKIP LOCKED' ELSE '' END)
      USING v_batch.id, p_annotator
    LOOP
      -- A fresh snapshot: the pair is locked, so every lease of it is committed and visible.
      SELECT p."annotationCount" + (
               SELECT count(*) FROM "Assignment" a
               WHERE a."pairId" = p.id AND a."completedAt" IS NULL AND a."skippedAt" IS NULL AND a."expiresAt" > now())
        INTO v_taken
      FROM "Pair" p WHERE p.id = v_pair.id;
      CONTINUE WHEN v_taken >= v_pair."requiredAnnotations";

      IF v_batch."goldRate" > 0 AND random() < v_batch."goldRate" THEN
        SELECT g.id INTO v_gold
        FROM "Pair" g
        WHERE g."batchId" = v_batch.id AND g."isGold"
          AND NOT EXISTS (SELECT 1 FROM "Assignment" mine WHERE mine."pairId" = g.id AND mine."annotatorId" = p_annotator)
        ORDER BY random()
        LIMIT 1;
      END IF;

      INSERT INTO "Assignment" (id, "pairId", "annotatorId", "leftSide", "leasedAt", "expiresAt")
      VALUES (
        gen_random_uuid()::text,
        COALESCE(v_gold, v_pair.id),
        p_annotator,
        (CASE WHEN random() < 0.5 THEN 'A' ELSE 'B' END)::"Side",
        now(),
        now() + make_interval(secs => p_lease_seconds)
      )
      RETURNING id, "pairId", "leftSide", "expiresAt" INTO v_assignment;
      RETURN QUERY SELECT v_assignment.id, v_assignment."pairId", v_assignment."leftSide", v_assignment."expiresAt";
      RETURN;
    END LOOP;
  END LOOP;
  END LOOP;
END;
$$;
