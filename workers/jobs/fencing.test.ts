// A worker wrongly thought dead (its process paused: a long GC, a frozen VM) wakes up after its
// job was handed to another worker. Its writes must be refused and it must stop, and the schema
// must make a second copy of a job's response or pair impossible whatever the code does.
import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../server/db/prisma";
import { enqueueJob } from "../../server/jobs/enqueue";
import { JobLost, lockHeldJob } from "../../server/jobs/fence";
import type { PairGenerationParameters } from "../../server/pair-generation/pair-generation.schema";
import { waitFor } from "../../server/testing/wait-for";
import { makePairGenerationHandler } from "../pair-generation/pair-generation-job";
import { recoverStalledJobs } from "./recover-stalled";
import { handlersByType } from "./register";
import { runJobNow, runQueuedJob } from "./run-job";
import { scriptedBackend } from "./testing/scripted-backend";

process.env.JOB_HEARTBEAT_MS = "200";

const children: ChildProcess[] = [];
let roundId: string;
let variantId: string;
const promptIds = ["fence-0", "fence-1", "fence-2"];

beforeAll(async () => {
  roundId = (await prisma.round.create({ data: { number: 31, name: "RLHF-V31", status: "ACTIVE" } })).id;
  // The scripted backend never opens the model file.
  variantId = (await prisma.policyVariant.create({ data: { name: "scripted", backend: "LLAMA_CPP", modelPath: "/nowhere/scripted.gguf", defaults: {} } })).id;
  for (const id of promptIds) await prisma.prompt.create({ data: { id, protocol: "HELPFULNESS", source: "fence-test", contentHash: id, turns: [`Question ${id}?`] } });
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

function parameters(batchName: string): PairGenerationParameters {
  return {
    roundId, batchName, promptIds, seed: 7,
    a: { variantId, temperature: 0.6 }, b: { variantId, temperature: 1.2 },
    maxTokens: 8, topP: 0.9, annotationsPerPair: 1, priority: 0, openWhenDone: true,
  };
}

/** A worker process running the real pair-generation handler, each generation taking `delayMs`. */
function startSlowWorker(delayMs: number) {
  const child = spawn(process.execPath, ["--import", "tsx", "workers/jobs/testing/fixture-worker.ts", "slow-pairs"], {
    env: { ...process.env, JOB_HEARTBEAT_MS: "200", SLOW_PAIRS_MS: String(delayMs) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const output = { stdout: "", stderr: "" };
  child.stdout!.on("data", (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output.stderr += chunk.toString()));
  return { child, output };
}

const jobRow = (id: string) => prisma.job.findUniqueOrThrow({ where: { id } });

describe("fencing a worker that was thought dead", () => {
  it("refuses the paused worker's writes once the job is handed on; it stops, saying so, and nothing is stored twice", { timeout: 90_000 }, async () => {
    const { id } = await enqueueJob(prisma, { type: "PAIR_GENERATION", parameters: parameters("Fenced"), createdById: null });
    const first = startSlowWorker(1_500);
    const firstId = `fixture-worker:${first.child.pid}`;

    // The first worker stores the first pair and starts on the second prompt; then it freezes.
    await waitFor(() => prisma.pair.count({ where: { batch: { jobId: id } } }), (n) => n === 1, 60_000);
    await waitFor(async () => first.output.stdout.split("generating seed").length - 1, (n) => n >= 4);
    first.child.kill("SIGSTOP");
    expect((await jobRow(id)).workerId).toBe(firstId);

    // Its heartbeat stops, so recovery takes the job back (keeping the whole pair: resumable) ...
    await waitFor(() => jobRow(id), (job) => Date.now() - job.heartbeatAt!.getTime() > 1_000);
    expect(await recoverStalledJobs(prisma, handlersByType([makePairGenerationHandler(async () => scriptedBackend(0))]), 1_000)).toEqual({ requeued: [id], failed: [], cancelled: [] });
    expect(await prisma.pair.count({ where: { batch: { jobId: id } } })).toBe(1);

    // ... and a second worker runs it, while the first wakes up in the middle of its generation.
    const second = runJobNow(prisma, makePairGenerationHandler(async () => scriptedBackend(400)), id, "second-worker");
    await waitFor(() => jobRow(id), (job) => job.status === "RUNNING" && job.workerId === "second-worker");
    first.child.kill("SIGCONT");

    await waitFor(async () => first.output.stderr, (text) => text.includes("lost the job"), 30_000);
    expect(await second).toBe("SUCCEEDED");
    expect(first.output.stderr).toContain(`Job ${id} (pair_generation): attempt 1 on ${firstId} lost the job`);
    expect(first.child.exitCode).toBeNull(); // the worker itself carries on with other jobs

    const job = await jobRow(id);
    expect(job).toMatchObject({ status: "SUCCEEDED", workerId: "second-worker", attempts: 2, result: { pairs: 3, generated: 2 } });
    const pairs = await prisma.pair.findMany({ where: { batch: { jobId: id } }, select: { promptId: true } });
    expect(pairs.map((p) => p.promptId).sort()).toEqual(promptIds);
    const responses = await prisma.response.findMany({ where: { jobId: id }, select: { promptId: true, sampleIndex: true } });
    expect(responses.map((r) => `${r.promptId}/${r.sampleIndex}`).sort()).toEqual(promptIds.flatMap((p) => [`${p}/0`, `${p}/1`]));
    // Nothing of the first attempt's after the hand-over: no cleanup of the new attempt's work, no end.
    const log = (await prisma.jobLogLine.findMany({ where: { jobId: id }, orderBy: { id: "asc" } })).map((l) => l.message);
    const handedOver = log.findIndex((line) => line.startsWith(`${firstId} stopped responding`));
    expect(handedOver).toBeGreaterThan(0);
    expect(log.slice(handedOver + 1)).toEqual(expect.arrayContaining(["Attempt 2 of 2 started on second-worker.", "Finished."]));
    expect(log.filter((line) => line.includes("Partial results removed") || line.includes("Cleanup"))).toEqual([]);
  });

  it("refuses an old attempt's heartbeat, progress, log line and result transaction", async () => {
    const { id } = await enqueueJob(prisma, { type: "PAIR_GENERATION", parameters: parameters("Stale"), createdById: null });
    await prisma.job.update({ where: { id }, data: { status: "RUNNING", fence: 5 } });
    const stale = { jobId: id, token: 4 };
    await expect(prisma.$transaction(async (tx) => {
      await tx.prompt.create({ data: { protocol: "HELPFULNESS", source: "fence-test", contentHash: "stale-write", turns: ["never stored"] } });
      await lockHeldJob(tx, stale);
    })).rejects.toBeInstanceOf(JobLost);
    expect(await prisma.prompt.count({ where: { contentHash: "stale-write" } })).toBe(0);
    await prisma.$transaction((tx) => lockHeldJob(tx, { jobId: id, token: 5 }));
  });

  it("ignores a queue message once the job has been claimed under it", async () => {
    const { id } = await enqueueJob(prisma, { type: "PAIR_GENERATION", parameters: parameters("Claimed once"), createdById: null });
    const { queueJobId } = await jobRow(id);
    const handler = makePairGenerationHandler(async () => scriptedBackend(0));
    const [a, b] = await Promise.all([
      runQueuedJob(prisma, handler, { jobId: id, workerId: "a", queueJobId }),
      runQueuedJob(prisma, handler, { jobId: id, workerId: "b", queueJobId }),
    ]);
    expect([a, b].sort()).toEqual(["SUCCEEDED", null].sort());
    expect(await prisma.pair.count({ where: { batch: { jobId: id } } })).toBe(3);
  });

  it("the schema refuses a second copy of a job's sample and of a pair", async () => {
    const prompt = promptIds[0]!;
    const { id: batchId } = await prisma.batch.create({ data: { roundId, name: "Copies" } });
    const sample = { promptId: prompt, text: "x", jobId: "job-copies", sampleIndex: 0 };
    const a = await prisma.response.create({ data: sample });
    await expect(prisma.response.create({ data: sample })).rejects.toThrow(/manual_response_job_sample|Unique constraint/);
    // A job's response must say which sample it is.
    await expect(prisma.response.create({ data: { ...sample, sampleIndex: null } })).rejects.toThrow(/manual_response_job_has_sample/);
    const b = await prisma.response.create({ data: { ...sample, sampleIndex: 1 } });
    const pair = { batchId, promptId: prompt, responseAId: a.id, responseBId: b.id, strategy: "test" };
    await prisma.pair.create({ data: pair });
    await expect(prisma.pair.create({ data: pair })).rejects.toThrow(/manual_pair_responses|Unique constraint/);
    // Responses without a job (demo, imports) are not numbered.
    await prisma.response.createMany({ data: [{ promptId: prompt, text: "y" }, { promptId: prompt, text: "y" }] });
  });
});
