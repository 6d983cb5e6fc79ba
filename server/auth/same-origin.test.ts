// Cookie-authenticated route handlers that change state refuse requests another site makes the
// browser send; same-site pages and scripts with a personal API token keep working (a worker
// process runs the script's import, which the request waits for).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as importFile } from "../../app/api/import/route";
import { POST as upload } from "../../app/api/import/upload/route";
import { createApiToken } from "../api-tokens/api-tokens";
import { prisma } from "../db/prisma";
import { stopJobEvents } from "../jobs/job-events";
import { stopJobProducer } from "../jobs/job-queue";
import { makeUser } from "../testing/fixtures";
import { serveHandler } from "../testing/http-server";
import { sessionCookieFor } from "../testing/session-cookie";
import { startWorkerProcess, type WorkerProcess } from "../testing/worker-process";
import { serveTrpc } from "../trpc/endpoint";
import { crossSiteRefusal } from "./same-origin";

let cookie: string;
let token: string;
let uploads: string;
let worker: WorkerProcess;
beforeAll(async () => {
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "same-origin-"));
  uploads = path.join(process.env.DATA_DIR, "imports");
  const admin = await makeUser("ADMIN");
  cookie = await sessionCookieFor(admin.id);
  token = (await createApiToken(prisma, admin.id, { name: "script" })).token;
  worker = await startWorkerProcess("import");
}, 60_000);
afterAll(async () => {
  worker?.stop();
  await stopJobEvents();
  await stopJobProducer();
});

const prompts = '{"prompt": "Write a haiku about rain."}\n';
const request = (url: string, headers: Record<string, string>, body = prompts) =>
  new Request(url, { method: "POST", body, headers: { host: "labels.example.org", ...headers }, duplex: "half" } as RequestInit);
const uploadCount = () => (fs.existsSync(uploads) ? fs.readdirSync(uploads).length : 0);

describe("cross-site requests", () => {
  it("refuse an upload or an import another site sends with the admin's cookie, and keep nothing", async () => {
    const before = await prisma.prompt.count();
    for (const headers of <Record<string, string>[]>[
      { cookie, origin: "https://evil.example", "content-type": "text/plain" },
      { cookie, "sec-fetch-site": "cross-site", "content-type": "multipart/form-data; boundary=x" },
      { cookie, "sec-fetch-site": "same-site", origin: "https://other.labels.example.org" },
      { cookie, origin: "null" },
    ]) {
      const uploaded = await upload(request("https://labels.example.org/api/import/upload?fileName=p.jsonl", headers));
      expect(uploaded.status, JSON.stringify(headers)).toBe(403);
      expect((await uploaded.json()).error).toMatch(/^Cross-site request refused/);
      const imported = await importFile(request("https://labels.example.org/api/import?fileName=p.jsonl&source=csrf", headers));
      expect(imported.status).toBe(403);
    }
    expect(uploadCount()).toBe(0);
    expect(await prisma.prompt.count()).toBe(before);
    expect(await prisma.datasetImport.count({ where: { sourceName: "csrf" } })).toBe(0);
  });

  it("refuse a tRPC mutation from another site", async () => {
    const before = await prisma.user.count();
    const body = JSON.stringify({ json: { email: "planted@evil.example", name: "Planted", role: "ADMIN", password: "a long enough password" } });
    // Through the web server's tRPC endpoint, on a real HTTP server.
    const server = await serveHandler(serveTrpc);
    try {
      const response = await fetch(`${server.url}/api/trpc/users.create`, { method: "POST", headers: { cookie, origin: "https://evil.example", "content-type": "text/plain" }, body });
      expect(response.status).toBe(403);
      expect((await response.json()).error).toMatch(/^Cross-site request refused \(Origin: https:\/\/evil.example\)/);
    } finally {
      await server.close();
    }
    expect(await prisma.user.count()).toBe(before);
  });

  it("let the app's own pages and token-authenticated scripts through", async () => {
    const page = await upload(request("https://labels.example.org/api/import/upload?fileName=p.jsonl", { cookie, origin: "https://labels.example.org", "sec-fetch-site": "same-origin" }));
    expect(page.status).toBe(200);
    expect((await page.json()).preview.format).toBe("prompts");
    // Behind a proxy the Host may be internal; the public URL is NEXTAUTH_URL.
    process.env.NEXTAUTH_URL = "https://labels.example.org";
    const secureCookie = await sessionCookieFor((await prisma.user.findFirstOrThrow({ where: { role: "ADMIN" } })).id);
    const proxied = await upload(
      new Request("http://127.0.0.1:3000/api/import/upload?fileName=p.jsonl", { method: "POST", body: prompts, headers: { host: "127.0.0.1:3000", cookie: secureCookie, origin: "https://labels.example.org" }, duplex: "half" } as RequestInit),
    );
    expect(proxied.status).toBe(200);
    delete process.env.NEXTAUTH_URL;
    // A script: a token, any content type (curl --data-binary sends a form type), no Origin.
    const script = await importFile(request("https://labels.example.org/api/import?fileName=p.jsonl&source=script", { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" }));
    expect(script.status).toBe(200);
    expect(await script.json()).toMatchObject({ inserted: 1 });
  });

  it("follow Go's rule for each header combination", () => {
    const req = (method: string, headers: Record<string, string>) => new Request("http://app.local/x", { method, headers: { host: "app.local", ...headers } });
    expect(crossSiteRefusal(req("GET", { origin: "https://evil.example" }), {})).toBeNull();
    expect(crossSiteRefusal(req("POST", {}), {})).toBeNull(); // not a browser
    expect(crossSiteRefusal(req("POST", { "sec-fetch-site": "none" }), {})).toBeNull();
    expect(crossSiteRefusal(req("POST", { origin: "http://app.local" }), {})).toBeNull();
    expect(crossSiteRefusal(req("DELETE", { origin: "http://evil.example" }), {})).toMatch(/Origin: http:\/\/evil\.example/);
    expect(crossSiteRefusal(req("POST", { origin: "https://evil.example", authorization: "Bearer pp_x" }), {})).toBeNull();
  });
});
