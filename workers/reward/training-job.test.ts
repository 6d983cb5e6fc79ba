// The whole reward-model path: comparisons in PostgreSQL → the real tiny Llama 2's embeddings of
// the chat-formatted inputs (through the feature cache) → a head in TensorFlow.js → a registered,
// activatable model → a scoring job that uses it. The seeded preferences follow a lexical rule
// (the chosen answers share words the rejected ones never use), which even a random-weight
// model's pooled embeddings carry.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { PolicyVariant } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../server/db/prisma";
import { stopJobProducer } from "../../server/jobs/job-queue";
import { activateRewardModel, accuracyOnBatches, getRewardModel } from "../../server/reward-models/registry";
import { startRewardScoring, startRewardTraining } from "../../server/reward-models/reward-training";
import { STRENGTH_VALUES } from "../../server/preferences/vocabulary";
import { makeBatch } from "../../server/testing/batches";
import { makeUser } from "../../server/testing/fixtures";
import { runJobNow } from "../jobs/run-job";
import { closePolicyBackends, ensureTinyModel } from "../policy/open-backend";
import { readArtifact } from "./artifact-store";
import { rewardScoringHandler } from "./scoring-job";
import { labelledBatch } from "./testing/trained-reward-models";
import { rewardTrainingHandler } from "./training-job";

let adminId: string;
let variant: PolicyVariant;
let batchId: string;

beforeAll(async () => {
  // Artifacts and the model-hash cache go to a folder of this test's own.
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "reward-job-"));
  const modelPath = ensureTinyModel(path.join(os.tmpdir(), "preference-studio-test-models"));
  adminId = (await makeUser("ADMIN")).id;
  variant = await prisma.policyVariant.create({ data: { name: "tiny", backend: "LLAMA_CPP", modelPath, defaults: {} } });
  batchId = await labelledBatch(160, "HELPFULNESS");
}, 120_000);

afterAll(async () => {
  await closePolicyBackends();
  await stopJobProducer();
  fs.rmSync(process.env.DATA_DIR!, { recursive: true, force: true });
});

/** Runs a queued job here and returns its row. */
async function run(handler: Parameters<typeof runJobNow>[1], jobId: string) {
  await runJobNow(prisma, handler, jobId);
  return prisma.job.findUniqueOrThrow({ where: { id: jobId } });
}

const train = (data: object, extra: object = {}) =>
  startRewardTraining(prisma, { data: { kind: "HELPFULNESS", batchIds: [batchId], testFraction: 0.25, ...data }, features: { variantId: variant.id }, ...extra }, adminId);

describe("training a reward model", () => {
  it("trains on the tiny model's features, beats chance on held-out pairs, and registers a loadable model", async () => {
    const { jobId, test } = await train({});
    const job = await run(rewardTrainingHandler, jobId);
    expect(job.status, job.error ?? "").toBe("SUCCEEDED");
    const { rewardModelId } = job.result as { rewardModelId: string };
    const model = await getRewardModel(prisma, rewardModelId);
    expect(model).toMatchObject({ kind: "HELPFULNESS", version: 1, status: "READY", active: false, featureVariant: { id: variant.id } });
    const metrics = model.metrics as { accuracy: number; test: { count: number; overall: { count: number }; byStrength: { count: number }[] }; features: { embedded: number } };
    expect(metrics.test.count).toBe(test);
    expect(metrics.accuracy).toBeGreaterThan(0.75);
    // The per-strength table covers every test pair.
    expect(metrics.test.byStrength).toHaveLength(4);
    expect(metrics.test.byStrength.reduce((n, s) => n + s.count, 0)).toBe(metrics.test.overall.count);
    expect(metrics.features.embedded).toBeGreaterThan(0);
    // The backend is on record and the artifact loads back into the same head.
    expect(["wasm", "cpu", "node-gpu"]).toContain(model.backend);
    const head = readArtifact(model.artifactUri!);
    expect(head.inputDim).toBe(model.featureDims);
    // Which comparisons went in is on record, per split.
    const examples = await prisma.rewardModelExample.groupBy({ by: ["split"], where: { rewardModelId }, _count: true });
    expect(Object.fromEntries(examples.map((e) => [e.split, e._count]))).toEqual({ train: 160 - test, test });
    const logs = await prisma.jobLogLine.findMany({ where: { jobId }, select: { message: true } });
    expect(logs.some((l) => /TensorFlow.js backend: /.test(l.message))).toBe(true);
  }, 300_000);

  it("embeds nothing the second time: every vector comes from the cache", async () => {
    const { jobId } = await train({ seed: 1 }, { settings: { margin: "small" } });
    const job = await run(rewardTrainingHandler, jobId);
    expect(job.status, job.error ?? "").toBe("SUCCEEDED");
    const model = await getRewardModel(prisma, (job.result as { rewardModelId: string }).rewardModelId);
    expect(model.version).toBe(2);
    expect((model.metrics as { features: { embedded: number; cached: number } }).features).toMatchObject({ embedded: 0 });
  }, 300_000);

  it("scores a batch with the active model; its accuracy on the batch is shown beside its test accuracy", async () => {
    const [latest] = await prisma.rewardModel.findMany({ where: { kind: "HELPFULNESS" }, orderBy: { version: "desc" }, take: 1 });
    await activateRewardModel(prisma, latest!.id);
    const { jobId } = await startRewardScoring(prisma, { target: { by: "batch", batchId } }, adminId);
    const job = await run(rewardScoringHandler, jobId);
    expect(job.status, job.error ?? "").toBe("SUCCEEDED");
    expect(await prisma.rewardScore.count({ where: { rewardModelId: latest!.id } })).toBe(320);
    const [onBatch] = await accuracyOnBatches(prisma, latest!.id);
    // Training pairs are left out: what remains is the held-out part of this batch.
    expect(onBatch).toMatchObject({ batchId });
    expect(onBatch!.count).toBe((latest!.snapshot as { summary: { test: number } }).summary.test);
    expect(onBatch!.accuracy).toBeGreaterThan(0.75);
  }, 300_000);
});

describe("bad input registers no model", () => {
  it("stops when cancelled mid-training, registering no model and leaving no artifact", async () => {
    const before = await prisma.rewardModel.count();
    const { jobId } = await train({}, { settings: { epochs: 20, batchSize: 1 } });
    const controller = new AbortController();
    const parameters = rewardTrainingHandler.parameters.parse((await prisma.job.findUniqueOrThrow({ where: { id: jobId } })).parameters);
    const context = {
      job: { id: jobId, type: "REWARD_TRAINING" as const, attempt: 1, createdById: adminId },
      parameters,
      db: prisma,
      transaction: <T,>(fn: (tx: Parameters<Parameters<typeof prisma.$transaction>[0]>[0]) => Promise<T>) => prisma.$transaction(fn),
      fence: { jobId, token: 0 },
      signal: controller.signal,
      throwIfCancelled: () => controller.signal.throwIfAborted(),
      // The admin's cancel arrives as soon as the head starts training.
      progress: async (_fraction: number, message?: string) => {
        if (message?.startsWith("step ")) controller.abort(new Error("Cancelled by an admin."));
      },
      log: async () => {},
      setLive: () => {},
    };
    await expect(rewardTrainingHandler.run(context as never)).rejects.toThrow("Cancelled by an admin.");
    expect(await prisma.rewardModel.count()).toBe(before);
    const files = fs.readdirSync(path.join(process.env.DATA_DIR!, "reward-models"));
    expect(files.filter((f) => !f.endsWith(".json") || f.includes(".tmp"))).toEqual([]);
    expect(files).toHaveLength(before);
  }, 120_000);

  it("fails with a clear message when the variant's model cannot be opened", async () => {
    const broken = await prisma.policyVariant.create({
      data: { name: "missing model", backend: "LLAMA_CPP", modelPath: path.join(path.dirname(variant.modelPath!), "missing.gguf"), defaults: {} },
    });
    const before = await prisma.rewardModel.count();
    const { jobId } = await train({}, { features: { variantId: broken.id } });
    const job = await run(rewardTrainingHandler, jobId);
    expect(job.status).toBe("FAILED");
    expect(job.error).toMatch(/No features: the policy variant "missing model" could not be opened/);
    expect(await prisma.rewardModel.count()).toBe(before);
  }, 120_000);

  it("refuses a selection without labelled pairs, and fails a run with too few", async () => {
    const empty = await makeBatch({ pairs: 3 });
    await expect(train({ batchIds: [empty.batch.id] })).rejects.toThrow(/no labelled helpfulness pairs/);
    const few = await labelledBatch(6, "HELPFULNESS");
    const before = await prisma.rewardModel.count();
    const { jobId } = await train({ batchIds: [few] });
    const job = await run(rewardTrainingHandler, jobId);
    expect(job.status).toBe("FAILED");
    expect(job.error).toMatch(/Too few pairs/);
    expect(await prisma.rewardModel.count()).toBe(before);
  }, 120_000);

  it("fails a safety model whose responses are all of one class", async () => {
    const safe = await makeBatch({ pairs: 40, protocol: () => "SAFETY" });
    const annotator = await makeUser("ANNOTATOR");
    await prisma.comparison.createMany({
      data: safe.pairIds.map((pairId, i) => ({ pairId, annotatorId: annotator.id, chosen: "A" as const, strength: STRENGTH_VALUES[i % 4]!, safetyLabel: "BOTH_SAFE" as const, leftSide: "A" as const, timeOnTaskMs: 1 })),
    });
    const before = await prisma.rewardModel.count();
    const { jobId } = await startRewardTraining(prisma, { data: { kind: "SAFETY", batchIds: [safe.batch.id], testFraction: 0.25 }, features: { variantId: variant.id } }, adminId);
    const job = await run(rewardTrainingHandler, jobId);
    expect(job.status).toBe("FAILED");
    expect(job.error).toMatch(/One class only: every one of the \d+ labelled responses in the training split is safe/);
    expect(await prisma.rewardModel.count()).toBe(before);
  }, 120_000);
});
