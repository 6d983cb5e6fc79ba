// The Job row's life through run-job.ts with the real database and queue: success, failure,
// invalid parameters, cancel (queued and running), retry, and a worker stopping mid-job.
import { describe, expect, it } from "vitest";
import { prisma } from "../../server/db/prisma";
import { waitFor } from "../../server/testing/wait-for";
import { cancelJob, retryJob } from "../../server/jobs/job-control";
import { enqueueJob } from "../../server/jobs/enqueue";
import { makeUser } from "../../server/testing/fixtures";
import { runJobNow, runQueuedJob } from "./run-job";
import { fixtureSource, hangingHandler, stepsHandler } from "./testing/fixture-handlers";

// Cancels reach a running job at its next heartbeat; beat fast here.
process.env.JOB_HEARTBEAT_MS = "100";

const admin = { name: "Ada Admin" };
const partials = (jobId: string) => prisma.prompt.count({ where: { source: fixtureSource(jobId) } });
const logOf = async (jobId: string) => (await prisma.jobLogLine.findMany({ where: { jobId }, orderBy: { id: "asc" } })).map((l) => l.message);


describe("running a job", () => {
  it("succeeds with its progress, live output, log and result on the row", async () => {
    const user = await makeUser("ADMIN");
    const { id } = await enqueueJob(prisma, { type: "EMBEDDING", parameters: { steps: 4 }, createdById: user.id });
    const queued = await prisma.job.findUniqueOrThrow({ where: { id } });
    expect(queued).toMatchObject({ status: "QUEUED", attempts: 0, createdById: user.id });
    // The queue holds a message under the id the row waits for.
    const [message] = await prisma.$queryRaw<{ data: { jobId: string } }[]>`SELECT data FROM pgboss.job WHERE id = ${queued.queueJobId}::uuid`;
    expect(message?.data).toEqual({ jobId: id });

    expect(await runJobNow(prisma, stepsHandler, id)).toBe("SUCCEEDED");
    const job = await prisma.job.findUniqueOrThrow({ where: { id } });
    expect(job).toMatchObject({ status: "SUCCEEDED", progress: 1, progressMessage: "step 4 of 4", result: { steps: 4 }, attempts: 1, error: null, live: { step: 3 } });
    expect(job.startedAt).not.toBeNull();
    expect(job.finishedAt!.getTime()).toBeGreaterThanOrEqual(job.startedAt!.getTime());
    expect(await logOf(id)).toEqual(["Attempt 1 of 2 started on in-process.", "step 1", "step 2", "step 3", "step 4", "Finished."]);
    expect(await partials(id)).toBe(4);
  });

  it("ignores a message the row no longer waits for", async () => {
    const { id } = await enqueueJob(prisma, { type: "EMBEDDING", parameters: {}, createdById: null });
    expect(await runQueuedJob(prisma, stepsHandler, { jobId: id, workerId: "w", queueJobId: "00000000-0000-0000-0000-000000000000" })).toBeNull();
    expect((await prisma.job.findUniqueOrThrow({ where: { id } })).status).toBe("QUEUED");
  });

  it("fails with the handler's message and removes the partial results", async () => {
    const { id } = await enqueueJob(prisma, { type: "EMBEDDING", parameters: { steps: 5, failAt: 2 }, createdById: null });
    expect(await runJobNow(prisma, stepsHandler, id)).toBe("FAILED");
    const job = await prisma.job.findUniqueOrThrow({ where: { id } });
    expect(job).toMatchObject({ status: "FAILED", error: "step 2 failed on purpose" });
    expect(await partials(id)).toBe(0);
    expect(await logOf(id)).toContain("Partial results removed.");
  });

  it("refuses invalid parameters, naming the field, before doing anything", async () => {
    const { id } = await enqueueJob(prisma, { type: "EMBEDDING", parameters: { steps: "many" }, createdById: null });
    expect(await runJobNow(prisma, stepsHandler, id)).toBe("FAILED");
    const job = await prisma.job.findUniqueOrThrow({ where: { id } });
    expect(job.error).toMatch(/^Invalid parameters: steps: /);
    expect(await partials(id)).toBe(0);
  });

  it("cancels a queued job at once, and a running one at its next heartbeat, cleaning up", async () => {
    const queued = await enqueueJob(prisma, { type: "EMBEDDING", parameters: {}, createdById: null });
    expect(await cancelJob(prisma, queued.id, admin)).toEqual({ status: "CANCELLED" });
    expect(await runJobNow(prisma, stepsHandler, queued.id)).toBeNull();

    const running = await enqueueJob(prisma, { type: "EMBEDDING", parameters: {}, createdById: null });
    const outcome = runJobNow(prisma, hangingHandler, running.id);
    await waitFor(() => partials(running.id), (n) => n === 1);
    expect(await cancelJob(prisma, running.id, admin)).toEqual({ status: "RUNNING", cancelRequested: true });
    expect(await outcome).toBe("CANCELLED");
    expect(await prisma.job.findUniqueOrThrow({ where: { id: running.id } })).toMatchObject({ status: "CANCELLED", error: null });
    expect(await partials(running.id)).toBe(0);
    await expect(cancelJob(prisma, running.id, admin)).rejects.toThrow("already ended (cancelled)");
  }, 90_000);

  it("retries a failed job from the start under the same row; refuses to retry one that succeeded", async () => {
    const { id } = await enqueueJob(prisma, { type: "EMBEDDING", parameters: { steps: 2, failAt: 1 }, createdById: null });
    await runJobNow(prisma, stepsHandler, id);
    // The data changed meanwhile so the retry can succeed: the parameters are fixed in the row.
    await prisma.job.update({ where: { id }, data: { parameters: { steps: 2 } } });
    expect(await retryJob(prisma, id, admin)).toEqual({ status: "QUEUED" });
    const retried = await prisma.job.findUniqueOrThrow({ where: { id } });
    expect(retried).toMatchObject({ status: "QUEUED", attempts: 0, error: null, progress: 0, result: null });
    expect(await runJobNow(prisma, stepsHandler, id)).toBe("SUCCEEDED");
    expect(await logOf(id)).toContain("Retried by Ada Admin.");
    await expect(retryJob(prisma, id, admin)).rejects.toThrow("Only failed or cancelled jobs can be retried; this one is succeeded.");
  });

  it("puts a running job back in the queue when its worker stops, with partial results removed", async () => {
    const { id } = await enqueueJob(prisma, { type: "EMBEDDING", parameters: {}, createdById: null });
    const stopping = new AbortController();
    const outcome = runQueuedJob(prisma, hangingHandler, { jobId: id, workerId: "w1", queueJobId: null }, stopping.signal);
    await waitFor(() => partials(id), (n) => n === 1);
    const before = await prisma.job.findUniqueOrThrow({ where: { id } });
    stopping.abort();
    expect(await outcome).toBe("QUEUED");
    const after = await prisma.job.findUniqueOrThrow({ where: { id } });
    expect(after).toMatchObject({ status: "QUEUED", attempts: 0, workerId: null });
    expect(after.queueJobId).not.toBe(before.queueJobId);
    expect(await partials(id)).toBe(0);
  });
});
