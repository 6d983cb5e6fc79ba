-- Medians are kept per view of the dashboard (its batches, rounds, protocol and sources), not
-- for the unfiltered one alone. The ones kept so far are simply read again.
DELETE FROM "DashboardMedianCache";

-- AlterTable
ALTER TABLE "DashboardMedianCache" DROP CONSTRAINT "DashboardMedianCache_pkey",
ADD COLUMN     "view" TEXT NOT NULL,
ADD CONSTRAINT "DashboardMedianCache_pkey" PRIMARY KEY ("annotatorId", "view");

-- A view names batches through their rounds, and imports through their source names: a batch
-- moved to another round, or a source renamed, changes what a kept median stood for.
CREATE FUNCTION manual_dashboard_forget_medians() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "DashboardMedianCache";
  RETURN NULL;
END;
$$;

CREATE TRIGGER manual_dashboard_batch_round AFTER UPDATE OF "roundId" ON "Batch"
FOR EACH ROW WHEN (OLD."roundId" IS DISTINCT FROM NEW."roundId") EXECUTE FUNCTION manual_dashboard_forget_medians();
CREATE TRIGGER manual_dashboard_import_source AFTER UPDATE OF "sourceName" ON "DatasetImport"
FOR EACH ROW WHEN (OLD."sourceName" IS DISTINCT FROM NEW."sourceName") EXECUTE FUNCTION manual_dashboard_forget_medians();
