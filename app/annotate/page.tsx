"use client";
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../_trpc/client";

export default function AnnotatorHome() {
  const trpc = useTRPC();
  const summary = useQuery(trpc.queue.summary.queryOptions());
  return (
    <section className="stack">
      <h1>Your queue</h1>
      {summary.error && <p className="error">{summary.error.message}</p>}
      {summary.data && (
        <div className="stats">
          <div className="stat">
            <span className="stat-value" data-testid="queue-waiting">
              {summary.data.waiting}
            </span>
            <span className="stat-label">pairs waiting for you</span>
          </div>
          <div className="stat">
            <span className="stat-value">{summary.data.doneToday}</span>
            <span className="stat-label">labelled today</span>
          </div>
        </div>
      )}
    </section>
  );
}
