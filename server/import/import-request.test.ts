// The import endpoint (app/api/import) against PostgreSQL and a real worker process: only admins
// (signed in or with a personal API token), options validated with the field named, the file
// imported by a worker job whatever its size, and the answer the request waits for: the result,
// the line and field for a bad row, the limit for a big body; with ?wait=false, the job at once.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "../../app/api/import/route";
import { POST as upload } from "../../app/api/import/upload/route";
import { createApiToken } from "../api-tokens/api-tokens";
import { prisma } from "../db/prisma";
import { enqueueJob } from "../jobs/enqueue";
import { stopJobEvents } from "../jobs/job-events";
import { stopJobProducer } from "../jobs/job-queue";
import { makeUser } from "../testing/fixtures";
import { importOutcomeResponse } from "./import-request";
import { waitForImport } from "./start-import";
import { waitFor } from "../testing/wait-for";
import { startWorkerProcess, type WorkerProcess } from "../testing/worker-process";

let adminToken: string;
let researcherToken: string;
let worker: WorkerProcess;
beforeAll(async () => {
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "import-request-"));
  adminToken = (await createApiToken(prisma, (await makeUser("ADMIN")).id, { name: "script" })).token;
  researcherToken = (await createApiToken(prisma, (await makeUser("RESEARCHER")).id, { name: "script" })).token;
  worker = await startWorkerProcess("import");
}, 60_000);
afterAll(async () => {
  worker?.stop();
  await stopJobEvents();
  await stopJobProducer();
});

const body = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n");
const hh = (i: number) => ({ chosen: `\n\nHuman: API question ${i}?\n\nAssistant: yes`, rejected: `\n\nHuman: API question ${i}?\n\nAssistant: no` });

function post(query: string, content: string, token?: string, handler = POST) {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return handler(new Request(`http://localhost/api/import?${query}`, { method: "POST", body: content, headers, duplex: "half" } as RequestInit));
}

describe("POST /api/import", () => {
  it("refuses anyone but an admin", async () => {
    expect((await post("fileName=a.jsonl&source=x", body([hh(0)]))).status).toBe(401);
    const refused = await post("fileName=a.jsonl&source=x", body([hh(0)]), researcherToken);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: "Imports need the ADMIN role; you are RESEARCHER." });
  });

  it("names the field of a bad option or a missing file name", async () => {
    const noSource = await post("fileName=a.jsonl", body([hh(0)]), adminToken);
    expect(noSource.status).toBe(400);
    expect((await noSource.json()).error).toMatch(/sourceName/);
    expect((await (await post("fileName=a.jsonl&source=x&format=yaml", "x", adminToken)).json()).error).toMatch(/format/);
    expect((await (await post("source=x", "x", adminToken)).json()).error).toMatch(/^fileName: /);
    expect((await (await post("fileName=a.txt&source=x", "x", adminToken)).json()).error).toMatch(/must end in \.jsonl/);
  });

  it("imports a small file in a worker job and answers with the result once the job has ended", async () => {
    const response = await post("fileName=hh.jsonl&source=api-source&licence=MIT", body([hh(1), hh(2), hh(1)]), adminToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ format: "hh-rlhf", rows: 3, inserted: 2, duplicates: 1 });
    const imported = await prisma.datasetImport.findFirst({ where: { sourceName: "api-source", licence: "MIT" } });
    expect(imported).not.toBeNull();
    // Run by the worker process, not by this one.
    const job = await prisma.job.findUniqueOrThrow({ where: { id: imported!.jobId! } });
    expect(job).toMatchObject({ type: "IMPORT", status: "SUCCEEDED", workerId: `fixture-worker:${worker.child.pid}` });
  });

  it("a bad row: 400 with its line and field, nothing written", async () => {
    const before = await prisma.comparison.count();
    const response = await post("fileName=hh.jsonl&source=api-bad", body([hh(3), hh(4), { chosen: "x" }]), adminToken);
    expect(response.status).toBe(400);
    const answer = await response.json();
    expect(answer.error).toMatch(/^Nothing was imported\. line 3, rejected: /);
    expect(await prisma.comparison.count()).toBe(before);
    // The job says where, and that a retry would fail the same way.
    const job = await prisma.job.findUniqueOrThrow({ where: { id: answer.jobId } });
    expect(job).toMatchObject({ status: "FAILED", result: { failure: { kind: "row", where: "line 3", field: "rejected" }, retryable: false } });
  });

  it("a bad row far past the first rows fails the same way, with its line", async () => {
    const rows = Array.from({ length: 400 }, (_, i) => hh(1000 + i));
    rows[357] = { chosen: "\n\nHuman: Q?\n\nAssistant: fine", rejected: 42 } as never;
    const response = await post("fileName=hh.jsonl&source=api-bad-late", body(rows), adminToken);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/^Nothing was imported\. line 358, rejected: /);
    expect(await prisma.datasetImport.count({ where: { sourceName: "api-bad-late" } })).toBe(0);
  });

  it("a body over the size limit: 413 with the limit", async () => {
    process.env.IMPORT_MAX_BYTES = "500";
    try {
      const response = await post("fileName=hh.jsonl&source=api-big", body([hh(5), hh(6), hh(7), hh(8), hh(9)]), adminToken);
      expect(response.status).toBe(413);
      expect((await response.json()).error).toMatch(/the limit is 0\.00 MB \(IMPORT_MAX_BYTES\)/);
    } finally {
      delete process.env.IMPORT_MAX_BYTES;
    }
  });

  it("?wait=false: 202 with the job's id at once, and the job imports the file", async () => {
    const response = await post("fileName=hh.jsonl&source=api-job&wait=false", body([hh(10)]), adminToken);
    expect(response.status).toBe(202);
    const { jobId } = await response.json();
    expect(await prisma.job.findUniqueOrThrow({ where: { id: jobId } })).toMatchObject({ type: "IMPORT" });
    const job = await waitFor(() => prisma.job.findUniqueOrThrow({ where: { id: jobId } }), (j) => j.status !== "QUEUED" && j.status !== "RUNNING");
    expect(job).toMatchObject({ status: "SUCCEEDED", result: { rows: 1, inserted: 1 } });
  });

  it("the wait ends with the job's row (woken by its NOTIFY), or with the client; the job carries on", async () => {
    // A job no worker here takes, ended by hand.
    const { id } = await enqueueJob(prisma, { type: "EMBEDDING", parameters: {}, createdById: null });
    const gone = new AbortController();
    const leaving = waitForImport(prisma, id, gone.signal);
    const staying = waitForImport(prisma, id);
    gone.abort();
    expect(await leaving).toBeNull();
    expect(importOutcomeResponse(id, null)).toEqual({ status: 202, body: { jobId: id } });
    expect((await prisma.job.findUniqueOrThrow({ where: { id } })).status).toBe("QUEUED");
    await prisma.job.update({ where: { id }, data: { status: "CANCELLED", finishedAt: new Date() } });
    expect(await staying).toEqual({ status: "CANCELLED" });
    expect(importOutcomeResponse(id, { status: "CANCELLED" })).toMatchObject({ status: 409, body: { jobId: id } });
  });
});

describe("POST /api/import/upload", () => {
  it("keeps the file and previews it without writing", async () => {
    const before = await prisma.prompt.count();
    const response = await post("fileName=p.jsonl", body([{ prompt: "Preview via API" }]), adminToken, upload);
    expect(response.status).toBe(200);
    const answer = await response.json();
    expect(answer).toMatchObject({ fileName: "p.jsonl", preview: { format: "prompts", detectedFormat: "prompts", error: null } });
    expect(answer.uploadId).toMatch(/^[0-9a-f]{32}$/);
    expect(await prisma.prompt.count()).toBe(before);
  });
});
