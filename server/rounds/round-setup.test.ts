// Setting a round up: its number and lineage, the pool, the reward models, and every refusal,
// against the real database (no model is run here; workers/rounds/ runs the job).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { DomainError } from "../errors/domain-error";
import { stopJobProducer } from "../jobs/job-queue";
import { callerFor, makeUser, refusal as refusalMessage } from "../testing/fixtures";
import { discardRound, nextRoundNumber, resolveRoundPool, roundSetupOptions, startRound } from "./round-setup";
import type { RoundRequest } from "./rounds.schema";

let adminId: string;
let variantId: string;
let helpfulId: string;
let safetyId: string;
let v1: string;

const request = (overrides: Partial<RoundRequest> = {}): RoundRequest => ({
  arms: [{ variantId, temperature: 0.9 }, { variantId, temperature: 1.2 }],
  k: 4,
  topP: 0.9,
  maxTokens: 16,
  pool: { source: "round-test", count: 10 },
  pairs: { strategy: "llama2" },
  ...overrides,
});

beforeAll(async () => {
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "round-setup-"));
  adminId = (await makeUser("ADMIN")).id;
  variantId = (await prisma.policyVariant.create({ data: { name: "tiny", backend: "LLAMA_CPP", modelPath: "/nowhere/tiny.gguf", defaults: {} } })).id;
  v1 = (await prisma.round.create({ data: { number: 1, name: "RLHF-V1", status: "ACTIVE" } })).id;
  await prisma.prompt.createMany({
    data: Array.from({ length: 6 }, (_, i) => ({ id: `rs-${i}`, protocol: i < 4 ? ("HELPFULNESS" as const) : ("SAFETY" as const), source: "round-test", contentHash: `rs-${i}`, turns: [`Prompt ${i}`] })),
  });
  // Prompt rs-0 was put before annotators in RLHF-V1.
  const batch = await prisma.batch.create({ data: { roundId: v1, name: "Batch 1" } });
  await prisma.response.createMany({ data: [{ id: "rs-0-a", promptId: "rs-0", text: "a" }, { id: "rs-0-b", promptId: "rs-0", text: "b" }] });
  await prisma.pair.create({ data: { batchId: batch.id, promptId: "rs-0", responseAId: "rs-0-a", responseBId: "rs-0-b", strategy: "demo" } });
  const model = (kind: "HELPFULNESS" | "SAFETY", active: boolean, metrics: object) =>
    prisma.rewardModel.create({ data: { kind, version: 1, status: "READY", active, metrics, artifactUri: "x.json", featureVariantId: variantId } });
  helpfulId = (await model("HELPFULNESS", false, { accuracy: 0.7 })).id;
  safetyId = (await model("SAFETY", false, { accuracy: 0.8, safety: { calibration: { kind: "platt", a: 1, b: 0 } } })).id;
});

afterAll(() => stopJobProducer());

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
};

describe("round setup", () => {
  it("refuses without an active reward model of each kind the pool needs, naming which", async () => {
    const noSafety = await refusal(startRound(prisma, request(), adminId));
    expect(noSafety.kind).toBe("precondition");
    expect(noSafety.message).toMatch(/No active safety reward model: Llama 2's combination needs it for every prompt/);
    await prisma.rewardModel.update({ where: { id: safetyId }, data: { active: true } });
    const noHelpful = await refusal(startRound(prisma, request(), adminId));
    expect(noHelpful.message).toMatch(/No active helpfulness reward model: the pool has helpfulness prompts/);
    // A pool of safety prompts only needs the safety model.
    const safetyOnly = await startRound(prisma, request({ pool: { protocol: "SAFETY", source: "round-test", count: 10 } }), adminId);
    const round = await prisma.round.findUniqueOrThrow({ where: { id: safetyOnly.roundId } });
    expect(round).toMatchObject({ number: 2, name: "RLHF-V2", safetyRewardModelId: safetyId, helpfulnessRewardModelId: null, previousRoundId: v1, status: "PLANNED" });
    await prisma.job.update({ where: { id: safetyOnly.jobId }, data: { status: "FAILED" } });
    await discardRound(prisma, safetyOnly.roundId);
    expect(await prisma.round.count({ where: { id: safetyOnly.roundId } })).toBe(0);
    await prisma.rewardModel.update({ where: { id: helpfulId }, data: { active: true } });
  });

  it("refuses K < 2, an empty pool, one arm for Llama 2's pairs, and an unknown or retired variant, changing nothing", async () => {
    const before = { rounds: await prisma.round.count(), jobs: await prisma.job.count() };
    const caller = callerFor({ id: adminId, email: "", name: "", role: "ADMIN" });
    expect(await refusalMessage(caller.rounds.start(request({ k: 1 })))).toMatch(/k: at least 2 samples per prompt/);
    expect(await refusalMessage(caller.rounds.start(request({ arms: [{ variantId, temperature: 0.9 }] })))).toMatch(/pairs.strategy: Llama 2's pairs compare two variants or temperatures/);
    expect(await refusalMessage(caller.rounds.start(request({ pairs: { strategy: "mix", shares: {} } })))).toMatch(/pairs.shares: give at least one strategy a share/);
    expect((await refusal(startRound(prisma, request({ pool: { source: "nothing-here", count: 5 } }), adminId))).message).toMatch(/^pool: no prompt matches/);
    expect((await refusal(startRound(prisma, request({ arms: [{ variantId: "nope", temperature: 1 }], pairs: { strategy: "best-vs-worst" } }), adminId))).message).toMatch(/^arms.0.variantId: no policy variant/);
    expect((await refusal(startRound(prisma, request({ pairs: { strategy: "llama2", batchSize: 7 } }), adminId))).message).toMatch(/pairs.batchSize: at most one pair per prompt: the pool has 6 prompts/);
    const retired = await prisma.policyVariant.create({ data: { name: "old", backend: "LLAMA_CPP", modelPath: "/x.gguf", retiredAt: new Date() } });
    expect((await refusal(startRound(prisma, request({ arms: [{ variantId: retired.id, temperature: 1 }, { variantId, temperature: 1 }] }), adminId))).message).toMatch(/retired/);
    expect({ rounds: await prisma.round.count(), jobs: await prisma.job.count() }).toEqual(before);
  });

  it("leaves out prompts earlier rounds used when asked, and says when that empties the pool", async () => {
    const all = await resolveRoundPool(prisma, { source: "round-test", count: 10, excludeUsed: false, protocol: null, importId: null });
    // Unused prompts first.
    expect(all.map((p) => p.id)).toEqual(["rs-1", "rs-2", "rs-3", "rs-4", "rs-5", "rs-0"]);
    // A prompt marked bad by a reviewer is never sampled.
    await prisma.prompt.update({ where: { id: "rs-5" }, data: { badAt: new Date() } });
    expect((await resolveRoundPool(prisma, { source: "round-test", count: 10, excludeUsed: false, protocol: null, importId: null })).map((p) => p.id)).not.toContain("rs-5");
    await prisma.prompt.update({ where: { id: "rs-5" }, data: { badAt: null } });
    const fresh = await resolveRoundPool(prisma, { source: "round-test", count: 10, excludeUsed: true, protocol: null, importId: null });
    expect(fresh.map((p) => p.id)).not.toContain("rs-0");
    const used = await refusal(resolveRoundPool(prisma, { source: "round-test", count: 10, excludeUsed: true, protocol: "HELPFULNESS", batchIds: [(await prisma.batch.findFirstOrThrow({ where: { roundId: v1 } })).id], importId: null }));
    expect(used.field).toBe("pool.excludeUsed");
  });

  it("writes the round with its lineage, settings and job; the next round follows it", async () => {
    const started = await startRound(prisma, request({ seed: 11, pairs: { strategy: "mix", shares: { llama2: 0.5, "least-sure": 0.5 }, batchSize: 4, priority: 5 } }), adminId);
    const round = await prisma.round.findUniqueOrThrow({ where: { id: started.roundId }, include: { job: true } });
    expect(round).toMatchObject({ name: `RLHF-V${started.number}`, previousRoundId: v1, policyVariantId: variantId, helpfulnessRewardModelId: helpfulId, safetyRewardModelId: safetyId, jobId: started.jobId });
    expect(round.job).toMatchObject({ type: "REJECTION_SAMPLING", status: "QUEUED", createdById: adminId });
    expect(round.job!.parameters).toMatchObject({
      roundId: round.id, k: 4, seed: 11, threshold: 0.15, batchSize: 4, batchName: "Batch 1", poolWithEarlierRounds: true,
      rewardModelIds: { HELPFULNESS: helpfulId, SAFETY: safetyId },
      promptIds: ["rs-1", "rs-2", "rs-3", "rs-4", "rs-5", "rs-0"],
      pairs: { strategy: "mix", priority: 5, annotationsPerPair: 1, openWhenDone: true },
    });
    expect(round.settings).toMatchObject({ resolved: { prompts: 6, helpfulness: 4, safety: 2, seed: 11 } });
    expect(await nextRoundNumber(prisma)).toBe(started.number + 1);
    const next = await startRound(prisma, request({ pairs: { strategy: "best-vs-worst" } }), adminId);
    expect((await prisma.round.findUniqueOrThrow({ where: { id: next.roundId } })).previousRoundId).toBe(round.id);
    // A queued round's job must be cancelled before the round is discarded.
    expect((await refusal(discardRound(prisma, next.roundId))).message).toMatch(/job is queued: cancel it first/);
    const options = await roundSetupOptions(prisma);
    expect(options.next.number).toBe(next.number + 1);
    expect(options.rewardModels.filter((m) => m.active).map((m) => m.kind).sort()).toEqual(["HELPFULNESS", "SAFETY"]);
    expect(options.prompts.find((p) => p.source === "round-test" && p.protocol === "HELPFULNESS")).toMatchObject({ prompts: 4, used: 1 });
  });

  it("two rounds started at once get consecutive numbers", async () => {
    const [a, b] = await Promise.all([startRound(prisma, request({ pairs: { strategy: "best-vs-worst" } }), adminId), startRound(prisma, request({ pairs: { strategy: "best-vs-worst" } }), adminId)]);
    expect(Math.abs(a.number - b.number)).toBe(1);
  });
});

