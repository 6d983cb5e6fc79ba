// How an IMPORT job ended, read from its row: the import's result, or the file's fault (the
// row's place and field) recorded by the job as its JobFailure, or another failure. Plain data
// with no server imports, so the import page reads it too.
import { z } from "zod";
import { jobFailureSchema } from "../jobs/jobs.schema";
import type { runImport } from "./run-import";

export type ImportJobResult = Awaited<ReturnType<typeof runImport>>;

/** Why an import job failed when the file is at fault (its JobFailure's `failure`): the row's
 *  place ("line 2501", a Parquet row group) and field, or what is wrong with the whole file. */
export const importFailureSchema = z.object({
  kind: z.enum(["row", "file"]),
  where: z.string().nullable(),
  field: z.string().nullable(),
  problem: z.string(),
});
export type ImportFailure = z.infer<typeof importFailureSchema>;

export type ImportOutcome =
  | { status: "SUCCEEDED"; result: ImportJobResult }
  /** `failure`: the file is at fault (a bad row or an unreadable file); retrying cannot help. */
  | { status: "FAILED"; error: string; failure: ImportFailure | null }
  | { status: "CANCELLED" };

/** The outcome of an ended job; null while it runs. */
export function importOutcome(job: { status: string; result: unknown; error: string | null }): ImportOutcome | null {
  if (job.status === "SUCCEEDED") return { status: "SUCCEEDED", result: job.result as ImportJobResult };
  if (job.status === "CANCELLED") return { status: "CANCELLED" };
  if (job.status !== "FAILED") return null;
  const failed = jobFailureSchema.safeParse(job.result);
  const failure = failed.success ? importFailureSchema.safeParse(failed.data.failure) : null;
  return { status: "FAILED", error: job.error ?? "The import failed.", failure: failure?.success ? failure.data : null };
}
