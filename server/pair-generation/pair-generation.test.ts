import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { stopJobProducer } from "../jobs/job-queue";
import { makeBatch } from "../testing/batches";
import { callerFor, makeUser, refusal } from "../testing/fixtures";
import type { PairGenerationRequest } from "./pair-generation.schema";
import { pairStrategy, responseSeed } from "./pair-generation.schema";

let admin: Awaited<ReturnType<typeof makeUser>>;
let roundId: string;
let variantA: string;
let variantB: string;
let promptIds: string[];

beforeAll(async () => {
  admin = await makeUser("ADMIN");
  const seeded = await makeBatch({ pairs: 2 });
  roundId = seeded.round.id;
  const defaults = { temperature: 0.6, topP: 0.9, maxTokens: 64 };
  variantA = (await prisma.policyVariant.create({ data: { name: "pg-a", backend: "LLAMA_CPP", modelPath: "/m/a.gguf", defaults } })).id;
  variantB = (await prisma.policyVariant.create({ data: { name: "pg-b", backend: "LLAMA_CPP", modelPath: "/m/b.gguf", defaults } })).id;
  // Three fresh prompts of another source; the two above are already paired.
  for (const [i, protocol] of (["SAFETY", "HELPFULNESS", "SAFETY"] as const).entries()) {
    await prisma.prompt.create({
      data: { id: `fresh-${i}`, protocol, source: "fresh", contentHash: `fresh-${i}`, turns: [`Fresh ${i}?`] },
    });
  }
  promptIds = (await prisma.prompt.findMany({ orderBy: { createdAt: "asc" }, select: { id: true } })).map((p) => p.id);
});
afterAll(() => stopJobProducer());

function request(overrides: Partial<PairGenerationRequest> = {}): PairGenerationRequest {
  return {
    roundId,
    batchName: "Generated 1",
    prompts: { by: "filter", protocol: null, source: null, count: 3 },
    a: { variantId: variantA, temperature: 0.6 },
    b: { variantId: variantB, temperature: 0.6 },
    maxTokens: 64,
    topP: 0.9,
    seed: 7,
    annotationsPerPair: 3,
    priority: 5,
    openWhenDone: true,
    ...overrides,
  };
}

describe("starting pair generation", () => {
  it("queues a job whose parameters carry the resolved prompts (unpaired first) and the seed", async () => {
    const started = await callerFor(admin).pairGeneration.start(request());
    expect(started.prompts).toBe(3);
    const job = await prisma.job.findUniqueOrThrow({ where: { id: started.jobId } });
    expect(job).toMatchObject({ type: "PAIR_GENERATION", status: "QUEUED", createdById: admin.id });
    expect(job.parameters).toMatchObject({ promptIds: ["fresh-0", "fresh-1", "fresh-2"], seed: 7, batchName: "Generated 1", openWhenDone: true });

    // The same batch name is taken while that job has not made its batch yet.
    expect(await refusal(callerFor(admin).pairGeneration.start(request()))).toBe('batchName: the round already has a batch named "Generated 1".');

    const safety = await callerFor(admin).pairGeneration.start(
      request({ batchName: "Safety only", prompts: { by: "filter", protocol: "SAFETY", source: "fresh", count: 10 }, seed: null }),
    );
    const params = (await prisma.job.findUniqueOrThrow({ where: { id: safety.jobId } })).parameters as { promptIds: string[]; seed: number };
    expect(params.promptIds).toEqual(["fresh-0", "fresh-2"]);
    expect(Number.isInteger(params.seed)).toBe(true);
  });

  it("accepts prompts by id and one variant at two temperatures", async () => {
    const started = await callerFor(admin).pairGeneration.start(
      request({ batchName: "By id", prompts: { by: "ids", ids: [promptIds[1]!, promptIds[0]!, promptIds[1]!] }, b: { variantId: variantA, temperature: 1.1 } }),
    );
    const job = await prisma.job.findUniqueOrThrow({ where: { id: started.jobId } });
    expect((job.parameters as { promptIds: string[] }).promptIds).toEqual([promptIds[1], promptIds[0]]);
  });

  it("refuses bad requests with the field and the problem, and queues nothing", async () => {
    const before = await prisma.job.count();
    const caller = callerFor(admin);
    const cases: [Partial<PairGenerationRequest>, string][] = [
      [{ b: { variantId: variantA, temperature: 0.6 } }, "b.temperature: side B must differ from side A in variant or temperature"],
      [{ batchName: " ", topP: 0, maxTokens: 0 }, "batchName: enter a batch name; maxTokens: at least 1; topP: more than 0"],
      [{ a: { variantId: variantA, temperature: 2.5 } }, "a.temperature: at most 2"],
      [{ roundId: "nope" }, "roundId: no round with id nope"],
      [{ a: { variantId: "gone", temperature: 0.6 } }, "a.variantId: no policy variant with id gone."],
      [{ prompts: { by: "ids", ids: ["fresh-0", "missing-1"] } }, "prompts.ids: no prompt with id missing-1"],
      [{ prompts: { by: "filter", protocol: "SAFETY", source: "nowhere", count: 5 } }, "prompts: no prompt matches this protocol and source"],
      [{ prompts: { by: "ids", ids: [] } }, "prompts.ids: give at least one prompt id"],
      [{ annotationsPerPair: 0, seed: -1 }, "annotationsPerPair: at least 1; seed: 0 or more"],
    ];
    for (const [overrides, message] of cases) {
      expect(await refusal(caller.pairGeneration.start(request({ batchName: "Refused", ...overrides })))).toBe(message);
    }
    await prisma.policyVariant.update({ where: { id: variantB }, data: { retiredAt: new Date() } });
    expect(await refusal(caller.pairGeneration.start(request({ batchName: "Refused" })))).toBe('b.variantId: variant "pg-b" is retired.');
    await prisma.policyVariant.update({ where: { id: variantB }, data: { retiredAt: null } });
    expect(await prisma.job.count()).toBe(before);
  });

  it("offers rounds, active variants and prompt counts by protocol and source", async () => {
    const options = await callerFor(admin).pairGeneration.options();
    expect(options.rounds.map((r) => r.id)).toContain(roundId);
    expect(options.variants.map((v) => v.name)).toEqual(["pg-a", "pg-b"]);
    expect(options.sources).toContainEqual({ protocol: "SAFETY", source: "fresh", prompts: 2, unpaired: 2 });
    expect(options.sources).toContainEqual({ protocol: "HELPFULNESS", source: "test", prompts: 2, unpaired: 0 });
  });
});

describe("pair provenance helpers", () => {
  it("gives every response of a job its own stable seed and names the strategy", () => {
    const seeds = [0, 1, 2].flatMap((i) => [responseSeed(2_147_483_646, i, "A"), responseSeed(2_147_483_646, i, "B")]);
    expect(new Set(seeds).size).toBe(6);
    expect(seeds.every((s) => s >= 0 && s <= 2_147_483_647)).toBe(true);
    expect(pairStrategy({ variantId: "x", temperature: 1 }, { variantId: "y", temperature: 1 })).toBe("variants");
    expect(pairStrategy({ variantId: "x", temperature: 0.6 }, { variantId: "x", temperature: 1.2 })).toBe("temperatures");
  });
});
