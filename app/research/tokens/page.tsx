"use client";
// Personal API tokens for scripts: `curl -H "Authorization: Bearer pp_…" "$URL/api/export?format=trl"`.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useState, useSyncExternalStore } from "react";
import type { AppRouter } from "~/server/trpc/root";
import { useTRPC } from "../../_trpc/client";
import { ErrorAlert } from "../../_components/ErrorAlert";
import { type Column, DataTable } from "../../_components/DataTable";

type Token = inferRouterOutputs<AppRouter>["apiTokens"]["list"][number];
const noSubscription = () => () => {};

/** This site's origin: "" while the server renders and the page hydrates, then the browser's (no mismatch). */
function useOrigin() {
  return useSyncExternalStore(noSubscription, () => window.location.origin, () => "");
}

export default function TokensPage() {
  const trpc = useTRPC();
  const origin = useOrigin();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.apiTokens.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.apiTokens.list.queryKey() });
  const [name, setName] = useState("");
  const [created, setCreated] = useState<string | null>(null);
  const create = useMutation(
    trpc.apiTokens.create.mutationOptions({
      onSuccess: (result) => {
        setCreated(result.token);
        setName("");
        return refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.apiTokens.revoke.mutationOptions({ onSuccess: refresh }));
  const error = create.error ?? revoke.error;
  const columns: Column<Token>[] = [
    { header: "Name", value: (t) => t.name },
    { header: "Starts with", cell: (t) => <code>{t.prefix}…</code> },
    { header: "Created", cell: (t) => t.createdAt.toLocaleString() },
    { header: "Last used", cell: (t) => (t.lastUsedAt ? t.lastUsedAt.toLocaleString() : "never") },
    {
      header: "",
      cell: (t) =>
        t.revokedAt ? (
          "revoked"
        ) : (
          <button type="button" onClick={() => revoke.mutate({ tokenId: t.id })}>
            Revoke
          </button>
        ),
    },
  ];

  return (
    <section className="stack">
      <h1>API tokens</h1>
      <p className="muted">
        A token acts as you for exports: <code>curl -H &quot;Authorization: Bearer pp_…&quot; &quot;{origin}/api/export?format=trl&amp;margin=small&quot; -o export.zip</code>
      </p>
      <ErrorAlert error={error} />
      {created && (
        <p className="card" role="status">
          New token (shown once, copy it now): <code data-testid="new-token">{created}</code>
        </p>
      )}
      <form
        className="grid-form"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name });
        }}
      >
        <label>
          Token name
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="training cluster" />
        </label>
        <button type="submit" className="primary" disabled={create.isPending}>
          Create token
        </button>
      </form>
      <DataTable label="API tokens" columns={columns} rows={tokens.data} rowKey={(t) => t.id} error={tokens.error} empty="No tokens yet." />
    </section>
  );
}
