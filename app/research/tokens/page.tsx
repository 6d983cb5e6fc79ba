"use client";
// Personal API tokens for scripts: `curl -H "Authorization: Bearer pp_…" "$URL/api/export?format=trl"`.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, useSyncExternalStore } from "react";
import { useTRPC } from "../../_trpc/client";
import { ErrorAlert } from "../../_components/ErrorAlert";
import { EmptyRow } from "../../_components/EmptyRow";

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
      <table className="table" aria-label="API tokens">
        <thead>
          <tr>
            <th>Name</th>
            <th>Starts with</th>
            <th>Created</th>
            <th>Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tokens.data?.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td>
                <code>{t.prefix}…</code>
              </td>
              <td>{t.createdAt.toLocaleString()}</td>
              <td>{t.lastUsedAt ? t.lastUsedAt.toLocaleString() : "never"}</td>
              <td>
                {t.revokedAt ? (
                  "revoked"
                ) : (
                  <button type="button" onClick={() => revoke.mutate({ tokenId: t.id })}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
          {tokens.data?.length === 0 && <EmptyRow colSpan={5}>No tokens yet.</EmptyRow>}
        </tbody>
      </table>
    </section>
  );
}
