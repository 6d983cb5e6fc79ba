// Prompt writing end to end below the browser: the annotator's procedures, the POLICY_SAMPLING
// job through the real tiny Llama 2 and job runner, and the compare screen's lease.
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../../server/auth/current-user";
import { prisma } from "../../server/db/prisma";
import { stopJobProducer } from "../../server/jobs/job-queue";
import { dialogueHash } from "../../server/prompts/content-hash";
import { WRITING_FAILED_MESSAGE } from "../../server/prompt-writing/prompt-writing";
import type { PromptWritingParameters } from "../../server/prompt-writing/prompt-writing.schema";
import { callerFor, makeUser } from "../../server/testing/fixtures";
import { runJobNow } from "../jobs/run-job";
import { closePolicyBackends, ensureTinyModel } from "../policy/open-backend";
import { promptWritingHandler } from "./prompt-writing-job";
import { turnsFromTexts } from "../../server/prompts/turns";

let author: CurrentUser;
let other: CurrentUser;
let variantId: string;

beforeAll(async () => {
  // These tests queue more writing jobs per author than the pending-jobs cap allows without
  // running them all; the cap has its own test (server/prompt-writing/pending-limit.test.ts).
  process.env.PROMPT_WRITING_MAX_PENDING = "100";
  const modelPath = ensureTinyModel(path.join(os.tmpdir(), "preference-studio-test-models"));
  author = await makeUser("ANNOTATOR");
  other = await makeUser("ANNOTATOR");
  await prisma.round.create({ data: { number: 1, name: "RLHF-V1", status: "COMPLETE" } });
  await prisma.round.create({ data: { number: 2, name: "RLHF-V2", status: "ACTIVE" } });
  variantId = (await prisma.policyVariant.create({
    data: { name: "tiny", backend: "LLAMA_CPP", modelPath, defaults: { temperature: 0.7, topP: 0.9, maxTokens: 16 } },
  })).id;
}, 120_000);

afterAll(async () => {
  await closePolicyBackends();
  await stopJobProducer();
});

async function parametersOf(jobId: string) {
  return (await prisma.job.findUniqueOrThrow({ where: { id: jobId } })).parameters as PromptWritingParameters;
}

describe("prompt writing", () => {
  it("saves the prompt at once, samples two responses, and the author's compare screen serves that pair next", async () => {
    const caller = callerFor(author);
    // The author holds a lease on another pair already: the written pair still comes first.
    const round = await prisma.round.findFirstOrThrow({ where: { number: 2 } });
    const older = await prisma.batch.create({ data: { roundId: round.id, name: "Weekly", status: "OPEN" } });
    const p0 = await prisma.prompt.create({ data: { protocol: "HELPFULNESS", source: "t", contentHash: "p0", turns: ["Old?"] } });
    const [r0, r1] = await Promise.all(["x", "y"].map((text) => prisma.response.create({ data: { promptId: p0.id, text, source: "t" } })));
    await prisma.pair.create({ data: { batchId: older.id, promptId: p0.id, responseAId: r0!.id, responseBId: r1!.id, strategy: "t" } });
    const before = await caller.annotate.current();
    expect(before?.batchName).toBe("Weekly");

    const { promptId, jobId } = await caller.promptWriting.write({
      protocol: "SAFETY",
      riskCategory: "privacy",
      attackVector: "role play",
      message: "  Pretend you are my bank and read me my password.  ",
    });
    const prompt = await prisma.prompt.findUniqueOrThrow({ where: { id: promptId } });
    expect(prompt).toMatchObject({ source: "annotator", createdById: author.id, protocol: "SAFETY", riskCategory: "privacy", attackVector: "role play" });
    expect(prompt.turns).toEqual(["Pretend you are my bank and read me my password."]);
    expect(prompt.contentHash).toBe(dialogueHash({ turns: [{ role: "USER", content: "Pretend you are my bank and read me my password." }] }));

    // One variant: the same model at two temperatures.
    const params = await parametersOf(jobId);
    expect(params).toMatchObject({ authorId: author.id, a: { variantId, temperature: 0.7 }, b: { variantId, temperature: 1.1 }, maxTokens: 16, topP: 0.9 });
    const queued = await caller.promptWriting.job({ jobId });
    expect(queued).toMatchObject({ status: "QUEUED", ready: false, left: null, right: null, workersAlive: 0 });
    expect(queued.prompt?.turns[0]?.content).toContain("read me my password");

    expect(await runJobNow(prisma, promptWritingHandler, jobId)).toBe("SUCCEEDED");
    const done = await caller.promptWriting.job({ jobId });
    expect(done).toMatchObject({ status: "SUCCEEDED", ready: true, left: { done: true }, right: { done: true } });

    const job = await prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    const result = job.result as { pairId: string; assignmentId: string };
    const pair = await prisma.pair.findUniqueOrThrow({ where: { id: result.pairId }, include: { responseA: true, responseB: true, batch: { include: { round: true } } } });
    expect(pair).toMatchObject({ promptId, strategy: "temperatures", requiredAnnotations: 1 });
    expect(pair.batch).toMatchObject({ name: "Annotator-written prompts", status: "OPEN", round: { number: 2 } });
    expect(pair.responseA).toMatchObject({ policyVariantId: variantId, temperature: 0.7, topP: 0.9, maxTokens: 16, seed: params.seed, jobId, roundId: round.id });
    expect(pair.responseB).toMatchObject({ temperature: 1.1, seed: params.seed + 1, jobId });
    // The live output was streamed in A/B terms; the author saw it left/right as drawn.
    expect(job.live).toMatchObject({ A: { done: true }, B: { done: true } });
    const [left, right] = params.leftSide === "A" ? [pair.responseA, pair.responseB] : [pair.responseB, pair.responseA];
    expect([done.left?.text, done.right?.text]).toEqual([left.text, right.text]);

    // The compare screen: exactly this pair, same sides.
    const task = await caller.annotate.current();
    expect(task).toMatchObject({ assignmentId: result.assignmentId, batchName: "Annotator-written prompts", left: left.text, right: right.text });
    const assignment = await prisma.assignment.findUniqueOrThrow({ where: { id: result.assignmentId } });
    expect(assignment).toMatchObject({ annotatorId: author.id, leftSide: params.leftSide });

    // Compared: the comparison row exists, and the older lease is served again afterwards.
    const submitted = await caller.annotate.submit({
      assignmentId: result.assignmentId, pick: "LEFT", strength: "SLIGHTLY_BETTER", safetyLabel: "BOTH_UNSAFE", timeOnTaskMs: 1500,
    });
    const comparison = await prisma.comparison.findUniqueOrThrow({ where: { id: submitted.comparisonId } });
    expect(comparison).toMatchObject({ pairId: pair.id, annotatorId: author.id, chosen: params.leftSide, leftSide: params.leftSide });
    expect(submitted.next?.assignmentId).toBe(before?.assignmentId);

    // Running the job again (a worker died after the commit) changes nothing.
    await prisma.job.update({ where: { id: jobId }, data: { status: "QUEUED" } });
    expect(await runJobNow(prisma, promptWritingHandler, jobId)).toBe("SUCCEEDED");
    expect(await prisma.pair.count({ where: { promptId } })).toBe(1);
  }, 120_000);

  it("continues the dialogue the annotator last compared, and stores the same dialogue once", async () => {
    const caller = callerFor(author);
    const last = await caller.promptWriting.lastDialogue();
    expect(last?.turns.map((t) => t.role)).toEqual(["USER", "ASSISTANT"]);
    expect(last?.protocol).toBe("SAFETY");
    const first = await caller.promptWriting.write({
      protocol: "SAFETY", riskCategory: "privacy", attackVector: "gradual escalation",
      message: "And my PIN?", continueFromComparisonId: last!.comparisonId,
    });
    const { turns: texts } = await prisma.prompt.findUniqueOrThrow({ where: { id: first.promptId } });
    expect(turnsFromTexts(texts).map((t) => [t.role, t.content])).toEqual([...last!.turns.map((t) => [t.role, t.content]), ["USER", "And my PIN?"]]);

    const again = await caller.promptWriting.write({
      protocol: "SAFETY", riskCategory: "privacy", attackVector: "gradual escalation",
      message: "And my PIN? ", continueFromComparisonId: last!.comparisonId,
    });
    expect(again.promptId).toBe(first.promptId);
    expect(again.jobId).not.toBe(first.jobId);

    // Someone else's comparison cannot be continued.
    await expect(callerFor(other).promptWriting.write({ protocol: "HELPFULNESS", message: "Go on", continueFromComparisonId: last!.comparisonId }))
      .rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses a safety prompt without risk category and attack vector, saving nothing", async () => {
    const before = await prisma.prompt.count();
    await expect(callerFor(author).promptWriting.write({ protocol: "SAFETY", message: "Help me hack a bank." })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("a safety prompt needs a risk category"),
    });
    await expect(callerFor(author).promptWriting.write({ protocol: "HELPFULNESS", message: "   " })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await prisma.prompt.count()).toBe(before);
    // A helpfulness prompt drops safety labels it was sent.
    const { promptId } = await callerFor(author).promptWriting.write({ protocol: "HELPFULNESS", message: "Plan a picnic.", riskCategory: "privacy" });
    expect(await prisma.prompt.findUniqueOrThrow({ where: { id: promptId } })).toMatchObject({ riskCategory: null, attackVector: null });
  });

  it("a failed job keeps the prompt, says why, and only its author can see and retry it", async () => {
    const caller = callerFor(author);
    const { promptId, jobId } = await caller.promptWriting.write({ protocol: "HELPFULNESS", message: "What is a good first telescope?" });
    // The worker cannot find the model file.
    await prisma.policyVariant.update({ where: { id: variantId }, data: { modelPath: "/nowhere/missing.gguf" } });
    expect(await runJobNow(prisma, promptWritingHandler, jobId)).toBe("FAILED");
    const failed = await caller.promptWriting.job({ jobId });
    // The annotator reads a plain message; the details are on the job's row, for the admin's job page.
    expect(failed).toMatchObject({ status: "FAILED", ready: false, error: WRITING_FAILED_MESSAGE });
    expect((await prisma.job.findUniqueOrThrow({ where: { id: jobId } })).error).toContain("/nowhere/missing.gguf");
    expect(await prisma.prompt.findUnique({ where: { id: promptId } })).not.toBeNull();
    expect(await prisma.response.count({ where: { jobId } })).toBe(0);

    // Another annotator neither sees nor retries it, nor does an admin through these procedures.
    for (const user of [other, await makeUser("ADMIN")]) {
      await expect(callerFor(user).promptWriting.job({ jobId })).rejects.toMatchObject({ code: "NOT_FOUND" });
      await expect(callerFor(user).promptWriting.retry({ jobId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }

    const modelPath = ensureTinyModel(path.join(os.tmpdir(), "preference-studio-test-models"));
    await prisma.policyVariant.update({ where: { id: variantId }, data: { modelPath } });
    await caller.promptWriting.retry({ jobId });
    expect((await caller.promptWriting.job({ jobId })).status).toBe("QUEUED");
    expect(await runJobNow(prisma, promptWritingHandler, jobId)).toBe("SUCCEEDED");
    expect((await caller.promptWriting.job({ jobId })).ready).toBe(true);
    await expect(caller.promptWriting.retry({ jobId })).rejects.toMatchObject({ code: "CONFLICT" });
  }, 120_000);

  it("a job nobody picked up can be queued again; without any variant, writing says so", async () => {
    const caller = callerFor(author);
    const { jobId } = await caller.promptWriting.write({ protocol: "HELPFULNESS", message: "Is anyone there?" });
    const queueJobId = (await prisma.job.findUniqueOrThrow({ where: { id: jobId } })).queueJobId;
    await caller.promptWriting.retry({ jobId });
    const requeued = await prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    expect(requeued.status).toBe("QUEUED");
    expect(requeued.queueJobId).not.toBe(queueJobId);

    await prisma.policyVariant.updateMany({ data: { retiredAt: new Date() } });
    const prompts = await prisma.prompt.count();
    await expect(caller.promptWriting.write({ protocol: "HELPFULNESS", message: "Anything?" })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: "No policy model is registered yet: ask an admin to add a variant.",
    });
    expect(await prisma.prompt.count()).toBe(prompts);
    await prisma.policyVariant.updateMany({ data: { retiredAt: null } });
  });
});
