// A rejection-sampling round through the real tiny Llama 2, both reward models trained for real,
// the real job runner and PostgreSQL: the whole job, a worker killed at each step and the job
// resumed, pooling with an earlier round, and the failures that must leave nothing behind.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PolicyVariant } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { prisma } from "../../server/db/prisma";
import { cancelJob } from "../../server/jobs/job-control";
import { lockHeldJob } from "../../server/jobs/fence";
import type { JobContext } from "../../server/jobs/job-handler";
import { stopJobProducer } from "../../server/jobs/job-queue";
import { leaseNextTask } from "../../server/queue/lease";
import { getRound, listRounds } from "../../server/rounds/round-report";
import { startRound } from "../../server/rounds/round-setup";
import type { RejectionSamplingParameters, RoundRequest } from "../../server/rounds/rounds.schema";
import { makeUser } from "../../server/testing/fixtures";
import { runJobNow } from "../jobs/run-job";
import { closePolicyBackends, ensureTinyModel } from "../policy/open-backend";
import { makeRejectionSamplingHandler, rejectionSamplingHandler } from "./rejection-sampling-job";
import { trainBothRewardModels } from "../reward/testing/trained-reward-models";

// A quick heartbeat, so an admin's cancel reaches the running job within the test (read at import).
vi.hoisted(() => {
  process.env.JOB_HEARTBEAT_MS = "200";
});

let adminId: string;
let variant: PolicyVariant;
let models: { HELPFULNESS: string; SAFETY: string };
const promptIds = ["rs-0", "rs-1", "rs-2", "rs-3"];

beforeAll(async () => {
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "rounds-job-"));
  const modelPath = ensureTinyModel(path.join(os.tmpdir(), "preference-studio-test-models"));
  adminId = (await makeUser("ADMIN")).id;
  variant = await prisma.policyVariant.create({ data: { name: "tiny", backend: "LLAMA_CPP", modelPath, defaults: {} } });
  models = await trainBothRewardModels(variant, adminId);
  await prisma.round.create({ data: { number: 1, name: "RLHF-V1", status: "ACTIVE" } });
  for (const [i, id] of promptIds.entries()) {
    await prisma.prompt.create({
      data: {
        id, protocol: i === 1 ? "SAFETY" : "HELPFULNESS", source: "rs-job", contentHash: id,
        turns: i === 2 ? ["Hi", "Hello!", "Tell me a joke."] : [`Question ${i}: why is the sky blue?`],
      },
    });
  }
}, 600_000);

afterAll(async () => {
  await closePolicyBackends();
  await stopJobProducer();
  fs.rmSync(process.env.DATA_DIR!, { recursive: true, force: true });
});

const request = (overrides: Partial<RoundRequest> = {}): RoundRequest => ({
  arms: [{ variantId: variant.id, temperature: 0.7 }, { variantId: variant.id, temperature: 1.3 }],
  k: 3,
  topP: 0.95,
  maxTokens: 10,
  seed: 1234,
  pool: { source: "rs-job", count: 10 },
  pairs: { strategy: "mix", shares: { llama2: 1, "best-vs-worst": 1, "least-sure": 1 }, annotationsPerPair: 2, priority: 4 },
  poolWithEarlierRounds: false,
  ...overrides,
});

/** What a round made, keyed by content rather than ids, to compare two rounds run with one seed. */
async function outcome(roundId: string) {
  const round = await prisma.round.findUniqueOrThrow({ where: { id: roundId } });
  const responses = await prisma.response.findMany({ where: { jobId: round.jobId! }, orderBy: [{ promptId: "asc" }, { sampleIndex: "asc" }] });
  const index = new Map(responses.map((r) => [r.id, `${r.promptId}#${r.sampleIndex}`]));
  const pairs = await prisma.pair.findMany({ where: { batch: { jobId: round.jobId! } }, orderBy: { promptId: "asc" } });
  const kept = await prisma.roundKeptSample.findMany({ where: { roundId }, orderBy: { promptId: "asc" } });
  return {
    samples: responses.map((r) => `${r.promptId}#${r.sampleIndex} T=${r.temperature} seed=${r.seed}: ${r.text}`),
    kept: kept.map((k) => `${k.promptId}: ${index.get(k.responseId)} ${k.rewardFrom} ${k.reward.toFixed(6)}`),
    pairs: pairs.map((p) => `${p.promptId}: ${index.get(p.responseAId)} vs ${index.get(p.responseBId)} (${p.strategy})`),
  };
}

/** No prompt is sampled twice or lost, no pair is written twice. */
async function expectWhole(roundId: string) {
  const round = await prisma.round.findUniqueOrThrow({ where: { id: roundId } });
  const perPrompt = await prisma.response.groupBy({ by: ["promptId"], where: { jobId: round.jobId! }, _count: true });
  expect(perPrompt.map((g) => [g.promptId, g._count]).sort()).toEqual(promptIds.map((id) => [id, 6]));
  const dupResponses = await prisma.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM (SELECT 1 FROM "Response" WHERE "jobId" = ${round.jobId} GROUP BY "promptId", "sampleIndex" HAVING count(*) > 1) d`;
  expect(dupResponses[0]!.n).toBe(0);
  const pairs = await prisma.pair.findMany({ where: { batch: { jobId: round.jobId! } }, select: { promptId: true } });
  expect(pairs.map((p) => p.promptId).sort()).toEqual(promptIds);
  expect(await prisma.roundKeptSample.count({ where: { roundId } })).toBe(promptIds.length);
}

/**
 * The job's first attempt, run by hand under its fence, "dies" (throws, with no cleanup) at the
 * first check after `dies(progressMessage)` is true; then, as recovery would, the job is queued
 * again for a second attempt.
 */
async function killOnce(jobId: string, dies: (message: string) => boolean, handler = makeRejectionSamplingHandler({ scoreChunkPrompts: 1, pairChunk: 1 })) {
  const job = await prisma.job.update({ where: { id: jobId }, data: { status: "RUNNING", attempts: 1, fence: 1 } });
  const fence = { jobId, token: 1 };
  let dead = false;
  const context: JobContext<RejectionSamplingParameters> = {
    job: { id: jobId, type: job.type, attempt: 1, createdById: adminId },
    parameters: job.parameters as RejectionSamplingParameters,
    db: prisma,
    fence,
    transaction: (fn, options) =>
      prisma.$transaction(async (tx) => {
        const result = await fn(tx);
        await lockHeldJob(tx, fence);
        return result;
      }, options),
    signal: new AbortController().signal,
    throwIfCancelled: () => {
      if (dead) throw new Error("worker died");
    },
    progress: async (_fraction, message) => {
      if (message && dies(message)) dead = true;
    },
    log: async () => {},
    setLive: () => {},
  };
  await expect(handler.run(context)).rejects.toThrow("worker died");
  await prisma.job.update({ where: { id: jobId }, data: { status: "QUEUED" } });
}

let reference: Awaited<ReturnType<typeof outcome>>;

describe("rejection-sampling round", () => {
  it("samples K per prompt and arm, scores every sample with both models, keeps the best, and opens a batch of pairs", async () => {
    const vectorsBefore = await prisma.featureVector.count();
    const { roundId, jobId } = await startRound(prisma, request(), adminId);
    expect(await runJobNow(prisma, rejectionSamplingHandler, jobId)).toBe("SUCCEEDED");
    const job = await prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    const round = await prisma.round.findUniqueOrThrow({ where: { id: roundId } });
    expect(round.status).toBe("ACTIVE");

    // Every sample, with its provenance.
    const responses = await prisma.response.findMany({ where: { jobId }, orderBy: [{ promptId: "asc" }, { sampleIndex: "asc" }] });
    expect(responses).toHaveLength(promptIds.length * 2 * 3);
    for (const r of responses) {
      const arm = Math.floor(r.sampleIndex! / 3);
      expect(r).toMatchObject({ roundId, jobId, policyVariantId: variant.id, temperature: arm === 0 ? 0.7 : 1.3, topP: 0.95, maxTokens: 10 });
      expect(r.tokenCount).toBeGreaterThan(0);
      expect(r.tokenCount).toBeLessThanOrEqual(10);
      expect(r.durationMs).toBeGreaterThanOrEqual(0);
    }
    // Sample i of an arm's batched call has the call's seed + i, and seeds never repeat.
    expect(new Set(responses.map((r) => r.seed)).size).toBe(responses.length);
    const firstPrompt = responses.filter((r) => r.promptId === "rs-0");
    expect(firstPrompt.map((r) => r.seed)).toEqual([0, 1, 2, 3, 4, 5].map((i) => 1234 + i));

    // Scored by both models; embedded once (the second model's features all came from the cache).
    for (const id of [models.HELPFULNESS, models.SAFETY]) expect(await prisma.rewardScore.count({ where: { rewardModelId: id, response: { jobId } } })).toBe(responses.length);
    const distinct = new Set(responses.map((r) => `${r.promptId}\u0000${r.text}`)).size;
    expect(await prisma.featureVector.count()).toBe(vectorsBefore + distinct);
    const safety = await prisma.rewardScore.findFirstOrThrow({ where: { rewardModelId: models.SAFETY, response: { jobId } } });
    expect(safety.probability).toBeGreaterThan(0);
    expect(safety.probability).toBeLessThan(1);

    // The kept sample of each prompt is its best by the combined reward.
    const kept = await prisma.roundKeptSample.findMany({ where: { roundId }, include: { response: { include: { rewardScores: true } } } });
    expect(kept.map((k) => k.promptId).sort()).toEqual(promptIds);
    for (const k of kept) {
      expect(k.candidates).toBe(6);
      expect(k.response.jobId).toBe(jobId);
      if (k.promptId === "rs-1") expect(k.rewardFrom).toBe("SAFETY");
      const sameModel = await prisma.rewardScore.findMany({
        where: { rewardModelId: k.rewardFrom === "SAFETY" ? models.SAFETY : models.HELPFULNESS, response: { jobId, promptId: k.promptId } },
      });
      if (!k.flaggedUnsafe && k.rewardFrom === "HELPFULNESS") {
        // Among the samples not flagged unsafe, none beats it.
        const flagged = new Set(
          (await prisma.rewardScore.findMany({ where: { rewardModelId: models.SAFETY, response: { jobId, promptId: k.promptId }, probability: { lt: 0.15 } } })).map((s) => s.responseId),
        );
        expect(Math.max(...sameModel.filter((s) => !flagged.has(s.responseId)).map((s) => s.score))).toBe(k.reward);
      } else if (k.rewardFrom === "SAFETY" && k.promptId === "rs-1") {
        expect(Math.max(...sameModel.map((s) => s.score))).toBe(k.reward);
      }
    }

    // One pair per prompt, each with its strategy and the scores that chose it, in an open batch.
    const batch = await prisma.batch.findFirstOrThrow({ where: { jobId }, include: { pairs: true } });
    expect(batch).toMatchObject({ roundId, name: "Batch 1", status: "OPEN", priority: 4, annotationsPerPair: 2 });
    expect(batch.pairs).toHaveLength(promptIds.length);
    for (const pair of batch.pairs) {
      expect(["temperatures", "best-vs-worst", "least-sure"]).toContain(pair.strategy);
      expect(pair.requiredAnnotations).toBe(2);
      const selection = pair.selection as { strategy: string; candidates: number; a: { responseId: string; reward: number; rank: number }; b: { responseId: string; reward: number; rank: number } };
      expect(selection).toMatchObject({ strategy: pair.strategy, candidates: 6, a: { responseId: pair.responseAId }, b: { responseId: pair.responseBId } });
      if (pair.strategy === "best-vs-worst") expect(selection.a.rank).toBe(1);
      if (pair.strategy === "temperatures") {
        const [a, b] = await Promise.all([prisma.response.findUniqueOrThrow({ where: { id: pair.responseAId } }), prisma.response.findUniqueOrThrow({ where: { id: pair.responseBId } })]);
        expect(a.temperature).not.toBe(b.temperature);
      }
    }
    expect(job.result).toMatchObject({ roundId, batchId: batch.id, opened: true, prompts: 4, samples: 24, kept: 4, pairs: 4 });
    expect((job.result as { generatedTokens: number }).generatedTokens).toBe(responses.reduce((n, r) => n + r.tokenCount!, 0));

    // The batch is in an annotator's queue.
    const annotator = await makeUser("ANNOTATOR");
    const task = await leaseNextTask(prisma, annotator.id);
    expect(task?.batchName).toBe("Batch 1");
    reference = await outcome(roundId);

    // The round's page: the best-of-N curve per arm (K = 3) and over both arms (6 samples); with
    // no pooling, the best of all 6 is the kept one, so the curve ends at the kept rewards' mean.
    const report = await getRound(prisma, roundId);
    expect(report.curves.map((c) => [c.label, c.points.length])).toEqual([["every arm", 6], ["tiny T=0.7", 3], ["tiny T=1.3", 3]]);
    const all = report.curves[0]!.points;
    expect(all.at(-1)!.expectedBest).toBeCloseTo(kept.reduce((n, k) => n + k.reward, 0) / kept.length, 9);
    for (let n = 1; n < all.length; n++) expect(all[n]!.expectedBest).toBeGreaterThanOrEqual(all[n - 1]!.expectedBest - 1e-9);
    expect(report.samples).toEqual({ count: 24, scored: 24, unscored: 0 });
    expect(report.arms.map((a) => a.samples)).toEqual([12, 12]);
    expect(report.arms.reduce((n, a) => n + a.kept, 0)).toBe(4);
    const histogramTotal = report.distributions.reduce((n, d) => n + d.arms.reduce((m, a) => m + a.all.reduce((x, y) => x + y, 0), 0), 0);
    expect(histogramTotal + report.arms.reduce((n, a) => n + a.flaggedUnsafe, 0)).toBe(24);
    expect(report.batch).toMatchObject({ id: batch.id, pairs: 4, status: "OPEN" });
    expect(report.previousRound).not.toBeNull();
    expect((await listRounds(prisma)).find((r) => r.id === roundId)).toMatchObject({ kept: 4, samples: 24, pairs: 4, batches: 1, safety: { id: models.SAFETY } });
    // A job's sample cannot be stored twice, whatever the code does (manual_response_job_sample).
    const one = responses[0]!;
    await expect(prisma.response.create({ data: { promptId: one.promptId, jobId, sampleIndex: one.sampleIndex, text: "again" } })).rejects.toThrow();
  }, 600_000);

  for (const [step, dies] of [
    ["sampling", (m: string) => m.startsWith("sampling: 2 of")],
    ["scoring", (m: string) => m.startsWith("scoring:")],
    ["writing the batch", (m: string) => m.startsWith("batch: 2 of")],
  ] as const) {
    it(`a worker killed while ${step} is resumed by the next attempt: every prompt, no duplicate, the same round`, async () => {
      const { roundId, jobId } = await startRound(prisma, request(), adminId);
      await killOnce(jobId, dies);
      const before = await outcome(roundId);
      expect(await runJobNow(prisma, rejectionSamplingHandler, jobId)).toBe("SUCCEEDED");
      await expectWhole(roundId);
      const after = await outcome(roundId);
      // Same seed, same prompts: the same samples, kept samples and pairs as the undisturbed round.
      expect(after).toEqual(reference);
      // What the first attempt committed was kept, not redone.
      for (const sample of before.samples) expect(after.samples).toContain(sample);
      for (const pair of before.pairs) expect(after.pairs).toContain(pair);
      const log = (await prisma.jobLogLine.findMany({ where: { jobId }, select: { message: true } })).map((l) => l.message);
      if (step === "sampling") expect(log).toContain("Resuming: 2 of 4 prompts already have their 6 samples.");
      if (step === "scoring") expect(log.some((l) => /were scored already/.test(l))).toBe(true);
      if (step === "writing the batch") expect(log.some((l) => /^Resuming the batch: [1-3] of 4 pairs were written already/.test(l))).toBe(true);
    }, 600_000);
  }

  it("pools with earlier rounds: the best of this round's and earlier kept samples, and earlier rounds' best of other prompts", async () => {
    const earlierKept = await prisma.roundKeptSample.count();
    expect(earlierKept).toBeGreaterThan(0);
    const { roundId, jobId } = await startRound(prisma, request({ pool: { source: "rs-job", count: 2 }, poolWithEarlierRounds: true, seed: 99, pairs: { strategy: "best-vs-worst" } }), adminId);
    expect(await runJobNow(prisma, rejectionSamplingHandler, jobId)).toBe("SUCCEEDED");
    const kept = await prisma.roundKeptSample.findMany({ where: { roundId }, include: { response: true } });
    const earlierOfPrompt = async (promptId: string) =>
      (await prisma.roundKeptSample.findMany({ where: { promptId, round: { id: { not: roundId } } }, distinct: ["responseId"] })).length;
    // Every prompt an earlier round kept is in this round's set.
    expect(kept.map((k) => k.promptId).sort()).toEqual(promptIds);
    for (const k of kept) {
      const inPool = ["rs-0", "rs-1"].includes(k.promptId);
      expect(k.candidates).toBe((inPool ? 6 : 0) + (await earlierOfPrompt(k.promptId)));
      if (!inPool) expect(k.response.jobId).not.toBe(jobId);
    }
    // Earlier samples were scored by the round's models too.
    for (const k of kept) expect(await prisma.rewardScore.count({ where: { responseId: k.responseId, rewardModelId: { in: [models.HELPFULNESS, models.SAFETY] } } })).toBe(2);
    const pairs = await prisma.pair.findMany({ where: { batch: { jobId } }, include: { responseA: true, responseB: true } });
    // Pairs are made from this round's own samples only.
    expect(pairs).toHaveLength(2);
    for (const p of pairs) expect([p.responseA.jobId, p.responseB.jobId]).toEqual([jobId, jobId]);
    expect((await prisma.job.findUniqueOrThrow({ where: { id: jobId } })).result).toMatchObject({ kept: 4 });
  }, 600_000);

  it("fails with a clear message when a variant cannot be reached, leaving nothing behind", async () => {
    const { roundId, jobId } = await startRound(prisma, request(), adminId);
    const gone = await prisma.policyVariant.create({ data: { name: "gone", backend: "LLAMA_CPP", modelPath: path.join(process.env.DATA_DIR!, "models", "missing.gguf"), defaults: {} } });
    const job = await prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    const parameters = job.parameters as RejectionSamplingParameters;
    await prisma.job.update({ where: { id: jobId }, data: { parameters: { ...parameters, arms: [parameters.arms[0]!, { variantId: gone.id, temperature: 1 }] } } });
    expect(await runJobNow(prisma, rejectionSamplingHandler, jobId)).toBe("FAILED");
    const failed = await prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(failed.error).toMatch(/^arms.1.variantId: the policy variant "gone" cannot be reached: /);
    expect(await prisma.response.count({ where: { jobId } })).toBe(0);
    expect(await prisma.batch.count({ where: { jobId } })).toBe(0);
    expect((await prisma.round.findUniqueOrThrow({ where: { id: roundId } })).status).toBe("PLANNED");
  }, 120_000);

  it("a job that fails part-way, or is cancelled, leaves no batch, no kept sample and no sample", async () => {
    const { roundId, jobId } = await startRound(prisma, request(), adminId);
    // Fails while writing the batch: the pairs written so far, the kept rows and every sample go.
    let calls = 0;
    const failing = makeRejectionSamplingHandler({ pairChunk: 1 });
    const original = failing.run.bind(failing);
    failing.run = (ctx) =>
      original({
        ...ctx,
        progress: async (fraction, message) => {
          if (message?.startsWith("batch:") && ++calls === 2) throw new Error("the disk fell over");
          return ctx.progress(fraction, message);
        },
      });
    expect(await runJobNow(prisma, failing, jobId)).toBe("FAILED");
    expect((await prisma.job.findUniqueOrThrow({ where: { id: jobId } })).error).toBe("the disk fell over");
    expect(await prisma.batch.count({ where: { jobId } })).toBe(0);
    expect(await prisma.roundKeptSample.count({ where: { roundId } })).toBe(0);
    expect(await prisma.response.count({ where: { jobId } })).toBe(0);

    const cancelled = await startRound(prisma, request({ maxTokens: 300 }), adminId);
    const running = runJobNow(prisma, rejectionSamplingHandler, cancelled.jobId);
    for (let i = 0; i < 600 && (await prisma.response.count({ where: { jobId: cancelled.jobId } })) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    await cancelJob(prisma, cancelled.jobId, { name: "Test admin" }).catch(async (error: unknown) => {
      throw new Error(`${(error as Error).message} ${(await prisma.job.findUniqueOrThrow({ where: { id: cancelled.jobId } })).error}`);
    });
    expect(await running).toBe("CANCELLED");
    expect(await prisma.response.count({ where: { jobId: cancelled.jobId } })).toBe(0);
    expect(await prisma.batch.count({ where: { jobId: cancelled.jobId } })).toBe(0);
  }, 300_000);
});
