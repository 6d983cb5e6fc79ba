// Running an uploaded file's import: always a worker job (IMPORT), whatever the file's size, so
// parsing never runs on the web process's event loop (only the preview does, for ten rows). The
// admin page follows the job's pushed updates; /api/import waits here for the job to end (its
// NOTIFY) and answers with its result, as a script expects.
import fs from "node:fs";
import type { Db, DbOrTx } from "../db/types";
import { enqueueJob } from "../jobs/enqueue";
import { jobHasEnded, watchJob } from "../jobs/job-watch";
import { type StartImportInput, importJobParameters } from "./import.schema";
import { type ImportFailure, type ImportOutcome, importOutcome } from "./import-outcome";
import { FileError, ImportRowError } from "./readers";
import { uploadPath } from "./uploads";

/** Queues the import of an upload (refused at once when the upload is gone); the job's id. */
export async function startImport(db: DbOrTx, input: StartImportInput, userId: string): Promise<{ jobId: string }> {
  const parameters = importJobParameters.parse(input);
  if (!fs.existsSync(uploadPath(parameters.uploadId, parameters.fileName))) {
    throw new FileError("The upload is gone (already imported, or never finished); upload the file again.");
  }
  // A second attempt only after a worker died under the first: the import is one transaction.
  const job = await enqueueJob(db, { type: "IMPORT", parameters, createdById: userId, maxAttempts: 2 });
  return { jobId: job.id };
}

/** The error the file's failure stands for, as the import itself threw it. */
export function importFailureError(failure: ImportFailure): ImportRowError | FileError {
  return failure.kind === "row" ? new ImportRowError(failure.where ?? "", failure.field ?? "", failure.problem) : new FileError(failure.problem);
}

/** The failure recorded for a job whose file was at fault. */
export function importFailureOf(error: ImportRowError | FileError): ImportFailure {
  return error instanceof ImportRowError
    ? { kind: "row", where: error.where, field: error.field || null, problem: error.problem }
    : { kind: "file", where: null, field: null, problem: error.message };
}

/**
 * Waits for the import job to end, woken by its NOTIFY (no polling); null when `signal` aborts
 * first (the client went away: the job carries on).
 */
export async function waitForImport(db: Db, jobId: string, signal?: AbortSignal): Promise<ImportOutcome | null> {
  if (signal?.aborted) return null;
  const read = () => db.job.findUniqueOrThrow({ where: { id: jobId }, select: { status: true, result: true, error: true } });
  let last: Awaited<ReturnType<typeof read>> | null = null;
  for await (const job of watchJob(jobId, signal, read, (job) => jobHasEnded(job.status))) last = job;
  return last && jobHasEnded(last.status) ? importOutcome(last) : null;
}
