// The import endpoint (app/api/import) against PostgreSQL: only admins (signed in or with a
// personal API token), options validated with the field named, and the answer: the result for a
// small file, a job for a big one, the line and field for a bad row, the limit for a big body.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST } from "../../app/api/import/route";
import { POST as upload } from "../../app/api/import/upload/route";
import { createApiToken } from "../api-tokens/api-tokens";
import { prisma } from "../db/prisma";
import { stopJobProducer } from "../jobs/job-queue";
import { makeUser } from "../testing/fixtures";

let adminToken: string;
let researcherToken: string;
beforeAll(async () => {
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "import-request-"));
  adminToken = (await createApiToken(prisma, (await makeUser("ADMIN")).id, { name: "script" })).token;
  researcherToken = (await createApiToken(prisma, (await makeUser("RESEARCHER")).id, { name: "script" })).token;
});
afterAll(async () => {
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

  it("imports a small file in the request and answers with the result", async () => {
    const response = await post("fileName=hh.jsonl&source=api-source&licence=MIT", body([hh(1), hh(2), hh(1)]), adminToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ format: "hh-rlhf", rows: 3, inserted: 2, duplicates: 1 });
    expect(await prisma.datasetImport.findFirst({ where: { sourceName: "api-source", licence: "MIT" } })).not.toBeNull();
  });

  it("a bad row: 400 with its line and field, nothing written", async () => {
    const before = await prisma.comparison.count();
    const response = await post("fileName=hh.jsonl&source=api-bad", body([hh(3), hh(4), { chosen: "x" }]), adminToken);
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/^Nothing was imported\. line 3, rejected: /);
    expect(await prisma.comparison.count()).toBe(before);
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

  it("a file over the inline size becomes a job: 202 with its id", async () => {
    process.env.IMPORT_INLINE_BYTES = "10";
    try {
      const response = await post("fileName=hh.jsonl&source=api-job", body([hh(10)]), adminToken);
      expect(response.status).toBe(202);
      const { jobId } = await response.json();
      expect(await prisma.job.findUniqueOrThrow({ where: { id: jobId } })).toMatchObject({ type: "IMPORT", status: "QUEUED" });
    } finally {
      delete process.env.IMPORT_INLINE_BYTES;
    }
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
