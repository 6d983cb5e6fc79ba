"use client";
// One job: progress, parameters, result or error, and its log, pushed as they change (useLiveJob).
import Link from "next/link";
import { use } from "react";
import { jobRetryable } from "~/server/jobs/jobs.schema";
import { useLiveJob } from "../../../_trpc/useLiveJob";
import { JobActions } from "../_components/JobActions";
import { formatTime, JobProgress } from "../_components/JobProgress";
import { TrainingCurve } from "../_components/TrainingCurve";
import "../jobs.css";
import { ErrorAlert } from "../../../_components/ErrorAlert";

export default function JobPage({ params }: { params: Promise<{ jobId: string }> }) {
  const { jobId } = use(params);
  const { job: data, error, stream } = useLiveJob(jobId);
  if (error) return <ErrorAlert error={error} />;
  if (!data) return <p className="muted">Loading…</p>;
  return (
    <section className="stack" data-stream={stream}>
      <p>
        <Link href="/admin/jobs">← All jobs</Link>
      </p>
      <h1>{data.type.toLowerCase().replace(/_/g, " ")}</h1>
      <p data-testid="job-status">
        <JobProgress status={data.status} progress={data.progress} message={data.progressMessage} />{" "}
        <JobActions jobId={data.id} status={data.status} cancelRequested={!!data.cancelRequestedAt} retryable={jobRetryable(data)} />
      </p>
      <ErrorAlert error={data.error} testId="job-error" />
      <dl className="facts">
        <dt>Id</dt>
        <dd>{data.id}</dd>
        <dt>Started by</dt>
        <dd>{data.createdBy?.name ?? "system"}</dd>
        <dt>Created</dt>
        <dd>{formatTime(data.createdAt)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(data.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(data.finishedAt)}</dd>
        <dt>Attempts</dt>
        <dd>
          {data.attempts} of {data.maxAttempts}
          {data.workerId ? ` (worker ${data.workerId})` : ""}
        </dd>
      </dl>
      {data.type === "REWARD_TRAINING" && <TrainingCurve live={data.live} result={data.result} />}
      <h2>Parameters</h2>
      <pre className="job-json">{JSON.stringify(data.parameters, null, 2)}</pre>
      {data.result !== null && (
        <>
          <h2>Result</h2>
          <pre className="job-json">{JSON.stringify(data.result, null, 2)}</pre>
        </>
      )}
      <h2>Log</h2>
      <ol className="job-log" aria-label="Log">
        {data.log.map((line) => (
          <li key={line.id} className={`job-log-${line.level}`}>
            <time>{new Date(line.at).toLocaleTimeString()}</time> {line.message}
          </li>
        ))}
      </ol>
    </section>
  );
}
