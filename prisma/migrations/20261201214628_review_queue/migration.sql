-- AlterTable
ALTER TABLE "Prompt" ADD COLUMN     "badAt" TIMESTAMP(3),
ADD COLUMN     "badById" TEXT,
ADD COLUMN     "badReason" TEXT;

-- AlterTable
ALTER TABLE "Pair" ADD COLUMN     "removedAt" TIMESTAMP(3),
ADD COLUMN     "removedById" TEXT,
ADD COLUMN     "removedReason" TEXT;

-- AlterTable
ALTER TABLE "Assignment" ADD COLUMN     "reviewNote" TEXT,
ADD COLUMN     "reviewedAt" TIMESTAMP(3),
ADD COLUMN     "reviewedById" TEXT;

-- AlterTable
ALTER TABLE "Comparison" ADD COLUMN     "reviewNote" TEXT,
ADD COLUMN     "reviewedAt" TIMESTAMP(3),
ADD COLUMN     "reviewedById" TEXT;

-- AddForeignKey
ALTER TABLE "Prompt" ADD CONSTRAINT "Prompt_badById_fkey" FOREIGN KEY ("badById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Pair" ADD CONSTRAINT "Pair_removedById_fkey" FOREIGN KEY ("removedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Assignment" ADD CONSTRAINT "Assignment_reviewedById_fkey" FOREIGN KEY ("reviewedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Comparison" ADD CONSTRAINT "Comparison_reviewedById_fkey" FOREIGN KEY ("reviewedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The review queue (server/review/): a pair removed from its batch, or any pair of a prompt
-- marked bad, is no longer served, not even to an annotator who holds a lease on it. The lease
-- function of 20261125160000_annotation_queue, with those two conditions added where it picks
-- a held lease, a pair and a gold pair; the rest is unchanged.
CREATE OR REPLACE FUNCTION manual_lease_next_pair(p_annotator TEXT, p_lease_seconds INTEGER)
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
  JOIN "Prompt" pr ON pr.id = p."promptId" AND pr."badAt" IS NULL
  WHERE a."annotatorId" = p_annotator AND a."completedAt" IS NULL AND a."skippedAt" IS NULL
    AND a."expiresAt" > now() AND p."removedAt" IS NULL
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
        AND p."removedAt" IS NULL
        AND NOT EXISTS (SELECT 1 FROM "Prompt" bad WHERE bad.id = p."promptId" AND bad."badAt" IS NOT NULL)
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
        WHERE g."batchId" = v_batch.id AND g."isGold" AND g."removedAt" IS NULL
          AND NOT EXISTS (SELECT 1 FROM "Prompt" bad WHERE bad.id = g."promptId" AND bad."badAt" IS NOT NULL)
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
