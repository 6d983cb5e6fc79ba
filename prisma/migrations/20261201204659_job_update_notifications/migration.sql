-- Pushed job updates: every change a job page shows (status, progress, live output, error,
-- result, a cancel request, a new log line) sends a NOTIFY on "job_events" when its transaction
-- commits, whoever wrote it (a worker, recovery, an admin's cancel or retry). Web processes LISTEN
-- on one connection each and push the change to the pages watching that job. The payload is
-- small (the job id and what changed); the page's subscription reads the rest. A heartbeat alone
-- sends nothing.

CREATE FUNCTION "manual_job_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  what text;
BEGIN
  IF TG_TABLE_NAME = 'JobLogLine' THEN
    what := 'log';
    PERFORM pg_notify('job_events', json_build_object('job', NEW."jobId", 'what', what)::text);
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status OR NEW."cancelRequestedAt" IS DISTINCT FROM OLD."cancelRequestedAt"
     OR NEW.error IS DISTINCT FROM OLD.error OR NEW.attempts IS DISTINCT FROM OLD.attempts THEN
    what := 'status';
  ELSIF NEW.live IS DISTINCT FROM OLD.live THEN
    what := 'live';
  ELSIF NEW.progress IS DISTINCT FROM OLD.progress OR NEW."progressMessage" IS DISTINCT FROM OLD."progressMessage"
     OR NEW.result IS DISTINCT FROM OLD.result THEN
    what := 'progress';
  ELSE
    RETURN NULL;
  END IF;
  PERFORM pg_notify('job_events', json_build_object('job', NEW.id, 'what', what)::text);
  RETURN NULL;
END;
$$;

CREATE TRIGGER "manual_job_notify" AFTER INSERT OR UPDATE ON "Job"
  FOR EACH ROW EXECUTE FUNCTION "manual_job_notify"();

CREATE TRIGGER "manual_job_log_notify" AFTER INSERT ON "JobLogLine"
  FOR EACH ROW EXECUTE FUNCTION "manual_job_notify"();
