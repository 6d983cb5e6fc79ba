"use client";
// The admin home's control room: where the loop stands (the current round and its batch's
// labelling, the active reward models and their accuracy, running jobs) and the next step.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { ErrorAlert } from "../../_components/ErrorAlert";
import { useTRPC } from "../../_trpc/client";
import { percent } from "../../research/_components/charts";
import { JobProgress } from "../jobs/_components/JobProgress";

type Status = NonNullable<ReturnType<typeof useLoopStatus>["data"]>;

function useLoopStatus() {
  const trpc = useTRPC();
  return useQuery(trpc.rounds.loopStatus.queryOptions(undefined, { refetchInterval: 5_000 }));
}

function NextStep({ next }: { next: Status["next"] }) {
  switch (next.kind) {
    case "train":
      return (
        <>
          Train the {next.missing.map((k) => k.toLowerCase()).join(" and ")} reward model{next.missing.length > 1 ? "s" : ""} and make {next.missing.length > 1 ? "them" : "it"} active:{" "}
          <Link href="/admin/reward-models">Reward models</Link>.
        </>
      );
    case "wait-round":
      return (
        <>
          {next.roundName} is sampling and scoring: <Link href={`/admin/rounds/${next.roundId}`}>follow it</Link>.
        </>
      );
    case "fix-round":
      return (
        <>
          {next.roundName}&apos;s job {next.jobStatus.toLowerCase()}: <Link href={`/admin/rounds/${next.roundId}`}>read why, retry or discard it</Link>.
        </>
      );
    case "open-batch":
      return (
        <>
          {next.roundName}&apos;s batch is a draft: <Link href="/admin/batches">open it for annotators</Link>.
        </>
      );
    case "annotate":
      return (
        <>
          Annotators are labelling {next.roundName}&apos;s batch ({next.done} of {next.pairs} pairs done); when they are through, retrain the reward models.
        </>
      );
    case "retrain":
      return (
        <>
          {next.newLabels} labels came in since the active reward models were trained: <Link href="/admin/reward-models">retrain them</Link>, then{" "}
          <Link href="/admin/rounds/new">set up the next round</Link>.
        </>
      );
    case "new-round":
      return (
        <>
          <Link href="/admin/rounds/new">Set up the next round</Link> with the active reward models.
        </>
      );
  }
}

export function LoopStatus() {
  const status = useLoopStatus();
  const s = status.data;
  return (
    <section className="stack" aria-label="The loop">
      <h2>The loop</h2>
      <ErrorAlert error={status.error} />
      {s && (
        <>
          <p data-testid="next-step">
            <strong>Next:</strong> <NextStep next={s.next} />
          </p>
          <dl className="facts">
            <dt>Current round</dt>
            <dd>
              {s.current ? <Link href={`/admin/rounds/${s.current.id}`}>{s.current.name}</Link> : "none yet"}
              {s.current ? ` (${s.current.status.toLowerCase()})` : ""}
            </dd>
            <dt>Its batch</dt>
            <dd>
              {s.batch
                ? `${s.batch.name}: ${s.batch.status.toLowerCase()}, ${s.batch.done} of ${s.batch.pairs} pairs labelled, ${s.batch.comparisons} labels (${percent(s.batch.unsureShare)} negligibly better / unsure)`
                : "—"}
            </dd>
            {(["HELPFULNESS", "SAFETY"] as const).map((kind) => {
              const m = s.rewardModels[kind];
              return [
                <dt key={`${kind}-t`}>{kind === "HELPFULNESS" ? "Helpfulness" : "Safety"} reward model</dt>,
                <dd key={`${kind}-d`}>{m ? <Link href={`/admin/reward-models/${m.id}`}>v{m.version}, test accuracy {percent(m.accuracy)}</Link> : "none active"}</dd>,
              ];
            })}
            <dt>Running jobs</dt>
            <dd>
              {s.running.length === 0
                ? "none"
                : s.running.map((j) => (
                    <div key={j.id}>
                      <Link href={`/admin/jobs/${j.id}`}>{j.type.toLowerCase().replace(/_/g, " ")}</Link> <JobProgress status={j.status} progress={j.progress} message={j.progressMessage} />
                    </div>
                  ))}
            </dd>
          </dl>
        </>
      )}
    </section>
  );
}
