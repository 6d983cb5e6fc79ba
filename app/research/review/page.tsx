"use client";
// The review queue: what annotators flagged, skipped with a reason, or commented on, each with
// the pair as annotators saw it, and the researcher's actions: resolve with a note, remove the
// pair from its batch, mark its prompt as bad (server/review/review.ts says what each does).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import type { AppRouter } from "~/server/trpc/root";
import { strength as strengthInfo } from "~/server/preferences/vocabulary";
import { ErrorAlert } from "../../_components/ErrorAlert";
import { useTRPC } from "../../_trpc/client";
import { PairView } from "../_components/PairView";
import "../research.css";

type Item = inferRouterOutputs<AppRouter>["review"]["list"]["items"][number];
type Kind = "" | "flag" | "skip" | "comment";
type Status = "open" | "resolved" | "all";

const kindLabel = { flag: "Flag", skip: "Skip", comment: "Comment" } as const;

function useInvalidate() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.review.list.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.review.counts.queryKey() }),
    ]);
}

/** One text field and a button: the note or reason an action records. */
function ActionForm({ label, button, pending, onSubmit }: { label: string; button: string; pending: boolean; onSubmit: (text: string) => void }) {
  const [text, setText] = useState("");
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit(text);
      }}
    >
      <label>
        {label}
        <input type="text" value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <button type="submit" disabled={pending}>
        {button}
      </button>
    </form>
  );
}

function ReviewCard({ item }: { item: Item }) {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const resolve = useMutation(trpc.review.resolve.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(trpc.review.removePair.mutationOptions({ onSuccess: invalidate }));
  const markBad = useMutation(trpc.review.markPromptBad.mutationOptions({ onSuccess: invalidate }));
  const { pair } = item;
  return (
    <article className="card review-item" aria-label={`${kindLabel[item.kind]} by ${item.annotator.name}`} data-kind={item.kind} data-item-id={item.id}>
      <h2>
        {kindLabel[item.kind]} by {item.annotator.name}
      </h2>
      <p className="muted">
        {pair.batch.round.name} · <Link href={`/research/batches/${pair.batch.id}`}>{pair.batch.name}</Link> · {new Date(item.at).toLocaleString()}
        {item.judgement && ` · chose ${item.judgement.chosen}, ${strengthInfo(item.judgement.strength).phrase}`}
      </p>
      <p className="review-report" data-testid="review-text">
        {item.text}
      </p>
      <PairView pair={pair} />
      {item.review ? (
        <p className="review-state" data-testid="review-resolution">
          <span className="badge">Resolved</span> {item.review.by ?? "?"}: {item.review.note}
        </p>
      ) : null}
      <ErrorAlert error={resolve.error ?? remove.error ?? markBad.error} />
      <div className="review-actions">
        {!item.review && (
          <ActionForm label="Note" button="Resolve" pending={resolve.isPending} onSubmit={(note) => resolve.mutate({ kind: item.kind, id: item.id, note })} />
        )}
        {!pair.removedAt && (
          <ActionForm label="Why remove the pair" button="Remove from batch" pending={remove.isPending} onSubmit={(reason) => remove.mutate({ pairId: pair.id, reason })} />
        )}
        {!pair.prompt.badAt && (
          <ActionForm label="Why the prompt is bad" button="Mark prompt bad" pending={markBad.isPending} onSubmit={(reason) => markBad.mutate({ promptId: pair.prompt.id, reason })} />
        )}
      </div>
    </article>
  );
}

export default function ReviewPage() {
  const trpc = useTRPC();
  const [kind, setKind] = useState<Kind>("");
  const [status, setStatus] = useState<Status>("open");
  const [batchId, setBatchId] = useState("");
  const batches = useQuery(trpc.batches.list.queryOptions());
  const counts = useQuery(trpc.review.counts.queryOptions());
  const list = useQuery(trpc.review.list.queryOptions({ kind: kind || null, status, batchId: batchId || null, limit: 100 }));
  const open = counts.data?.open;
  return (
    <section className="stack">
      <p>
        <Link href="/research">← Research</Link>
      </p>
      <h1>Review queue</h1>
      <p className="muted" data-testid="review-counts">
        {open ? `Open: ${open.flags} flags, ${open.skips} skips with a reason, ${open.comments} comments. ` : ""}
        {counts.data ? `${counts.data.removedPairs} pairs removed, ${counts.data.badPrompts} prompts marked bad.` : ""}
      </p>
      <form className="review-filters" aria-label="Filter" onSubmit={(e) => e.preventDefault()}>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            <option value="">all</option>
            <option value="flag">flags</option>
            <option value="skip">skips</option>
            <option value="comment">comments</option>
          </select>
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as Status)}>
            <option value="open">open</option>
            <option value="resolved">resolved</option>
            <option value="all">all</option>
          </select>
        </label>
        <label>
          Batch
          <select value={batchId} onChange={(e) => setBatchId(e.target.value)}>
            <option value="">all batches</option>
            {batches.data?.map((b) => (
              <option key={b.id} value={b.id}>
                {b.round.name} · {b.name}
              </option>
            ))}
          </select>
        </label>
      </form>
      <ErrorAlert error={list.error} />
      {list.isPending && <p className="muted">Loading…</p>}
      {list.data && list.data.items.length === 0 && <p className="muted">Nothing to review here.</p>}
      <div className="pair-list">
        {list.data?.items.map((item) => (
          <ReviewCard key={`${item.kind}-${item.id}`} item={item} />
        ))}
      </div>
    </section>
  );
}
