"use client";
// An import's worker job on the import page, pushed as it runs (useLiveJob): its progress, then
// what was imported, or where the file is at fault (line and field). A file at fault gets no
// Retry, since a retry would fail the same way; any other failure (a worker lost, the database
// gone) or a cancel can be retried here, the upload being kept for it.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect } from "react";
import { importOutcome } from "~/server/import/import-outcome";
import { jobRetryable } from "~/server/jobs/jobs.schema";
import { ErrorAlert } from "../../../_components/ErrorAlert";
import { useTRPC } from "../../../_trpc/client";
import { useLiveJob } from "../../../_trpc/useLiveJob";

export function ImportJob({ jobId, onEnded }: { jobId: string; onEnded: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { job, error } = useLiveJob(jobId);
  const outcome = job ? importOutcome(job) : null;
  const result = outcome?.status === "SUCCEEDED" ? outcome.result : null;
  const retry = useMutation(trpc.jobs.retry.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.jobs.get.queryKey({ jobId }) }) }));
  const prompts = useQuery(trpc.import.prompts.queryOptions({ importId: result?.importId ?? "", take: 50 }, { enabled: !!result?.importId && result.format === "prompts" }));

  const ended = outcome?.status;
  useEffect(() => {
    if (ended) onEnded();
  }, [ended, onEnded]);

  if (error) return <ErrorAlert error={error} />;
  const follow = <Link href={`/admin/jobs/${jobId}`}>the job&apos;s page and log</Link>;
  if (!job || !outcome) {
    const percent = Math.round((job?.progress ?? 0) * 100);
    return (
      <p role="status" data-testid="import-progress">
        Importing in a worker job: <progress max={100} value={percent} aria-label="Import progress" /> {percent}% · {job?.status.toLowerCase() ?? "queued"}
        {job?.progressMessage ? ` · ${job.progressMessage}` : ""}. Follow it on {follow}.
      </p>
    );
  }
  if (result) {
    return (
      <>
        <p role="status" data-testid="import-result">
          {result.importId
            ? `Imported ${result.inserted} of ${result.rows} rows (${result.duplicates} duplicates skipped) as ${result.format}.`
            : `Nothing new: all ${result.rows} rows are already stored. Nothing was written.`}
        </p>
        {prompts.data && (
          <section aria-label="Imported prompts">
            <h2>Imported prompts ({prompts.data.total})</h2>
            <ol data-testid="imported-prompts">
              {prompts.data.prompts.map((p) => (
                <li key={p.id}>
                  <span className="muted">{p.protocol.toLowerCase()}</span> {p.turns.at(-1)?.content}
                  {p.turns.length > 1 && <span className="muted"> ({p.turns.length} turns)</span>}
                  {p.riskCategory && <span className="muted"> · {p.riskCategory}</span>}
                </li>
              ))}
            </ol>
          </section>
        )}
      </>
    );
  }
  const failure = outcome.status === "FAILED" ? outcome.failure : null;
  return (
    <section className="stack" aria-label="Import failed" data-testid="import-failure">
      <ErrorAlert error={outcome.status === "FAILED" ? outcome.error : "The import was cancelled; nothing was imported."} />
      {failure?.kind === "row" && (
        <dl className="facts">
          <dt>Where</dt>
          <dd data-testid="import-failure-where">{failure.where}</dd>
          <dt>Field</dt>
          <dd data-testid="import-failure-field">{failure.field ?? "the row"}</dd>
          <dt>Problem</dt>
          <dd>{failure.problem}</dd>
        </dl>
      )}
      <p>
        {jobRetryable(job) ? (
          <button type="button" disabled={retry.isPending} onClick={() => retry.mutate({ jobId })}>
            Retry
          </button>
        ) : (
          "Nothing was written. Fix the file and upload it again (a retry would fail the same way)."
        )}{" "}
        The log is on {follow}.
      </p>
      <ErrorAlert error={retry.error} />
    </section>
  );
}
