// Issue 13 item 2 in the jobs: when side B gives the same text as side A (after trimming), B is
// drawn again with the next seed, a bounded number of times; a prompt that never gets two texts
// is reported as skipped, and no pair with A = B is stored. The real tiny Llama 2 answers; for
// the dialogues and seeds named here its text is replaced by one fixed answer, as a policy that
// repeats itself would give.
import os from "node:os";
import path from "node:path";
import type { PolicyVariant } from "@prisma/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../server/auth/current-user";
import { prisma } from "../../server/db/prisma";
import { stopJobProducer } from "../../server/jobs/job-queue";
import { IDENTICAL_RESPONSES_MESSAGE, MAX_IDENTICAL_RESAMPLES } from "../../server/pair-generation/identical-responses";
import { startPairGeneration } from "../../server/pair-generation/pair-generation";
import { callerFor, makeUser } from "../../server/testing/fixtures";
import { runJobNow } from "../jobs/run-job";
import { backendForVariant, closePolicyBackends, ensureTinyModel } from "../policy/open-backend";
import type { GenerateRequest, PolicyBackend } from "../policy/policy-backend";
import { makePromptWritingHandler } from "../prompt-writing/prompt-writing-job";
import { makePairGenerationHandler } from "./pair-generation-job";

let admin: CurrentUser;
let author: CurrentUser;
let roundId: string;
let variant: PolicyVariant;
const seen: { prompt: string; seed: number }[] = [];

/** The tiny model, except that `repeats(prompt, seed)` answers the same text (spaced differently each time). */
function repeating(repeats: (prompt: string, seed: number) => boolean) {
  return async (v: PolicyVariant): Promise<PolicyBackend> => {
    const backend = await backendForVariant(v);
    return Object.assign(Object.create(backend) as PolicyBackend, {
      generate: async (r: GenerateRequest) => {
        const prompt = r.dialogue.turns.at(-1)!.content;
        const seed = r.sampling.seed!;
        seen.push({ prompt, seed });
        const generations = await backend.generate(r);
        if (!repeats(prompt, seed)) return generations;
        return generations.map((g) => ({ ...g, text: `${seed % 2 ? " " : ""}I cannot answer that.${seed % 3 ? "\n" : ""}` }));
      },
    });
  };
}

beforeAll(async () => {
  const modelPath = ensureTinyModel(path.join(os.tmpdir(), "preference-studio-test-models"));
  admin = await makeUser("ADMIN");
  author = await makeUser("ANNOTATOR");
  roundId = (await prisma.round.create({ data: { number: 3, name: "RLHF-V3", status: "ACTIVE" } })).id;
  variant = await prisma.policyVariant.create({ data: { name: "tiny", backend: "LLAMA_CPP", modelPath, defaults: { temperature: 0.7, topP: 0.9, maxTokens: 12 } } });
  for (const id of ["once", "always", "never"]) {
    await prisma.prompt.create({ data: { id, protocol: "HELPFULNESS", source: "test", contentHash: id, turns: [`Prompt ${id}: why is the sky blue?`] } });
  }
}, 120_000);

afterAll(async () => {
  await closePolicyBackends();
  await stopJobProducer();
});

describe("identical responses", () => {
  it("pair generation draws side B again with the next seed, skips a prompt that keeps repeating, and stores no pair with A = B", async () => {
    const { jobId } = await startPairGeneration(
      prisma,
      {
        roundId,
        batchName: "Repeats",
        prompts: { by: "ids", ids: ["once", "always", "never"] },
        a: { variantId: variant.id, temperature: 0.6 },
        b: { variantId: variant.id, temperature: 1.2 },
        maxTokens: 12,
        topP: 0.9,
        seed: 100,
        annotationsPerPair: 1,
        priority: 0,
        openWhenDone: true,
      },
      admin.id,
    );
    // Seeds: "once" A 100, B 101; "always" A 102, B 103; "never" A 104, B 105.
    // "once" repeats for A (100) and B's first draw (101): B's next seed (102) answers otherwise.
    const handler = makePairGenerationHandler(repeating((prompt, seed) => (prompt.includes("once") && seed <= 101) || prompt.includes("always")));
    seen.length = 0;
    expect(await runJobNow(prisma, handler, jobId)).toBe("SUCCEEDED");

    const job = await prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(job.result).toMatchObject({ pairs: 2, generated: 2, skippedIdenticalPrompts: ["always"] });
    const pairs = await prisma.pair.findMany({ where: { batch: { jobId } }, include: { responseA: true, responseB: true } });
    expect(pairs.map((p) => p.promptId).sort()).toEqual(["never", "once"]);
    for (const pair of pairs) expect(pair.responseA.text.trim()).not.toBe(pair.responseB.text.trim());
    const once = pairs.find((p) => p.promptId === "once")!;
    expect([once.responseA.seed, once.responseB.seed]).toEqual([100, 102]);
    expect(once.responseA.text.trim()).toBe("I cannot answer that.");

    // B was drawn 1 + MAX_IDENTICAL_RESAMPLES times for "always", each with the next seed.
    expect(seen.filter((s) => s.prompt.includes("always")).map((s) => s.seed).sort((x, y) => x - y)).toEqual([102, ...Array.from({ length: MAX_IDENTICAL_RESAMPLES + 1 }, (_, i) => 103 + i)]);
    // Nothing of the skipped prompt is kept.
    expect(await prisma.response.count({ where: { jobId, promptId: "always" } })).toBe(0);
    const log = (await prisma.jobLogLine.findMany({ where: { jobId }, select: { message: true } })).map((l) => l.message);
    expect(log).toContain("Prompt always: side B gave the same text as side A with seeds 103, 104, 105, 106; skipped, no pair.");
    expect(log).toContain("Prompt once: side B drawn again 1 time(s) with the next seed (the same text as side A).");
  }, 120_000);

  it("a job whose every prompt repeats fails saying so, and leaves no batch", async () => {
    const { jobId } = await startPairGeneration(
      prisma,
      {
        roundId,
        batchName: "All repeats",
        prompts: { by: "ids", ids: ["always"] },
        a: { variantId: variant.id, temperature: 0.6 },
        b: { variantId: variant.id, temperature: 1.2 },
        maxTokens: 12,
        topP: 0.9,
        seed: 7,
        annotationsPerPair: 1,
        priority: 0,
        openWhenDone: true,
      },
      admin.id,
    );
    expect(await runJobNow(prisma, makePairGenerationHandler(repeating(() => true)), jobId)).toBe("FAILED");
    expect((await prisma.job.findUniqueOrThrow({ where: { id: jobId } })).error).toBe(
      `No pairs were made: on 1 prompts both sides gave the same text, ${MAX_IDENTICAL_RESAMPLES + 1} times each.`,
    );
    expect(await prisma.batch.count({ where: { jobId } })).toBe(0);
  }, 120_000);

  it("prompt writing draws B again; when it keeps repeating the job fails, the author is told why and the prompt is kept", async () => {
    process.env.PROMPT_WRITING_MAX_PENDING = "100";
    const caller = callerFor(author);
    // The first draw of B repeats A; the next seed answers otherwise.
    const first = await caller.promptWriting.write({ protocol: "HELPFULNESS", message: "Say something twice?" });
    const { seed } = (await prisma.job.findUniqueOrThrow({ where: { id: first.jobId } })).parameters as { seed: number };
    const onceHandler = makePromptWritingHandler(repeating((prompt, s) => prompt.includes("twice") && s <= seed + 1));
    expect(await runJobNow(prisma, onceHandler, first.jobId)).toBe("SUCCEEDED");
    const pair = await prisma.pair.findFirstOrThrow({ where: { promptId: first.promptId }, include: { responseA: true, responseB: true } });
    expect(pair.responseB.seed).toBe((seed + 2) % 2_147_483_648);
    expect(pair.responseA.text.trim()).not.toBe(pair.responseB.text.trim());
    const view = await caller.promptWriting.job({ jobId: first.jobId });
    expect(view.ready).toBe(true);
    expect([view.left?.text, view.right?.text].sort()).toEqual([pair.responseA.text, pair.responseB.text].sort());

    const { promptId, jobId } = await caller.promptWriting.write({ protocol: "HELPFULNESS", message: "Say the same thing again?" });
    expect(await runJobNow(prisma, makePromptWritingHandler(repeating(() => true)), jobId)).toBe("FAILED");
    expect(await caller.promptWriting.job({ jobId })).toMatchObject({ status: "FAILED", ready: false, error: IDENTICAL_RESPONSES_MESSAGE });
    expect((await prisma.job.findUniqueOrThrow({ where: { id: jobId } })).error).toMatch(/^Both responses were the same text.*seeds \d+, \d+, \d+, \d+\.\)$/);
    expect(await prisma.prompt.findUnique({ where: { id: promptId } })).not.toBeNull();
    expect(await prisma.pair.count({ where: { promptId } })).toBe(0);
    expect(await prisma.response.count({ where: { jobId } })).toBe(0);
  }, 120_000);
});
