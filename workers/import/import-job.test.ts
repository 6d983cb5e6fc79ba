// An import through the real job runner and PostgreSQL: startImport hands every file to an
// IMPORT job, the job imports it with progress and provenance, and a bad file fails the job with
// the line and field (in its error and its result), leaving nothing written and no retry.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../server/db/prisma";
import { JobLost } from "../../server/jobs/fence";
import { retryJob } from "../../server/jobs/job-control";
import type { JobContext } from "../../server/jobs/job-handler";
import { stopJobProducer } from "../../server/jobs/job-queue";
import { type ImportJobParameters, importJobParameters } from "../../server/import/import.schema";
import { startImport } from "../../server/import/start-import";
import { saveUpload, uploadPath } from "../../server/import/uploads";
import { makeUser } from "../../server/testing/fixtures";
import { runJobNow } from "../jobs/run-job";
import { importHandler } from "./import-job";

let adminId: string;
beforeAll(async () => {
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "import-job-"));
  adminId = (await makeUser("ADMIN")).id;
});
afterAll(async () => {
  await stopJobProducer();
});

const hhFile = (rows: number, bad?: number) =>
  Array.from({ length: rows }, (_, i) =>
    i === bad ? `{"chosen": "oops"}` : JSON.stringify({ chosen: `\n\nHuman: Job question ${i}?\n\nAssistant: good ${i}`, rejected: `\n\nHuman: Job question ${i}?\n\nAssistant: bad ${i}` }),
  ).join("\n");

async function upload(content: string, fileName = "big.jsonl") {
  return saveUpload(Readable.from([Buffer.from(content)]), fileName);
}

describe("IMPORT job", () => {
  it("a file becomes a job that imports it, with progress and provenance", async () => {
    const file = await upload(hhFile(3000));
    const started = await startImport(prisma, { uploadId: file.uploadId, fileName: file.fileName, options: { sourceName: "job-source", licence: "MIT", format: "auto", protocol: "HELPFULNESS", strength: "BETTER", marginScale: "small" } }, adminId);
    const jobId = started.jobId;
    expect(await prisma.job.findUniqueOrThrow({ where: { id: jobId } })).toMatchObject({ type: "IMPORT", status: "QUEUED" });
    await runJobNow(prisma, importHandler, jobId);
    const job = await prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job).toMatchObject({ status: "SUCCEEDED", progress: 1, type: "IMPORT" });
    expect(job.result).toMatchObject({ rows: 3000, inserted: 3000, format: "hh-rlhf" });
    const imported = await prisma.datasetImport.findFirstOrThrow({ where: { jobId } });
    expect(imported).toMatchObject({ sourceName: "job-source", licence: "MIT", createdById: adminId, inserted: 3000 });
    expect(await prisma.comparison.count({ where: { importId: imported.id, strength: "BETTER" } })).toBe(3000);
    expect(fs.existsSync(uploadPath(file.uploadId, file.fileName))).toBe(false);
  });

  it("a bad row fails the job with its line and field, and nothing is written", async () => {
    const before = await prisma.comparison.count();
    const file = await upload(hhFile(3000, 2500));
    const started = await startImport(prisma, { uploadId: file.uploadId, fileName: file.fileName, options: { sourceName: "bad", format: "auto", protocol: "HELPFULNESS", strength: "BETTER", marginScale: "small" } }, adminId);
    const jobId = started.jobId;
    await runJobNow(prisma, importHandler, jobId);
    const job = await prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.status).toBe("FAILED");
    expect(job.error).toMatch(/line 2501, rejected: /);
    expect(await prisma.comparison.count()).toBe(before);
    expect(job.result).toMatchObject({ failure: { kind: "row", where: "line 2501", field: "rejected" }, retryable: false });
    // A retry would fail the same way (and the upload is gone): refused.
    await expect(retryJob(prisma, jobId, { name: "Ada" })).rejects.toThrow(/^A retry would fail the same way: Nothing was imported\. line 2501, rejected: /);
    expect((await prisma.job.findUniqueOrThrow({ where: { id: jobId } })).status).toBe("FAILED");
  });

  it("an attempt that lost its job (another worker took it over) commits nothing", async () => {
    const file = await upload(hhFile(500).replace(/Job question/g, "Taken-over question"), "taken-over.jsonl");
    const started = await startImport(prisma, { uploadId: file.uploadId, fileName: file.fileName, options: { sourceName: "taken-over", format: "auto", protocol: "HELPFULNESS", strength: "BETTER", marginScale: "small" } }, adminId);
    const jobId = started.jobId;
    const job = await prisma.job.update({ where: { id: jobId }, data: { status: "RUNNING", fence: 2 } });
    const stale: JobContext<ImportJobParameters> = {
      job: { id: jobId, type: "IMPORT", attempt: 1, createdById: adminId },
      parameters: importJobParameters.parse(job.parameters),
      db: prisma,
      fence: { jobId, token: 1 },
      transaction: () => Promise.reject(new Error("not used by the import")),
      signal: new AbortController().signal,
      throwIfCancelled: () => {},
      progress: async () => {},
      log: async () => {},
      setLive: () => {},
    };
    await expect(importHandler.run(stale)).rejects.toBeInstanceOf(JobLost);
    expect(await prisma.datasetImport.count({ where: { jobId } })).toBe(0);
    expect(await prisma.datasetImport.count({ where: { sourceName: "taken-over" } })).toBe(0);
    // The upload stays for the attempt that holds the job.
    expect(fs.existsSync(uploadPath(file.uploadId, file.fileName))).toBe(true);
  });

  it("an upload over the size limit is refused with the limit, and not kept", async () => {
    process.env.IMPORT_MAX_BYTES = "1000";
    try {
      await expect(upload(hhFile(100))).rejects.toThrow(/the limit is 0\.00 MB \(IMPORT_MAX_BYTES\)\. Nothing was kept\./);
      expect(fs.readdirSync(path.join(process.env.DATA_DIR!, "imports")).filter((f) => f.includes("big"))).toHaveLength(0);
    } finally {
      delete process.env.IMPORT_MAX_BYTES;
    }
  });
});
