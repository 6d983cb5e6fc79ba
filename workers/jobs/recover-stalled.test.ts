// A worker killed mid-job (SIGKILL: no chance to clean up) must not leave its job RUNNING
// forever nor its partial results behind: recovery requeues it while attempts are left (and
// another worker finishes it) or fails it saying which worker died.
import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { prisma } from "../../server/db/prisma";
import { waitFor } from "../../server/testing/wait-for";
import { enqueueJob } from "../../server/jobs/enqueue";
import { cancelJob } from "../../server/jobs/job-control";
import { recoverStalledJobs } from "./recover-stalled";
import { handlersByType } from "./register";
import { fixtureSource, stepsHandler } from "./testing/fixture-handlers";

const children: ChildProcess[] = [];

function startWorker(mode: "hanging" | "steps"): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "workers/jobs/testing/fixture-worker.ts", mode], {
    env: { ...process.env, JOB_HEARTBEAT_MS: "200" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve(child));
    child.once("exit", (code) => reject(new Error(`fixture worker exited with ${code}`)));
  });
}


const jobRow = (id: string) => prisma.job.findUniqueOrThrow({ where: { id } });
const partials = (jobId: string) => prisma.prompt.count({ where: { source: fixtureSource(jobId) } });
const handlers = handlersByType([stepsHandler]);

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

describe("a worker killed mid-job", () => {
  it("is noticed by its stopped heartbeat; the job is queued again, cleaned, and finished by another worker", { timeout: 60_000 }, async () => {
    const doomed = await startWorker("hanging");
    const { id } = await enqueueJob(prisma, { type: "EMBEDDING", parameters: { steps: 2 }, createdById: null });
    const running = await waitFor(() => jobRow(id), (job) => job.status === "RUNNING" && job.progress === 0.5);
    expect(running.workerId).toBe(`fixture-worker:${doomed.pid}`);
    expect(await partials(id)).toBe(1);

    doomed.kill("SIGKILL");
    // Not yet stale: nothing happens to a job whose worker beat recently.
    expect(await recoverStalledJobs(prisma, handlers, 60_000)).toEqual({ requeued: [], failed: [], cancelled: [] });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await recoverStalledJobs(prisma, handlers, 500)).toEqual({ requeued: [id], failed: [], cancelled: [] });
    expect(await jobRow(id)).toMatchObject({ status: "QUEUED", attempts: 1, workerId: null, progress: 0 });
    expect(await partials(id)).toBe(0);

    const rescuer = await startWorker("steps");
    const done = await waitFor(() => jobRow(id), (job) => job.status === "SUCCEEDED");
    expect(done).toMatchObject({ attempts: 2, workerId: `fixture-worker:${rescuer.pid}`, result: { steps: 2 } });
    expect(await partials(id)).toBe(2);
    const log = (await prisma.jobLogLine.findMany({ where: { jobId: id }, orderBy: { id: "asc" } })).map((l) => l.message);
    expect(log).toContain(`fixture-worker:${doomed.pid} stopped responding during attempt 1 of 2; queued again.`);
  });

  it("keeps a resumable job's partial results for the worker that takes it on", async () => {
    const { id } = await enqueueJob(prisma, { type: "EMBEDDING", parameters: {}, createdById: null });
    await prisma.job.update({ where: { id }, data: { status: "RUNNING", attempts: 1, workerId: "gone", heartbeatAt: new Date(Date.now() - 60_000) } });
    await prisma.prompt.create({ data: { protocol: "HELPFULNESS", source: fixtureSource(id), contentHash: `${id}-0`, turns: ["step 0"] } });
    const resumable = handlersByType([{ ...stepsHandler, resumable: true }]);
    expect(await recoverStalledJobs(prisma, resumable, 500)).toEqual({ requeued: [id], failed: [], cancelled: [] });
    expect(await partials(id)).toBe(1);
  });

  it("runs a cleanup slower than Prisma's 5 s interactive-transaction timeout to the end", { timeout: 60_000 }, async () => {
    const { id } = await enqueueJob(prisma, { type: "EMBEDDING", parameters: {}, createdById: null });
    await prisma.job.update({ where: { id }, data: { status: "RUNNING", attempts: 1, fence: 1, workerId: "gone", heartbeatAt: new Date(Date.now() - 60_000) } });
    await prisma.prompt.create({ data: { protocol: "HELPFULNESS", source: fixtureSource(id), contentHash: `${id}-0`, turns: ["step 0"] } });
    // As removing a big batch would: the deletes take longer than 5 s.
    const slow = handlersByType([{
      ...stepsHandler,
      async cleanup({ jobId, db }) {
        await db.$executeRaw`SELECT pg_sleep(6)`;
        await db.prompt.deleteMany({ where: { source: fixtureSource(jobId) } });
      },
    }]);
    expect(await recoverStalledJobs(prisma, slow, 500)).toEqual({ requeued: [id], failed: [], cancelled: [] });
    expect(await partials(id)).toBe(0);
    const log = (await prisma.jobLogLine.findMany({ where: { jobId: id }, orderBy: { id: "asc" } })).map((l) => l.message);
    expect(log).toEqual(["Partial results removed.", "gone stopped responding during attempt 1 of 2; queued again."]);
    // And the next pass finds nothing left to recover.
    expect(await recoverStalledJobs(prisma, slow, 500)).toEqual({ requeued: [], failed: [], cancelled: [] });
    // Not for the fixture workers of the next tests to take.
    await cancelJob(prisma, id, { name: "the test" });
  });

  it("ends FAILED, naming the worker, when no attempts are left", { timeout: 60_000 }, async () => {
    const doomed = await startWorker("hanging");
    const { id } = await enqueueJob(prisma, { type: "EMBEDDING", parameters: {}, createdById: null, maxAttempts: 1 });
    await waitFor(() => jobRow(id), (job) => job.status === "RUNNING" && job.progress === 0.5);
    doomed.kill("SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await recoverStalledJobs(prisma, handlers, 500)).toEqual({ requeued: [], failed: [id], cancelled: [] });
    const job = await jobRow(id);
    expect(job.status).toBe("FAILED");
    expect(job.error).toBe(`fixture-worker:${doomed.pid} stopped responding during attempt 1 of 1; no attempts left.`);
    expect(job.finishedAt).not.toBeNull();
    expect(await partials(id)).toBe(0);
  });
});
