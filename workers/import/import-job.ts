// The IMPORT job: every uploaded file is imported by a worker, not the web request, with its
// progress pushed to the import page and the job's page. The import is one transaction, so a
// failed or cancelled run has written nothing and a retry starts over. The upload is removed once
// the import succeeded, or when the file itself is at fault: then the job's result says where
// (line and field) and that a retry would fail the same way; the file must be fixed and uploaded again.
import fs from "node:fs";
import { lockHeldJobRaw } from "../../server/jobs/fence";
import { JobError, type JobHandler } from "../../server/jobs/job-handler";
import { type ImportJobParameters, importJobParameters } from "../../server/import/import.schema";
import { FileError, ImportRowError } from "../../server/import/readers";
import { runImport } from "../../server/import/run-import";
import { importFailureOf } from "../../server/import/start-import";
import { removeUpload, uploadPath } from "../../server/import/uploads";
import { config } from "../../server/config/config";

export const importHandler: JobHandler<ImportJobParameters> = {
  type: "IMPORT",
  parameters: importJobParameters,

  async run({ job, parameters: p, fence, progress, log, throwIfCancelled }) {
    const file = uploadPath(p.uploadId, p.fileName);
    if (!fs.existsSync(file)) throw new JobError(`The uploaded file ${p.fileName} is not on this worker's disk (${file}); upload it again.`);
    await log(`Importing ${p.fileName} (${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MB) as "${p.options.sourceName}".`);
    let last = 0;
    try {
      const result = await runImport(config().DATABASE_URL!, { path: file, fileName: p.fileName }, p.options, {
        createdById: job.createdById,
        jobId: job.id,
        // The import writes on a connection of its own; it commits only while this attempt holds the job.
        beforeCommit: (query) => lockHeldJobRaw(query, fence),
        onProgress: (fraction) => {
          throwIfCancelled(); // a cancel aborts the import; its transaction rolls back
          if (fraction - last >= 0.02) {
            last = fraction;
            void progress(Math.min(0.99, fraction), `${Math.round(fraction * 100)}% of the file read`);
          }
        },
      });
      removeUpload(p.uploadId, p.fileName);
      await log(`${result.inserted} imported, ${result.duplicates} duplicates skipped, ${result.promptsCreated} new prompts (${result.format}).`);
      await progress(1, "done");
      return result;
    } catch (error) {
      // A bad row or file is the file's fault: retrying cannot fix it.
      if (error instanceof ImportRowError || error instanceof FileError) {
        removeUpload(p.uploadId, p.fileName);
        throw new JobError(`Nothing was imported. ${error.message} Fix the file and upload it again.`, { failure: importFailureOf(error), retryable: false });
      }
      throw error;
    }
  },
};
