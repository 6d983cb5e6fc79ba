-- Tally rows are updated in place by every label: room on their pages keeps those updates
-- heap-only (no index entry each time), even as a bucket's values grow.
ALTER TABLE "DashboardTally" SET (fillfactor = 70);
ALTER TABLE "DashboardPairConfig" SET (fillfactor = 70);
ALTER TABLE "DashboardTimeOnTask" SET (fillfactor = 70);
ALTER TABLE "DashboardAnnotatorTimeOnTask" SET (fillfactor = 70);
ALTER TABLE "DashboardBatchPairs" SET (fillfactor = 70);

-- A view narrowed to batches reads their time-on-task buckets only.
CREATE INDEX "manual_dashboard_time_on_task_batch" ON "DashboardTimeOnTask" ("batchId");

-- Counted again, on pages with that room.
SELECT manual_dashboard_rebuild(true);
