"use client";
// Cancel (queued or running) and retry (failed or cancelled, unless the job said a retry would
// fail the same way: `retryable`); the server decides what is allowed.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../../../_trpc/client";

export function JobActions({ jobId, status, cancelRequested, retryable = true }: { jobId: string; status: string; cancelRequested: boolean; retryable?: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.jobs.list.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.jobs.get.pathKey() }),
    ]);
  const cancel = useMutation(trpc.jobs.cancel.mutationOptions({ onSuccess: refresh }));
  const retry = useMutation(trpc.jobs.retry.mutationOptions({ onSuccess: refresh }));
  const error = cancel.error ?? retry.error;
  return (
    <span className="job-actions">
      {(status === "QUEUED" || status === "RUNNING") && (
        <button type="button" disabled={cancel.isPending || cancelRequested} onClick={() => cancel.mutate({ jobId })}>
          {cancelRequested ? "Cancelling…" : "Cancel"}
        </button>
      )}
      {(status === "FAILED" || status === "CANCELLED") && retryable && (
        <button type="button" disabled={retry.isPending} onClick={() => retry.mutate({ jobId })}>
          Retry
        </button>
      )}
      {error && (
        <span className="error" role="alert">
          {error.message}
        </span>
      )}
    </span>
  );
}
