// Pair generation through the real tiny Llama 2 (node-llama-cpp), the real job runner and PostgreSQL.
import os from "node:os";
import path from "node:path";
import type { PolicyVariant } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { prisma } from "../../server/db/prisma";
import { cancelJob } from "../../server/jobs/job-control";
import { lockHeldJob } from "../../server/jobs/fence";
import type { JobContext } from "../../server/jobs/job-handler";
import { stopJobProducer } from "../../server/jobs/job-queue";
import { startPairGeneration } from "../../server/pair-generation/pair-generation";
import type { PairGenerationParameters, PairGenerationRequest } from "../../server/pair-generation/pair-generation.schema";
import { makeUser } from "../../server/testing/fixtures";
import { waitFor } from "../../server/testing/wait-for";
import { runJobNow } from "../jobs/run-job";
import { backendForVariant, closePolicyBackends, ensureTinyModel } from "../policy/open-backend";
import type { PolicyBackend } from "../policy/policy-backend";
import { makePairGenerationHandler, pairGenerationHandler } from "./pair-generation-job";

// A quick heartbeat, so an admin's cancel reaches the running job within the test (read at import).
vi.hoisted(() => {
  process.env.JOB_HEARTBEAT_MS = "200";
});

let adminId: string;
let roundId: string;
let cool: PolicyVariant;
let preprompted: PolicyVariant;
const promptIds = ["pg-0", "pg-1", "pg-2"];

beforeAll(async () => {
  const modelPath = ensureTinyModel(path.join(os.tmpdir(), "preference-studio-test-models"));
  adminId = (await makeUser("ADMIN")).id;
  roundId = (await prisma.round.create({ data: { number: 7, name: "RLHF-V7", status: "ACTIVE" } })).id;
  const defaults = { temperature: 0.6, topP: 0.9, maxTokens: 12 };
  cool = await prisma.policyVariant.create({ data: { name: "tiny", backend: "LLAMA_CPP", modelPath, defaults } });
  preprompted = await prisma.policyVariant.create({
    data: { name: "tiny + safety preprompt", backend: "LLAMA_CPP", modelPath, defaults, systemPrompt: "You are a safe and responsible assistant." },
  });
  for (const [i, id] of promptIds.entries()) {
    await prisma.prompt.create({
      data: {
        id, protocol: i === 1 ? "SAFETY" : "HELPFULNESS", source: "pg-test", contentHash: id,
        turns: i === 2 ? ["Hi", "Hello!", "Tell me a joke."] : [`Question ${i}: why is the sky blue?`],
      },
    });
  }
}, 120_000);

afterAll(async () => {
  await closePolicyBackends();
  await stopJobProducer();
});

function request(batchName: string, overrides: Partial<PairGenerationRequest> = {}): PairGenerationRequest {
  return {
    roundId, batchName,
    prompts: { by: "ids", ids: promptIds },
    a: { variantId: cool.id, temperature: 0.6 },
    b: { variantId: cool.id, temperature: 1.2 },
    maxTokens: 12, topP: 0.9, seed: 42, annotationsPerPair: 2, priority: 3, openWhenDone: true,
    ...overrides,
  };
}

describe("pair generation job", () => {
  it("samples one response per side for each prompt, stores provenance, and opens the batch at the end", async () => {
    const { jobId } = await startPairGeneration(prisma, request("Temperatures"), adminId);
    expect(await runJobNow(prisma, pairGenerationHandler, jobId)).toBe("SUCCEEDED");

    const job = await prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    const batch = await prisma.batch.findFirstOrThrow({ where: { jobId } });
    expect(batch).toMatchObject({ name: "Temperatures", status: "OPEN", priority: 3, annotationsPerPair: 2, roundId });
    expect(batch.openedAt).toBeInstanceOf(Date);
    expect(job).toMatchObject({ status: "SUCCEEDED", progress: 1, result: { batchId: batch.id, pairs: 3, generated: 3, opened: true } });

    const pairs = await prisma.pair.findMany({ where: { batchId: batch.id }, include: { responseA: true, responseB: true }, orderBy: { createdAt: "asc" } });
    expect(pairs.map((p) => p.promptId)).toEqual(promptIds);
    for (const [i, pair] of pairs.entries()) {
      expect(pair).toMatchObject({ strategy: "temperatures", requiredAnnotations: 2 });
      for (const [side, response, temperature] of [["A", pair.responseA, 0.6], ["B", pair.responseB, 1.2]] as const) {
        expect(response).toMatchObject({ policyVariantId: cool.id, temperature, topP: 0.9, maxTokens: 12, jobId, roundId, promptId: pair.promptId });
        expect(response.seed).toBe(42 + 2 * i + (side === "A" ? 0 : 1));
        expect(response.tokenCount).toBeGreaterThan(0);
        expect(response.tokenCount).toBeLessThanOrEqual(12);
        expect(response.durationMs).toBeGreaterThanOrEqual(0);
        expect(response.text.length).toBeGreaterThan(0);
      }
    }
    // The job streamed its partial texts.
    expect(job.live).toMatchObject({ prompt: 3, of: 3 });
    // The opened batch's pairs are in the queue.
    const annotator = await makeUser("ANNOTATOR");
    const { leaseNextTask } = await import("../../server/queue/lease");
    const task = await leaseNextTask(prisma, annotator.id);
    expect(task?.batchName).toBe("Temperatures");
  }, 120_000);

  it("the same seed gives the same responses; two variants make 'variants' pairs and a draft batch when asked", async () => {
    const first = await startPairGeneration(prisma, request("Again", { prompts: { by: "ids", ids: ["pg-0"] } }), adminId);
    expect(await runJobNow(prisma, pairGenerationHandler, first.jobId)).toBe("SUCCEEDED");
    const earlier = await prisma.pair.findFirstOrThrow({ where: { batch: { name: "Temperatures" }, promptId: "pg-0" }, include: { responseA: true, responseB: true } });
    const again = await prisma.pair.findFirstOrThrow({ where: { batch: { jobId: first.jobId } }, include: { responseA: true, responseB: true } });
    expect([again.responseA.text, again.responseB.text]).toEqual([earlier.responseA.text, earlier.responseB.text]);

    const { jobId } = await startPairGeneration(
      prisma,
      request("Variants", { b: { variantId: preprompted.id, temperature: 0.6 }, openWhenDone: false, prompts: { by: "ids", ids: ["pg-1"] } }),
      adminId,
    );
    expect(await runJobNow(prisma, pairGenerationHandler, jobId)).toBe("SUCCEEDED");
    const pair = await prisma.pair.findFirstOrThrow({ where: { batch: { jobId } }, include: { batch: true, responseB: true } });
    expect(pair.strategy).toBe("variants");
    expect(pair.batch.status).toBe("DRAFT");
    expect(pair.responseB.policyVariantId).toBe(preprompted.id);
  }, 120_000);

  it("stops between prompts and, run again (as after a worker's death), does only the prompts left", async () => {
    const { jobId } = await startPairGeneration(prisma, request("Resumed"), adminId);
    // First run: stopped after two pairs, with no cleanup (the worker "died"), under the fence it claimed.
    const job = await prisma.job.update({ where: { id: jobId }, data: { status: "RUNNING", attempts: 1, fence: 1 } });
    const fence = { jobId, token: 1 };
    let pairsStored = 0;
    const context: JobContext<PairGenerationParameters> = {
      job: { id: jobId, type: job.type, attempt: 1, createdById: adminId },
      parameters: job.parameters as PairGenerationParameters,
      db: prisma,
      fence,
      transaction: (fn) =>
        prisma.$transaction(async (tx) => {
          const result = await fn(tx);
          await lockHeldJob(tx, fence);
          return result;
        }),
      signal: new AbortController().signal,
      throwIfCancelled: () => {
        if (pairsStored >= 2) throw new Error("worker died");
      },
      progress: async (fraction) => {
        pairsStored = Math.round(fraction * 3);
      },
      log: async () => {},
      setLive: () => {},
    };
    await expect(pairGenerationHandler.run(context)).rejects.toThrow("worker died");
    const before = await prisma.pair.findMany({ where: { batch: { jobId } }, select: { id: true, promptId: true } });
    expect(before.map((p) => p.promptId)).toEqual(["pg-0", "pg-1"]);
    expect((await prisma.batch.findFirstOrThrow({ where: { jobId } })).status).toBe("DRAFT");
    // Recovery puts it back in the queue, keeping the pairs (the handler is resumable).
    await prisma.job.update({ where: { id: jobId }, data: { status: "QUEUED" } });

    // Second run, through the job runner: the two pairs are kept, only pg-2 is sampled.
    expect(await runJobNow(prisma, pairGenerationHandler, jobId)).toBe("SUCCEEDED");
    const after = await prisma.pair.findMany({ where: { batch: { jobId } }, select: { id: true, promptId: true }, orderBy: { createdAt: "asc" } });
    expect(after.map((p) => p.promptId)).toEqual(promptIds);
    expect(after.slice(0, 2)).toEqual(before);
    expect(await prisma.response.count({ where: { jobId } })).toBe(6);
    expect((await prisma.job.findUniqueOrThrow({ where: { id: jobId } })).result).toMatchObject({ pairs: 3, generated: 1 });
    const log = await prisma.jobLogLine.findMany({ where: { jobId }, select: { message: true } });
    expect(log.map((l) => l.message)).toContain("Resuming: 2 of 3 prompts already have their pair.");
  }, 120_000);

  it("a job that fails part-way leaves the data as it was: no batch, no responses", async () => {
    const responsesBefore = await prisma.response.count();
    const batchesBefore = await prisma.batch.count();
    const { jobId } = await startPairGeneration(prisma, request("Failing"), adminId);
    let calls = 0;
    const failing = makePairGenerationHandler(async (variant) => {
      const backend = await backendForVariant(variant);
      return {
        description: backend.description,
        source: backend.source,
        embedPoolings: backend.embedPoolings,
        embeddingDims: backend.embeddingDims,
        tokenizer: () => backend.tokenizer(),
        embed: backend.embed.bind(backend),
        close: async () => {},
        generate: async (r) => {
          if (++calls > 3) throw new Error("the GPU fell over");
          return backend.generate(r);
        },
      };
    });
    expect(await runJobNow(prisma, failing, jobId)).toBe("FAILED");
    const job = await prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.error).toBe("the GPU fell over");
    expect(await prisma.batch.count({ where: { jobId } })).toBe(0);
    expect(await prisma.response.count({ where: { jobId } })).toBe(0);
    expect(await prisma.response.count()).toBe(responsesBefore);
    expect(await prisma.batch.count()).toBe(batchesBefore);
  }, 120_000);

  it("an admin's cancel stops the job mid-way and its cleanup leaves no batch and no responses", async () => {
    const { jobId } = await startPairGeneration(prisma, request("Cancelled"), adminId);
    // The first pair comes from the tiny model; the second prompt's generations are still going
    // when the cancel comes (they end only when the job is aborted), so the job cannot win the race.
    let calls = 0;
    const slowAfterFirstPair = makePairGenerationHandler(async (variant) => {
      const backend = await backendForVariant(variant);
      return Object.assign(Object.create(backend) as PolicyBackend, {
        generate: (r: Parameters<PolicyBackend["generate"]>[0]) =>
          ++calls <= 2
            ? backend.generate(r)
            : new Promise<never>((_, reject) => r.signal?.addEventListener("abort", () => reject(r.signal!.reason), { once: true })),
      });
    });
    const running = runJobNow(prisma, slowAfterFirstPair, jobId);
    await waitFor(() => prisma.pair.count({ where: { batch: { jobId } } }), (n) => n === 1, 60_000);
    await waitFor(async () => calls, (n) => n > 2);
    await cancelJob(prisma, jobId, { name: "Test admin" });
    expect(await running).toBe("CANCELLED");
    expect(await prisma.batch.count({ where: { jobId } })).toBe(0);
    expect(await prisma.response.count({ where: { jobId } })).toBe(0);
    const job = await prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.status).toBe("CANCELLED");
    expect(job.progress).toBeLessThan(1);
  }, 120_000);
});
