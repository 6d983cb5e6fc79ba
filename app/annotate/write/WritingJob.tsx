"use client";
// The two responses of a written prompt as they are generated (the job's live output, polled),
// then "Compare them" (Enter) on the usual compare screen. Waiting, failure and retry are shown
// here; the prompt is already saved, so a failed or slow worker loses nothing.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { useTRPC } from "../../_trpc/client";
import { Dialogue } from "../_components/Dialogue";
import { Markdown } from "../_components/Markdown";
import { useCompareKeyboard } from "../_components/useCompareKeyboard";

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
  const view = useQuery(
    trpc.promptWriting.job.queryOptions(
      { jobId },
      {
        // Poll while the responses are on their way; stop once the job has ended.
        refetchInterval: (query) => {
          const status = query.state.data?.status;
          return status === "SUCCEEDED" || status === "FAILED" || status === "CANCELLED" ? false : 400;
        },
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
      {view.error && (
        <p className="error" role="alert">
          {view.error.message}
        </p>
      )}
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
          {failed && job.error && (
            <p className="error" role="alert" data-testid="writing-error">
              {job.error}
            </p>
          )}
          {retry.error && (
            <p className="error" role="alert">
              {retry.error.message}
            </p>
          )}
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
