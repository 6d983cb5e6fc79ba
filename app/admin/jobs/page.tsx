"use client";
// Every job, newest first, with live progress; filters by status and type. The list is read again
// when jobs change (jobs.watchList, pushed), and polled only while that stream is down.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import { JOB_STATUSES, JOB_TYPES } from "~/server/jobs/jobs.schema";
import type { AppRouter } from "~/server/trpc/root";
import { useTRPC } from "../../_trpc/client";
import { streaming } from "../../_trpc/useLiveJob";
import { JobActions } from "./_components/JobActions";
import { formatTime, JobProgress, LIVE_REFRESH_MS } from "./_components/JobProgress";
import "./jobs.css";
import { type Column, DataTable } from "../../_components/DataTable";

type JobStatus = (typeof JOB_STATUSES)[number];
type JobType = (typeof JOB_TYPES)[number];
type Job = inferRouterOutputs<AppRouter>["jobs"]["list"]["jobs"][number];

const columns: Column<Job>[] = [
  { header: "Job", cell: (job) => <Link href={`/admin/jobs/${job.id}`}>{job.type.toLowerCase().replace(/_/g, " ")}</Link> },
  { header: "Progress", cell: (job) => <JobProgress status={job.status} progress={job.progress} message={job.error ?? job.progressMessage} /> },
  { header: "Started by", value: (job) => job.createdBy?.name ?? "system" },
  { header: "Created", cell: (job) => formatTime(job.createdAt) },
  { header: "Attempts", num: true, cell: (job) => `${job.attempts} / ${job.maxAttempts}` },
  { header: "", cell: (job) => <JobActions jobId={job.id} status={job.status} cancelRequested={!!job.cancelRequestedAt} /> },
];

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
      <DataTable
        label="Jobs"
        columns={columns}
        rows={jobs.data?.jobs}
        rowKey={(job) => job.id}
        rowProps={(job) => ({ "data-job-id": job.id })}
        error={jobs.error}
        empty="No jobs."
      />
    </section>
  );
}
