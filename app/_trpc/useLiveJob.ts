"use client";
// One job kept up to date on a page: `const { job, error, live } = useLiveJob(jobId)`. The job is
// what jobs.get returns (status, progress, live output, result, error, the last log lines), read
// once and then pushed by the jobs.watch subscription (server-sent events fed by PostgreSQL
// NOTIFY from the worker) until the job ends; a retry that queues it again subscribes again.
// While the stream is not connected (reconnecting, or refused by a proxy), the page falls back
// to reading the job every second; otherwise it never polls. For admins' pages (jobs.watch is
// authorised as jobs.get is).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useTRPC } from "./client";

/** Fallback polling while the stream is down. */
const FALLBACK_REFRESH_MS = 1_000;
/** Log lines a page keeps as they stream in. */
const LOG_KEPT = 1_000;

const ENDED = new Set(["SUCCEEDED", "FAILED", "CANCELLED"]);
export const jobEnded = (status: string | undefined) => status !== undefined && ENDED.has(status);

/** Whether a subscription is delivering: while it is not, pages poll instead. */
export const streaming = (status: string) => status === "pending";

export function useLiveJob(jobId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const queryKey = trpc.jobs.get.queryKey({ jobId });
  const status = queryClient.getQueryData(queryKey)?.status;
  const watching = !jobEnded(status);
  const subscription = useSubscription(
    trpc.jobs.watch.subscriptionOptions(
      { jobId },
      {
        enabled: watching,
        onData(update) {
          queryClient.setQueryData(queryKey, (old) => {
            if (update.kind === "snapshot") return update.job;
            if (!old) return old;
            const seen = new Set(old.log.map((line) => line.id));
            const log = [...old.log, ...update.log.filter((line) => !seen.has(line.id))].slice(-LOG_KEPT);
            return { ...old, ...update.job, log };
          });
        },
      },
    ),
  );
  const query = useQuery(
    trpc.jobs.get.queryOptions(
      { jobId },
      { refetchInterval: (q) => (!jobEnded(q.state.data?.status) && !streaming(subscription.status) ? FALLBACK_REFRESH_MS : false) },
    ),
  );
  return {
    job: query.data,
    error: query.error,
    /** "pending": updates are pushed; "connecting": (re)connecting, polling meanwhile; "idle": the job has ended. */
    stream: subscription.status,
  };
}
