"use client";
// Every job, newest first, with live progress; filters by status and type. The list is read again
// when jobs change (jobs.watchList, pushed), and polled only while that stream is down.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { useState } from "react";
import { JOB_STATUSES, JOB_TYPES } from "~/server/jobs/jobs.schema";
import { useTRPC } from "../../_trpc/client";
import { streaming } from "../../_trpc/useLiveJob";
import { JobActions } from "./_components/JobActions";
import { formatTime, JobProgress, LIVE_REFRESH_MS } from "./_components/JobProgress";
import "./jobs.css";
import { ErrorAlert } from "../../_components/ErrorAlert";

type JobStatus = (typeof JOB_STATUSES)[number];
type JobType = (typeof JOB_TYPES)[number];

export default function JobsPage() {
  const trpc = useTRPC();
  const [status, setStatus] = useState<JobStatus | "">("");
  const [type, setType] = useState<JobType | "">("");
  const queryClient = useQueryClient();
  const changes = useSubscription(
    trpc.jobs.watchList.subscriptionOptions(undefined, {
      // Read again on each (re)connection too: changes while it was down were not pushed.
      onStarted: () => void queryClient.invalidateQueries({ queryKey: trpc.jobs.list.pathKey() }),
      onData: () => void queryClient.invalidateQueries({ queryKey: trpc.jobs.list.pathKey() }),
    }),
  );
  const jobs = useQuery(
    trpc.jobs.list.queryOptions(
      { status: status || undefined, type: type || undefined, limit: 100 },
      { refetchInterval: streaming(changes.status) ? false : LIVE_REFRESH_MS },
    ),
  );
  // Whether a worker is alive is a matter of time (its last check-in), not of a change to push.
  const workers = useQuery(trpc.jobs.workers.queryOptions(undefined, { refetchInterval: 15_000 }));
  return (
    // data-stream: whether changes are being pushed ("pending") or polled for (tests wait on it).
    <section className="stack" data-stream={changes.status}>
      <h1>Jobs</h1>
      <p className="muted" data-testid="workers">
        {workers.data === undefined
          ? ""
          : workers.data.length === 0
            ? "No worker is running: queued jobs wait until one starts (npm run worker)."
            : `Workers: ${workers.data.map((w) => `${w.hostname} (pid ${w.pid})`).join(", ")}`}
      </p>
      <div className="job-filters">
        <label>
          Status{" "}
          <select value={status} onChange={(e) => setStatus(e.target.value as JobStatus | "")}>
            <option value="">all</option>
            {JOB_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()} {jobs.data?.counts[s] ? `(${jobs.data.counts[s]})` : ""}
              </option>
            ))}
          </select>
        </label>
        <label>
          Type{" "}
          <select value={type} onChange={(e) => setType(e.target.value as JobType | "")}>
            <option value="">all</option>
            {JOB_TYPES.map((t) => (
              <option key={t} value={t}>
                {t.toLowerCase().replace(/_/g, " ")}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorAlert error={jobs.error} />
      <table className="table" aria-label="Jobs">
        <thead>
          <tr>
            <th>Job</th>
            <th>Progress</th>
            <th>Started by</th>
            <th>Created</th>
            <th>Attempts</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {jobs.data?.jobs.map((job) => (
            <tr key={job.id} data-job-id={job.id}>
              <td>
                <Link href={`/admin/jobs/${job.id}`}>{job.type.toLowerCase().replace(/_/g, " ")}</Link>
              </td>
              <td>
                <JobProgress status={job.status} progress={job.progress} message={job.error ?? job.progressMessage} />
              </td>
              <td>{job.createdBy?.name ?? "system"}</td>
              <td>{formatTime(job.createdAt)}</td>
              <td className="num">
                {job.attempts} / {job.maxAttempts}
              </td>
              <td>
                <JobActions jobId={job.id} status={job.status} cancelRequested={!!job.cancelRequestedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {jobs.data?.jobs.length === 0 && <p className="muted">No jobs.</p>}
    </section>
  );
}
