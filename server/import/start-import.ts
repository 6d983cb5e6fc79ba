// Running an uploaded file's import: small files at once, in the request; big ones as a worker
// job (IMPORT) with progress on its page, so no web request holds a long import.
import fs from "node:fs";
import type { DbOrTx } from "../db/types";
import { enqueueJob } from "../jobs/enqueue";
import { type StartImportInput, importJobParameters } from "./import.schema";
import { FileError } from "./readers";
import { runImport } from "./run-import";
import { removeUpload, uploadPath } from "./uploads";

/** Files up to this size (IMPORT_INLINE_BYTES, default 20 MB) are imported in the request. */
export const inlineImportBytes = () => Number(process.env.IMPORT_INLINE_BYTES) || 20 * 1024 ** 2;

export type StartedImport =
  | { mode: "done"; result: Awaited<ReturnType<typeof runImport>> }
  | { mode: "job"; jobId: string };

export async function startImport(db: DbOrTx, connectionString: string, input: StartImportInput, userId: string): Promise<StartedImport> {
  const parameters = importJobParameters.parse(input);
  const file = uploadPath(parameters.uploadId, parameters.fileName);
  if (!fs.existsSync(file)) throw new FileError("The upload is gone (already imported, or never finished); upload the file again.");
  if (fs.statSync(file).size > inlineImportBytes()) {
    const job = await enqueueJob(db, { type: "IMPORT", parameters, createdById: userId, maxAttempts: 2 });
    return { mode: "job", jobId: job.id };
  }
  try {
    const result = await runImport(connectionString, { path: file, fileName: parameters.fileName }, parameters.options, { createdById: userId });
    return { mode: "done", result };
  } finally {
    removeUpload(parameters.uploadId, parameters.fileName);
  }
}
