"use client";
// The two responses of a written prompt as they are generated (the job's live output, pushed by
// the jobs.watchWriting subscription until the job ends; polled only while that stream is down),
// then "Compare them" (Enter) on the usual compare screen. Waiting, failure and retry are shown
// here; the prompt is already saved, so a failed or slow worker loses nothing.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { useTRPC } from "../../_trpc/client";
import { jobEnded, streaming } from "../../_trpc/useLiveJob";
import { Dialogue } from "../_components/Dialogue";
import { Markdown } from "../../_components/Markdown";
import { useCompareKeyboard } from "../_components/useCompareKeyboard";
import { ErrorAlert } from "../../_components/ErrorAlert";

/** After this long without a worker starting, the screen offers to queue the job again. */
const SLOW_START_MS = 30_000;

function StreamingResponse({ side, panel, failed }: { side: "A" | "B"; panel: { text: string; done: boolean } | null; failed: boolean }) {
  const done = !!panel?.done;
  return (
    <article className="response card" aria-labelledby={`stream-${side}`} aria-busy={!done && !failed} data-side={side} data-done={done}>
      <header className="response-head">
        <h2 id={`stream-${side}`}>Response {side}</h2>
        <span className="muted small" data-testid={`stream-${side}-state`}>
          {done ? "done" : failed ? "stopped" : panel?.text ? "generating…" : "waiting…"}
        </span>
      </header>
      {panel?.text ? <Markdown text={panel.text} /> : <p className="muted">{done ? "(empty response)" : "…"}</p>}
    </article>
  );
}

export function WritingJob({ jobId }: { jobId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const viewKey = trpc.promptWriting.job.queryKey({ jobId });
  const ended = jobEnded(queryClient.getQueryData(viewKey)?.status);
  const pushed = useSubscription(
    trpc.jobs.watchWriting.subscriptionOptions(
      { jobId },
      { enabled: !ended, onData: (update) => queryClient.setQueryData(viewKey, update) },
    ),
  );
  const view = useQuery(
    trpc.promptWriting.job.queryOptions(
      { jobId },
      {
        // Only while the stream is down (reconnecting) and the job may still change.
        refetchInterval: (query) => (!jobEnded(query.state.data?.status) && !streaming(pushed.status) ? 1_000 : false),
        staleTime: 0,
      },
    ),
  );
  const retry = useMutation(trpc.promptWriting.retry.mutationOptions({ onSuccess: () => view.refetch() }));
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(id);
  }, []);

  const job = view.data;
  const failed = job?.status === "FAILED" || job?.status === "CANCELLED";
  const slow = job?.status === "QUEUED" && now - job.createdAt.getTime() > SLOW_START_MS;

  const compare = async () => {
    // The compare screen keeps its pair cached; the new lease must be fetched.
    await queryClient.invalidateQueries({ queryKey: trpc.annotate.current.queryKey() });
    queryClient.removeQueries({ queryKey: trpc.annotate.current.queryKey() });
    router.push("/annotate");
  };

  useCompareKeyboard((key, event) => {
    if (key === "Enter" && job?.ready && !event.repeat) {
      void compare();
      return true;
    }
    return false;
  });

  return (
    <>
      <div className="progress-line">
        <h1>Your prompt</h1>
        <Link href="/annotate/write" className="link-button">
          Write another
        </Link>
        <Link href="/annotate" className="link-button">
          Back to your queue
        </Link>
      </div>
      <ErrorAlert error={view.error} />
      {view.isPending && <p className="muted loading">Loading…</p>}
      {job && (
        <>
          {job.prompt && <Dialogue systemPrompt={job.prompt.systemPrompt} turns={job.prompt.turns} />}
          <p className="write-status" role="status" data-testid="writing-status" data-status={job.status}>
            {job.status === "QUEUED" &&
              (job.workersAlive === 0
                ? "Your prompt is saved. No worker is running right now; the responses will be generated when one starts."
                : "Your prompt is saved. Waiting for a worker…")}
            {job.status === "RUNNING" && "Generating two responses…"}
            {job.status === "SUCCEEDED" && "Both responses are ready. Press Enter to compare them."}
            {failed && "Generating the responses did not work. Your prompt is saved; you can try again."}
          </p>
          <ErrorAlert error={failed ? job.error : null} testId="writing-error" />
          <ErrorAlert error={retry.error} />
          <div className="responses">
            <StreamingResponse side="A" panel={job.left} failed={failed} />
            <StreamingResponse side="B" panel={job.right} failed={failed} />
          </div>
          <div className="actions">
            {job.ready && (
              <button type="button" className="primary" onClick={() => void compare()} aria-keyshortcuts="Enter" autoFocus>
                Compare them <kbd aria-hidden="true">Enter</kbd>
              </button>
            )}
            {(failed || slow) && (
              <button type="button" onClick={() => retry.mutate({ jobId })} disabled={retry.isPending}>
                Try again
              </button>
            )}
          </div>
        </>
      )}
    </>
  );
}
