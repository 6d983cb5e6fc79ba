"use client";
// The annotator's compare screen: the leased pair (annotate.current), the judgement, and the
// actions (the submit through its own endpoint, submit-request.ts; the rest through tRPC).
// Every action's result carries the next pair, which is written straight into the
// annotate.current cache: no refetch, no reload, one round trip from Enter to the next pair.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";
import type { Task } from "~/server/annotation/annotation.schema";
import { useTRPC } from "../../_trpc/client";
import { GuidelinesPanel } from "./GuidelinesPanel";
import { HelpOverlay } from "./HelpOverlay";
import { ProgressLine } from "./ProgressLine";
import { postSubmit } from "./submit-request";
import { type JudgementValues, type SubmitValues, TaskView } from "./TaskView";
import { UndoToast } from "./UndoToast";
import { useCompareKeyboard } from "./useCompareKeyboard";

const GUIDELINES_KEY = "annotate.guidelinesOpen";

type Submitted = { assignmentId: string; comparisonId: string; values: JudgementValues };

/**
 * Gives the lease back when the page is left: on navigating away within the app (unmount) and on
 * closing or reloading the tab (pagehide, with a request that outlives the page).
 */
function useReleaseOnLeave(assignmentId: string | undefined) {
  const trpc = useTRPC();
  const release = useMutation(trpc.annotate.release.mutationOptions());
  const releaseRef = useRef(release.mutate);
  releaseRef.current = release.mutate;
  useEffect(() => {
    if (!assignmentId) return;
    const onPageHide = () => {
      void fetch("/api/trpc/annotate.release", {
        method: "POST",
        keepalive: true,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ json: { assignmentId } }),
      });
    };
    window.addEventListener("pagehide", onPageHide);
    return () => {
      window.removeEventListener("pagehide", onPageHide);
      // A pair replaced by the next one (labelled, skipped, flagged) is no longer leased: nothing happens.
      releaseRef.current({ assignmentId });
    };
  }, [assignmentId]);
}

export function CompareScreen() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const currentKey = trpc.annotate.current.queryKey();
  const progressKey = trpc.annotate.progress.queryKey();

  // The leased pair only changes through our own actions: never refetched behind the annotator's
  // back (a stale refetch could put a pair they just submitted back on screen). When the queue is
  // empty it is polled once a minute.
  // An admin looks at the screen more often than annotates: taking a pair (which holds one of its
  // places for the whole lease) is their explicit choice, and the pair is given back when they leave.
  const me = useQuery(trpc.me.get.queryOptions());
  const isAdmin = me.data?.role === "ADMIN";
  const [adminTakes, setAdminTakes] = useState(false);
  const leasing = !!me.data && (!isAdmin || adminTakes);
  const current = useQuery(
    trpc.annotate.current.queryOptions(undefined, {
      enabled: leasing,
      staleTime: Infinity,
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
      refetchInterval: (query) => (query.state.data === null ? 60_000 : false),
    }),
  );
  const progress = useQuery(trpc.annotate.progress.queryOptions(undefined, { refetchInterval: 30_000 }));

  const [error, setError] = useState<string | null>(null);
  const [undoable, setUndoable] = useState<{ comparisonId: string; until: Date } | null>(null);
  const [restore, setRestore] = useState<Submitted | null>(null);
  const lastSubmitted = useRef<Submitted | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const [guidelinesOpen, setGuidelinesOpen] = useState(true);

  useEffect(() => {
    // The annotator's last choice; without one, closed on narrow screens where it would sit on top.
    const stored = window.localStorage.getItem(GUIDELINES_KEY);
    if (stored === "false" || (stored === null && window.matchMedia("(max-width: 1200px)").matches)) setGuidelinesOpen(false);
  }, []);
  const toggleGuidelines = useCallback(() => {
    setGuidelinesOpen((open) => {
      window.localStorage.setItem(GUIDELINES_KEY, String(!open));
      return !open;
    });
  }, []);

  // The undo offer disappears when the server's undo window closes.
  useEffect(() => {
    if (!undoable) return;
    const id = window.setTimeout(() => setUndoable(null), Math.max(0, undoable.until.getTime() - Date.now()));
    return () => window.clearTimeout(id);
  }, [undoable]);

  const showTask = (task: Task | null) => queryClient.setQueryData(currentKey, task);
  // The progress line is kept locally between its 30 s refreshes: each answered, skipped or
  // flagged pair is one fewer waiting. Refetching it per action would add a request (and a
  // count over the whole queue) to every annotation.
  const countDone = (answered: boolean) =>
    queryClient.setQueryData(progressKey, (old) =>
      old ? { doneToday: old.doneToday + (answered ? 1 : 0), waiting: Math.max(0, old.waiting - 1) } : old,
    );
  const beforeAction = () => {
    setError(null);
    void queryClient.cancelQueries({ queryKey: currentKey });
  };
  const onError = (err: { message: string }) => setError(err.message);

  const submit = useMutation({
    mutationFn: postSubmit,
    onMutate: beforeAction,
    onSuccess: (result, input) => {
      showTask(result.next);
      lastSubmitted.current = {
        assignmentId: input.assignmentId,
        comparisonId: result.comparisonId,
        values: {
          pick: input.pick,
          strength: input.strength,
          safetyLabel: input.safetyLabel ?? null,
          comment: input.comment ?? null,
        },
      };
      setUndoable({ comparisonId: result.comparisonId, until: result.undoUntil });
      setRestore(null);
      countDone(true);
    },
    onError,
  });
  // Skip and flag both give the pair back and bring the next one.
  const giveBack = {
    onMutate: beforeAction,
    onSuccess: (result: { next: Task | null }) => {
      showTask(result.next);
      countDone(false);
    },
    onError,
  };
  const skip = useMutation(trpc.annotate.skip.mutationOptions(giveBack));
  const flag = useMutation(trpc.annotate.flag.mutationOptions(giveBack));
  const undo = useMutation(
    trpc.annotate.undo.mutationOptions({
      onMutate: beforeAction,
      onSuccess: (result, input) => {
        const last = lastSubmitted.current;
        // The undone pair comes back with the answer that was given, ready to correct.
        setRestore(last && last.comparisonId === input.comparisonId && last.assignmentId === result.task.assignmentId ? last : null);
        showTask(result.task);
        setUndoable(null);
        // One answer fewer today; the pair that had been served next stays leased, so the
        // waiting count is unchanged.
        queryClient.setQueryData(progressKey, (old) => (old ? { ...old, doneToday: Math.max(0, old.doneToday - 1) } : old));
      },
      onError: (err) => {
        setUndoable(null);
        onError(err);
      },
    }),
  );

  const busy = submit.isPending || skip.isPending || flag.isPending || undo.isPending;
  const task = current.data;
  useReleaseOnLeave(isAdmin ? task?.assignmentId : undefined);

  const doUndo = () => {
    if (undoable && !busy) undo.mutate({ comparisonId: undoable.comparisonId });
  };

  useCompareKeyboard((key) => {
    if (key === "?") setHelpOpen((open) => !open);
    else if (key === "u") doUndo();
    else if (key === "g") toggleGuidelines();
    else if (key === "p") router.push("/annotate/write");
    else return false;
    return true;
  });

  const onSubmit = (values: SubmitValues) => {
    if (task) submit.mutate({ assignmentId: task.assignmentId, ...values });
  };
  const onSkip = (reason: string | null) => {
    if (task) skip.mutate({ assignmentId: task.assignmentId, reason });
  };
  const onFlag = (reason: string) => {
    if (task) flag.mutate({ assignmentId: task.assignmentId, reason });
  };

  const problem = error ?? current.error?.message ?? null;

  return (
    <div className="compare">
      <ProgressLine doneToday={progress.data?.doneToday} waiting={progress.data?.waiting} onHelp={() => setHelpOpen(true)} />
      {problem && (
        <div className="problem">
          <p className="error" role="alert">
            {problem}
          </p>
          <button
            type="button"
            className="link-button"
            onClick={() => {
              setError(null);
              void queryClient.invalidateQueries({ queryKey: currentKey });
            }}
          >
            Reload pair
          </button>
        </div>
      )}

      {me.data && isAdmin && !adminTakes ? (
        <section className="card empty-queue" aria-label="Take a pair">
          <p className="empty-title">You are signed in as an admin.</p>
          <p className="muted">
            Nothing is taken from the queue until you ask: a pair you take holds one of its places until you label, skip or flag it,
            and is given back when you leave this page.
          </p>
          <button type="button" className="primary" onClick={() => setAdminTakes(true)}>
            Take a pair to annotate
          </button>
        </section>
      ) : current.isPending ? (
        <p className="muted loading">Loading your next pair…</p>
      ) : task ? (
        <div className={`compare-layout${guidelinesOpen ? " guidelines-open" : ""}`}>
          <TaskView
            key={task.assignmentId}
            task={task}
            initial={restore?.assignmentId === task.assignmentId ? restore.values : undefined}
            busy={busy}
            onSubmit={onSubmit}
            onSkip={onSkip}
            onFlag={onFlag}
          />
          <GuidelinesPanel protocol={task.protocol} open={guidelinesOpen} onToggle={toggleGuidelines} />
        </div>
      ) : task === null ? (
        <section className="card empty-queue">
          <p className="empty-title">No pairs waiting for you right now.</p>
          <p className="muted">New pairs arrive with each batch. This page checks again every minute.</p>
          <button type="button" onClick={() => void current.refetch()} disabled={current.isFetching}>
            Check again
          </button>
        </section>
      ) : null}

      {undoable && <UndoToast until={undoable.until} busy={busy} onUndo={doUndo} />}
      <HelpOverlay open={helpOpen} onClose={() => setHelpOpen(false)} />
    </div>
  );
}
