"use client";
// Batch settings for admins: status (draft / open / closed), queue priority and gold rate.
// Batches that hold an imported dataset keep their status: they are never annotated.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useState } from "react";
import { updateBatchInput } from "~/server/batches/batches.schema";
import type { AppRouter } from "~/server/trpc/root";
import { useTRPC } from "../../_trpc/client";
import { ErrorAlert } from "../../_components/ErrorAlert";
import { EmptyRow } from "../../_components/EmptyRow";

type Batch = inferRouterOutputs<AppRouter>["batches"]["list"][number];
const statuses = updateBatchInput.shape.status.unwrap().options;

export default function BatchesPage() {
  const trpc = useTRPC();
  const batches = useQuery(trpc.batches.list.queryOptions());
  return (
    <section className="stack">
      <h1>Batches</h1>
      <ErrorAlert error={batches.error} />
      <table className="table" aria-label="Batches">
        <thead>
          <tr>
            <th>Round</th>
            <th>Batch</th>
            <th className="num">Pairs</th>
            <th className="num">Overlap</th>
            <th>Status</th>
            <th>Priority</th>
            <th>Gold rate</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {batches.data?.map((b) => (
            <BatchRow key={b.id} batch={b} />
          ))}
          {batches.data?.length === 0 && <EmptyRow colSpan={8}>No batches yet: generate pairs or import a dataset.</EmptyRow>}
        </tbody>
      </table>
    </section>
  );
}

function BatchRow({ batch }: { batch: Batch }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<string>(batch.status);
  const [priority, setPriority] = useState(String(batch.priority));
  const [goldRate, setGoldRate] = useState(String(batch.goldRate));
  const [localError, setLocalError] = useState<string | null>(null);
  const update = useMutation(
    trpc.batches.update.mutationOptions({
      onSuccess: () =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.batches.list.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.dashboard.batches.pathKey() }),
        ]),
    }),
  );

  /** Any edit clears the last "Saved" / error note of the row. */
  function edit(set: (v: string) => void, value: string) {
    set(value);
    setLocalError(null);
    update.reset();
  }

  function save() {
    update.reset();
    const toNumber = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));
    const p = toNumber(priority);
    const g = toNumber(goldRate);
    if (!Number.isInteger(p)) return setLocalError("priority: a whole number between -1000 and 1000");
    if (Number.isNaN(g)) return setLocalError("goldRate: between 0 and 1");
    const parsed = updateBatchInput.safeParse({ batchId: batch.id, status: imported ? undefined : status, priority: p, goldRate: g });
    if (!parsed.success) return setLocalError(parsed.error.issues.map((i) => i.message).join("; "));
    setLocalError(null);
    update.mutate(parsed.data);
  }

  const error = localError ?? update.error?.message;
  const name = batch.name;
  const imported = batch.importId !== null;
  return (
    <tr data-batch-id={batch.id}>
      <td>{batch.round.name}</td>
      <td>{name}</td>
      <td className="num">{batch._count.pairs}</td>
      <td className="num">{batch.annotationsPerPair}</td>
      <td>
        <select
          aria-label={`Status of ${name}`}
          value={status}
          disabled={imported}
          aria-describedby={imported ? `imported-${batch.id}` : undefined}
          onChange={(e) => edit(setStatus, e.target.value)}
        >
          {statuses.map((s) => (
            <option key={s} value={s}>
              {s.toLowerCase()}
            </option>
          ))}
        </select>
        {imported && (
          <span id={`imported-${batch.id}`} className="muted">
            {" "}
            imported dataset
          </span>
        )}
      </td>
      <td>
        <input
          type="number"
          aria-label={`Priority of ${name}`}
          step={1}
          min={-1000}
          max={1000}
          size={6}
          style={{ width: "6rem" }}
          value={priority}
          onChange={(e) => edit(setPriority, e.target.value)}
        />
      </td>
      <td>
        <input
          type="number"
          aria-label={`Gold rate of ${name}`}
          step={0.05}
          min={0}
          max={1}
          style={{ width: "6rem" }}
          value={goldRate}
          onChange={(e) => edit(setGoldRate, e.target.value)}
        />
      </td>
      <td>
        <button type="button" onClick={save} disabled={update.isPending}>
          Save
        </button>
        {update.isSuccess && !error && (
          <span className="muted" role="status">
            {" "}
            Saved
          </span>
        )}
        <ErrorAlert error={error} />
      </td>
    </tr>
  );
}
