-- The tally statement for many rows (a bulk insert, delete or update, an import, a recount)
-- joins by hashing, whatever the planner believes of the tables: on tables written in the same
-- transaction and not yet analysed it believed them empty and looped over every pair's labels
-- for each new label. One label's tally (submit, undo) keeps its index lookups.
ALTER FUNCTION manual_dashboard_comparisons_inserted() SET enable_nestloop = off;
ALTER FUNCTION manual_dashboard_comparisons_deleted() SET enable_nestloop = off;
ALTER FUNCTION manual_dashboard_comparisons_updated() SET enable_nestloop = off;
ALTER FUNCTION manual_dashboard_count(TEXT) SET enable_nestloop = off;
ALTER FUNCTION manual_dashboard_label_changed("Comparison", INTEGER) SET enable_nestloop = on;
