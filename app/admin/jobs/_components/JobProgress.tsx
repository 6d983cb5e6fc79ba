// A job's status and progress bar, the same on the list and on the job's page.
export function JobProgress({ status, progress, message }: { status: string; progress: number; message?: string | null }) {
  const percent = Math.round(progress * 100);
  return (
    <span className="job-progress">
      <span className={`job-status job-status-${status.toLowerCase()}`}>{status.toLowerCase()}</span>
      <progress max={100} value={status === "SUCCEEDED" ? 100 : percent} aria-label={`${percent}%`} />
      <span className="muted">
        {percent}%{message ? ` · ${message}` : ""}
      </span>
    </span>
  );
}

export function formatTime(value: Date | string | null | undefined) {
  return value ? new Date(value).toLocaleString() : "";
}

/** Live pages refresh while anything may still change. */
export const LIVE_REFRESH_MS = 1_000;
