// Pushed job updates end to end, short of the browser: a worker process writes progress and log
// lines, PostgreSQL's trigger sends NOTIFY, this process's listener hears it and the tRPC
// subscription streams it out as server-sent events through the web server's tRPC endpoint (on a
// real HTTP server, with the user's session cookie). Also: who may watch what, and the state sent again after the listener reconnects.
import { type ChildProcess, spawn } from "node:child_process";
import superjson from "superjson";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../auth/current-user";
import { prisma } from "../db/prisma";
import { makeUser } from "../testing/fixtures";
import { serveHandler, type TestServer } from "../testing/http-server";
import { sessionCookieFor } from "../testing/session-cookie";
import { waitFor } from "../testing/wait-for";
import { serveTrpc, TRPC_PATH } from "../trpc/endpoint";
import { enqueueJob } from "./enqueue";
import { stopJobEvents } from "./job-events";
import { stopJobProducer } from "./job-queue";
import type { JobUpdate } from "./job-watch";

const children: ChildProcess[] = [];
let server: TestServer;
beforeAll(async () => {
  server = await serveHandler(serveTrpc);
});
const streams: AbortController[] = [];

afterEach(() => {
  for (const stream of streams.splice(0)) stream.abort();
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});
afterAll(async () => {
  await server.close();
  await stopJobEvents();
  await stopJobProducer();
});

type Event = { event: string | null; data: unknown };

/** Opens a subscription as the browser's httpSubscriptionLink does (GET, server-sent events). */
async function subscribe(path: string, input: unknown, user: CurrentUser | null) {
  const abort = new AbortController();
  streams.push(abort);
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
  const headers: Record<string, string> = user ? { cookie: await sessionCookieFor(user.id) } : {};
  const res = await fetch(`${server.url}${TRPC_PATH}${path}${query}`, { headers, signal: abort.signal });
  const events: Event[] = [];
  let ended = false;
  if (res.headers.get("content-type")?.startsWith("text/event-stream")) {
    void (async () => {
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const raw = buffer.slice(0, end).trim();
            buffer = buffer.slice(end + 2);
            if (!raw) continue;
            const lines = raw.split("\n");
            const event = lines.find((l) => l.startsWith("event: "))?.slice(7) ?? null;
            const data = lines.find((l) => l.startsWith("data: "))?.slice(6);
            events.push({ event, data: data ? superjson.deserialize(JSON.parse(data)) : null });
          }
        }
      } catch {
        // aborted
      }
      ended = true;
    })();
  }
  return { status: res.status, events, data: () => events.filter((e) => e.event === null).map((e) => e.data), ended: () => ended };
}

/** The code a subscription was refused with (sent in the stream, as tRPC does for subscriptions). */
async function refusal(path: string, input: unknown, user: CurrentUser | null): Promise<string | null> {
  const sub = await subscribe(path, input, user);
  await waitFor(async () => sub.ended(), (ended) => ended);
  expect(sub.data()).toEqual([]);
  const error = sub.events.find((e) => e.event === "serialized-error")?.data as { data?: { code?: string } } | undefined;
  return error?.data?.code ?? null;
}

function startWorker() {
  const child = spawn(process.execPath, ["--import", "tsx", "workers/jobs/testing/fixture-worker.ts", "steps"], {
    env: { ...process.env, JOB_HEARTBEAT_MS: "200" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise<ChildProcess>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve(child));
    child.once("exit", (code) => reject(new Error(`fixture worker exited with ${code}`)));
  });
}

describe("pushed job updates", () => {
  it("streams a job from queued to done, as a worker process writes it: state, progress and each new log line once", { timeout: 60_000 }, async () => {
    const admin = await makeUser("ADMIN");
    // Each step after the first waits for the test's go-ahead, given once the stream has shown
    // the step before: intermediate progress is seen however slowly the machine runs.
    const { id } = await enqueueJob(prisma, { type: "EMBEDDING", parameters: { steps: 3, stepMs: 0, gated: true }, createdById: admin.id });
    const watch = await subscribe("jobs.watch", { jobId: id }, admin);
    expect(watch.status).toBe(200);
    await waitFor(async () => watch.data().length, (n) => n >= 1);
    const [snapshot] = watch.data() as JobUpdate[];
    expect(snapshot).toMatchObject({ kind: "snapshot", job: { id, status: "QUEUED", parameters: { steps: 3 } } });

    await startWorker();
    for (const step of [1, 2]) {
      const progress = step / 3;
      await waitFor(async () => watch.data() as JobUpdate[], (updates) => updates.some((u) => u.job.status === "RUNNING" && Math.abs(u.job.progress - progress) < 1e-9), 30_000);
      await prisma.jobLogLine.create({ data: { jobId: id, message: `continue to step ${step + 1}` } });
    }
    await waitFor(async () => watch.ended(), (ended) => ended, 30_000);
    const updates = watch.data() as JobUpdate[];
    const changes = updates.slice(1).filter((u): u is Extract<JobUpdate, { kind: "change" }> => u.kind === "change");
    expect(changes.length).toBe(updates.length - 1);
    expect(changes.map((c) => c.job.status)).toContain("RUNNING");
    expect(changes.at(-1)!.job).toMatchObject({ status: "SUCCEEDED", progress: 1, result: { steps: 3 } });
    // Progress only grows.
    const progresses = changes.map((c) => c.job.progress);
    expect(progresses).toEqual([...progresses].sort((a, b) => a - b));
    // Changes carry the job's state without its parameters.
    expect("parameters" in changes[0]!.job).toBe(false);
    // Every log line arrives once: exactly the job's log (a line committed after a later one
    // arrives after it, so they are compared in id order).
    const streamed = changes.flatMap((c) => c.log).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)).map((l) => l.message);
    const stored = (await prisma.jobLogLine.findMany({ where: { jobId: id }, orderBy: { id: "asc" } })).map((l) => l.message);
    expect(streamed).toEqual(stored);
    expect(stored).toEqual(expect.arrayContaining(["step 1", "step 2", "step 3", "Finished."]));
    // The stream ends with the job: a finished job holds no connection.
    expect(watch.events.at(-1)?.event).toBe("return");
  });

  it("sends a finished job once and ends", async () => {
    const admin = await makeUser("ADMIN");
    const { id } = await enqueueJob(prisma, { type: "EMBEDDING", parameters: {}, createdById: null });
    await prisma.job.update({ where: { id }, data: { status: "SUCCEEDED", progress: 1 } });
    const watch = await subscribe("jobs.watch", { jobId: id }, admin);
    await waitFor(async () => watch.ended(), (ended) => ended);
    expect(watch.data()).toEqual([expect.objectContaining({ kind: "snapshot", job: expect.objectContaining({ status: "SUCCEEDED" }) })]);
  });

  it("is authorised as the queries are: jobs.watch for admins only, jobs.watchWriting for the author only", async () => {
    const author = await makeUser("ANNOTATOR");
    const other = await makeUser("ANNOTATOR");
    const researcher = await makeUser("RESEARCHER");
    const { id } = await enqueueJob(prisma, { type: "EMBEDDING", parameters: {}, createdById: author.id });
    expect(await refusal("jobs.watch", { jobId: id }, author)).toBe("FORBIDDEN");
    expect(await refusal("jobs.watch", { jobId: id }, null)).toBe("UNAUTHORIZED");
    expect(await refusal("jobs.watchList", undefined, researcher)).toBe("FORBIDDEN");
    expect(await refusal("jobs.watchWriting", { jobId: id }, researcher)).toBe("FORBIDDEN");
    // Not a writing job: nobody may watch it as one (and the answer does not tell whose it is).
    expect(await refusal("jobs.watchWriting", { jobId: id }, author)).toBe("NOT_FOUND");
    expect(await refusal("jobs.watch", { jobId: "no-such-job" }, await makeUser("ADMIN"))).toBe("NOT_FOUND");
  });

  it("sends the whole state again when the listening connection was lost and comes back", { timeout: 30_000 }, async () => {
    const admin = await makeUser("ADMIN");
    const { id } = await enqueueJob(prisma, { type: "EMBEDDING", parameters: {}, createdById: null });
    const watch = await subscribe("jobs.watch", { jobId: id }, admin);
    await waitFor(async () => watch.data().length, (n) => n === 1);
    // The database drops the listener (a restart, a network cut) ...
    await prisma.$queryRaw`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'preference-job-events'`;
    // ... so a change made now may never be notified to it; after reconnecting it reads the job
    // again, and the page has the change either way.
    await prisma.job.update({ where: { id }, data: { progressMessage: "while nobody listened" } });
    await waitFor(
      async () => watch.data() as JobUpdate[],
      (updates) => updates.some((u, i) => i > 0 && u.kind === "snapshot") && updates.at(-1)!.job.progressMessage === "while nobody listened",
    );
    // And it listens again.
    await prisma.jobLogLine.create({ data: { jobId: id, message: "after the reconnect" } });
    await waitFor(async () => watch.data() as JobUpdate[], (updates) => updates.some((u) => u.kind === "change" && u.log.some((l) => l.message === "after the reconnect")));
  });

  it("tells the jobs list which jobs changed", async () => {
    const admin = await makeUser("ADMIN");
    const watch = await subscribe("jobs.watchList", undefined, admin);
    expect(watch.status).toBe(200);
    const { id } = await enqueueJob(prisma, { type: "EMBEDDING", parameters: {}, createdById: null });
    // The stream may start listening after the enqueue: the job keeps changing until it is heard.
    let n = 0;
    await waitFor(
      async () => {
        await prisma.job.update({ where: { id }, data: { progressMessage: `change ${n++}` } });
        return watch.data() as { jobIds: string[] }[];
      },
      (batches) => batches.some((b) => b.jobIds.includes(id)),
    );
  });
});
