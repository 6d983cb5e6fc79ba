// The export endpoint's rules, apart from Next.js: who may export, and which options a query
// string asks for. Used by app/api/export/route.ts.
import { userForRequest } from "../api-tokens/api-tokens";
import type { CurrentUser } from "../auth/current-user";
import { mayEnter } from "../auth/roles";
import type { DbOrTx } from "../db/types";
import { describeZodError } from "../validation/describe-zod-error";
import { type ExportOptions, exportOptionsSchema } from "./export.schema";
import { unknownSelection } from "./export-selection";
import { prisma } from "../db/prisma";

export type ExportRequest =
  | { ok: true; user: CurrentUser; options: ExportOptions; as: "zip" | "jsonl" }
  | { ok: false; status: 400 | 401 | 403; error: string };

export async function parseExportRequest(db: DbOrTx, url: URL, headers: Headers): Promise<ExportRequest> {
  const user = await userForRequest(db, headers);
  if (!user) return { ok: false, status: 401, error: "Sign in, or send a personal API token as 'Authorization: Bearer pp_…'." };
  if (!mayEnter(user.role, "research")) return { ok: false, status: 403, error: `Exports need the RESEARCHER or ADMIN role; you are ${user.role}.` };

  const q = url.searchParams;
  const list = (name: string) => q.get(name)?.split(",").map((s) => s.trim()).filter(Boolean) || undefined;
  const flag = (name: string) => (q.has(name) ? ["1", "true", "yes"].includes(q.get(name)!.toLowerCase()) : undefined);
  const parsed = exportOptionsSchema.safeParse({
    format: q.get("format") ?? undefined,
    file: q.get("file") ?? undefined,
    style: q.get("style") ?? undefined,
    prompt: q.get("prompt") ?? undefined,
    margin: q.get("margin") ?? undefined,
    aggregate: q.get("aggregate") ?? undefined,
    roundIds: list("rounds"),
    batchIds: list("batches"),
    protocol: q.get("protocol") ?? undefined,
    sources: list("sources"),
    dropUnsure: flag("dropUnsure"),
    testFraction: q.has("testFraction") ? Number(q.get("testFraction")) : undefined,
    license: q.get("license") ?? undefined,
  });
  if (!parsed.success) return { ok: false, status: 400, error: `Invalid export: ${describeZodError(parsed.error)}` };
  const as = q.get("as") ?? "zip";
  if (as !== "zip" && as !== "jsonl") return { ok: false, status: 400, error: "as: zip or jsonl" };
  if (as === "jsonl" && parsed.data.testFraction > 0) {
    return { ok: false, status: 400, error: "as: a train/test split has two files; ask for a zip" };
  }
  if (as === "jsonl" && parsed.data.file === "parquet") {
    return { ok: false, status: 400, error: "as: Parquet comes in the zip; as=jsonl streams JSON lines" };
  }
  const unknown = await unknownSelection(db, parsed.data);
  if (unknown) return { ok: false, status: 400, error: `Invalid export: ${unknown}` };
  return { ok: true, user, options: parsed.data, as };
}

/** The same for the export route handler, against the app's database. */
export function exportRequestFromHttp(request: Request): Promise<ExportRequest> {
  return parseExportRequest(prisma, new URL(request.url), request.headers);
}
