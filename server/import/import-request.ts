// The import endpoints' rules, apart from Next.js (app/api/import/…): who may import (admins,
// signed in or with a personal API token, as for exports), the options a query string asks for,
// and the answers: the import job's result, or what is wrong and where.
import { userForRequest } from "../api-tokens/api-tokens";
import type { CurrentUser } from "../auth/current-user";
import { mayEnter } from "../auth/roles";
import type { DbOrTx } from "../db/types";
import { describeZodError } from "../validation/describe-zod-error";
import { type ImportOptions, importOptionsSchema } from "./import.schema";
import { FileError, ImportRowError } from "./readers";
import { DomainError, httpStatusOf } from "../errors/domain-error";
import type { ImportOutcome } from "./import-outcome";
import { importFailureError } from "./start-import";

type Refusal = { ok: false; status: number; error: string };

/** The admin making the request, or why not. */
export async function importRequester(db: DbOrTx, headers: Headers): Promise<{ ok: true; user: CurrentUser } | Refusal> {
  const user = await userForRequest(db, headers);
  if (!user) return { ok: false, status: 401, error: "Sign in, or send a personal API token as 'Authorization: Bearer pp_…'." };
  if (!mayEnter(user.role, "admin")) return { ok: false, status: 403, error: `Imports need the ADMIN role; you are ${user.role}.` };
  return { ok: true, user };
}

/** The file's name (its extension says JSONL, CSV or Parquet) from ?fileName= or X-File-Name. */
export function requestFileName(url: URL, headers: Headers): string | Refusal {
  const name = url.searchParams.get("fileName") ?? headers.get("x-file-name");
  return name ? decodeURIComponent(name) : { ok: false, status: 400, error: "fileName: name the file (?fileName=data.jsonl), its extension says how to read it" };
}

export function parseImportQuery(url: URL): { ok: true; options: ImportOptions } | Refusal {
  const q = url.searchParams;
  if (!q.get("source")?.trim()) {
    return { ok: false, status: 400, error: "Invalid import: source: name the source of the data (?source=Anthropic/hh-rlhf, or your team's name for its own prompts); it is stored as the import's sourceName" };
  }
  const parsed = importOptionsSchema.safeParse({
    format: q.get("format") ?? undefined,
    sourceName: q.get("source") ?? undefined,
    licence: q.get("licence") ?? undefined,
    protocol: q.get("protocol") ?? undefined,
    strength: q.get("strength") ?? undefined,
    marginScale: q.get("marginScale") ?? undefined,
  });
  if (!parsed.success) return { ok: false, status: 400, error: `Invalid import: ${describeZodError(parsed.error)}` };
  return { ok: true, options: parsed.data };
}

/** An import's refusal as an HTTP answer; anything else is not ours to explain. */
export function importErrorResponse(error: unknown): Refusal {
  if (error instanceof ImportRowError) return { ok: false, status: 400, error: `Nothing was imported. ${error.message}` };
  if (error instanceof FileError) return { ok: false, status: /limit/.test(error.message) ? 413 : 400, error: `Nothing was imported. ${error.message}` };
  if (error instanceof DomainError) return { ok: false, status: httpStatusOf(error), error: error.message };
  throw error;
}

/** How an import job ended, as the HTTP answer a script gets: the same as the import's own. */
export function importOutcomeResponse(jobId: string, outcome: ImportOutcome | null): { status: number; body: unknown } {
  if (!outcome) return { status: 202, body: { jobId } };
  if (outcome.status === "SUCCEEDED") return { status: 200, body: outcome.result };
  if (outcome.status === "CANCELLED") return { status: 409, body: { error: "The import was cancelled; nothing was imported.", jobId } };
  if (outcome.failure) {
    const refusal = importErrorResponse(importFailureError(outcome.failure));
    return { status: refusal.status, body: { error: refusal.error, jobId } };
  }
  return { status: 500, body: { error: outcome.error, jobId } };
}
