"use client";
// One batch's pairs for review, 20 at a time, with gold marking per pair.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useParams } from "next/navigation";
import { useTRPC } from "../../../_trpc/client";
import "../../research.css";
import { PairCard } from "./PairCard";
import { ErrorAlert } from "../../../_components/ErrorAlert";

const PAGE_SIZE = 20;

export default function BatchPage() {
  const { batchId } = useParams<{ batchId: string }>();
  const trpc = useTRPC();
  const batches = useQuery(trpc.batches.list.queryOptions());
  const pairs = useInfiniteQuery(
    trpc.batches.pairs.infiniteQueryOptions(
      { batchId, limit: PAGE_SIZE },
      { getNextPageParam: (last) => last.nextCursor },
    ),
  );

  if (batches.error) {
    return (
      <section className="stack">
        <h1>Batch</h1>
        <p className="error" role="alert">
          {batches.error.message}
        </p>
      </section>
    );
  }
  if (!batches.data) return <p className="muted">Loading…</p>;

  const batch = batches.data.find((b) => b.id === batchId);
  if (!batch) {
    return (
      <section className="stack">
        <h1>Batch not found</h1>
        <p>
          There is no batch with id <code>{batchId}</code>. <Link href="/research">Back to all batches</Link>
        </p>
      </section>
    );
  }

  const loaded = pairs.data?.pages.flatMap((p) => p.pairs) ?? [];
  return (
    <section className="stack">
      <p>
        <Link href="/research">← All batches</Link>
      </p>
      <h1>{batch.name}</h1>
      <p className="muted">
        {batch.round.name} · {batch.status.toLowerCase()} · {batch._count.pairs} pairs · {batch.annotationsPerPair}{" "}
        annotations per pair
      </p>
      <ErrorAlert error={pairs.error} />
      {pairs.isPending && <p className="muted">Loading pairs…</p>}
      {pairs.isSuccess && loaded.length === 0 && <p className="muted">This batch has no pairs yet.</p>}
      <div className="pair-list">
        {loaded.map((pair, i) => (
          <PairCard key={pair.id} pair={pair} index={i + 1} />
        ))}
      </div>
      {pairs.hasNextPage && (
        <p>
          <button type="button" onClick={() => pairs.fetchNextPage()} disabled={pairs.isFetchingNextPage}>
            {pairs.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        </p>
      )}
    </section>
  );
}
