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
import { type Column, DataTable } from "../../_components/DataTable";

type Batch = inferRouterOutputs<AppRouter>["batches"]["list"][number];
const statuses = updateBatchInput.shape.status.unwrap().options;

export default function BatchesPage() {
  const trpc = useTRPC();
  const batches = useQuery(trpc.batches.list.queryOptions());
  return (
    <section className="stack">
      <h1>Batches</h1>
      <DataTable
        label="Batches"
        columns={columns}
        rows={batches.data}
        rowKey={(b) => b.id}
        rowProps={(b) => ({ "data-batch-id": b.id })}
        useRowState={useBatchEdit}
        error={batches.error}
        empty="No batches yet: generate pairs or import a dataset."
      />
    </section>
  );
}

/** A row's edits of status, priority and gold rate, and their save. */
function useBatchEdit(batch: Batch) {
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
  const imported = batch.importId !== null;

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

  return {
    status: [status, (v: string) => edit(setStatus, v)] as const,
    priority: [priority, (v: string) => edit(setPriority, v)] as const,
    goldRate: [goldRate, (v: string) => edit(setGoldRate, v)] as const,
    imported,
    save,
    saving: update.isPending,
    saved: update.isSuccess,
    error: localError ?? update.error?.message,
  };
}

const columns: Column<Batch, ReturnType<typeof useBatchEdit>>[] = [
  { header: "Round", value: (b) => b.round.name },
  { header: "Batch", value: (b) => b.name },
  { header: "Pairs", num: true, value: (b) => b._count.pairs },
  { header: "Overlap", num: true, value: (b) => b.annotationsPerPair },
  {
    header: "Status",
    cell: (b, { status: [status, setStatus], imported }) => (
      <>
        <select
          aria-label={`Status of ${b.name}`}
          value={status}
          disabled={imported}
          aria-describedby={imported ? `imported-${b.id}` : undefined}
          onChange={(e) => setStatus(e.target.value)}
        >
          {statuses.map((s) => (
            <option key={s} value={s}>
              {s.toLowerCase()}
            </option>
          ))}
        </select>
        {imported && (
          <span id={`imported-${b.id}`} className="muted">
            {" "}
            imported dataset
          </span>
        )}
      </>
    ),
  },
  {
    header: "Priority",
    cell: (b, { priority: [priority, setPriority] }) => (
      <input
        type="number"
        aria-label={`Priority of ${b.name}`}
        step={1}
        min={-1000}
        max={1000}
        size={6}
        style={{ width: "6rem" }}
        value={priority}
        onChange={(e) => setPriority(e.target.value)}
      />
    ),
  },
  {
    header: "Gold rate",
    cell: (b, { goldRate: [goldRate, setGoldRate] }) => (
      <input
        type="number"
        aria-label={`Gold rate of ${b.name}`}
        step={0.05}
        min={0}
        max={1}
        style={{ width: "6rem" }}
        value={goldRate}
        onChange={(e) => setGoldRate(e.target.value)}
      />
    ),
  },
  {
    header: "",
    cell: (_b, { save, saving, saved, error }) => (
      <>
        <button type="button" onClick={save} disabled={saving}>
          Save
        </button>
        {saved && !error && (
          <span className="muted" role="status">
            {" "}
            Saved
          </span>
        )}
        <ErrorAlert error={error} />
      </>
    ),
  },
];
