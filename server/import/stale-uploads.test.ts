// Uploads that no import needs are removed after the retention time; those a queued or running
// import will read, and recent ones, stay.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { stopJobProducer } from "../jobs/job-queue";
import { makeUser } from "../testing/fixtures";
import { removeStaleUploads, saveUpload, uploadRetentionMs, uploadsDir } from "./uploads";

beforeAll(() => {
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "stale-uploads-"));
});
afterAll(() => stopJobProducer());

const HOUR = 3600_000;
async function upload(name: string, ageHours: number) {
  const saved = await saveUpload(new Blob(['{"prompt": "hi"}\n']).stream(), name);
  const at = new Date(Date.now() - ageHours * HOUR);
  fs.utimesSync(saved.path, at, at);
  return saved;
}

describe("stale uploads", () => {
  it("removes old uploads no import needs, and keeps the rest", async () => {
    const previewedAndLeft = await upload("left.jsonl", 30);
    const failedImport = await upload("failed.jsonl", 48);
    const waitingForItsJob = await upload("queued.jsonl", 40);
    const running = await upload("running.jsonl", 40);
    const recent = await upload("recent.jsonl", 1);
    const admin = await makeUser("ADMIN");
    const job = (status: "QUEUED" | "RUNNING" | "FAILED", u: { uploadId: string; fileName: string }) =>
      prisma.job.create({ data: { type: "IMPORT", status, createdById: admin.id, parameters: { uploadId: u.uploadId, fileName: u.fileName, options: { sourceName: "x" } } } });
    await job("QUEUED", waitingForItsJob);
    await job("RUNNING", running);
    await job("FAILED", failedImport);
    fs.writeFileSync(path.join(uploadsDir(), "notes.txt"), "not an upload");
    fs.utimesSync(path.join(uploadsDir(), "notes.txt"), new Date(0), new Date(0));

    const removed = await removeStaleUploads(prisma, { retentionMs: 24 * HOUR });
    expect(removed.sort()).toEqual([path.basename(failedImport.path), path.basename(previewedAndLeft.path)].sort());
    expect(fs.readdirSync(uploadsDir()).sort()).toEqual(
      ["notes.txt", path.basename(waitingForItsJob.path), path.basename(running.path), path.basename(recent.path)].sort(),
    );
    expect(await removeStaleUploads(prisma, { retentionMs: 24 * HOUR })).toEqual([]);
  });

  it("keeps uploads for IMPORT_UPLOAD_RETENTION_HOURS, 24 by default", () => {
    expect(uploadRetentionMs({})).toBe(24 * HOUR);
    expect(uploadRetentionMs({ IMPORT_UPLOAD_RETENTION_HOURS: "2" })).toBe(2 * HOUR);
  });
});
