// One annotator cannot queue unbounded model time: prompt-writing jobs waiting or running are
// capped per person, concurrent requests included, and a refused write saves nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { stopJobProducer } from "../jobs/job-queue";
import { callerFor, makeUser } from "../testing/fixtures";
import { maxPendingWrites } from "./pending-limit";

const defaults = { temperature: 0.8, topP: 0.95, maxTokens: 32 };
beforeAll(async () => {
  await prisma.policyVariant.create({ data: { name: "cap-test", backend: "LLAMA_CPP", modelPath: "/m/cap.gguf", defaults } });
  process.env.PROMPT_WRITING_MAX_PENDING = "2";
});
afterAll(async () => {
  delete process.env.PROMPT_WRITING_MAX_PENDING;
  await stopJobProducer();
});

const pending = (userId: string) => prisma.job.count({ where: { createdById: userId, type: "POLICY_SAMPLING", status: { in: ["QUEUED", "RUNNING"] } } });

describe("pending prompt-writing jobs per person", () => {
  it("refuses the write past the cap with a clear message and saves nothing", async () => {
    const author = await makeUser("ANNOTATOR");
    const caller = callerFor(author);
    await caller.promptWriting.write({ protocol: "HELPFULNESS", message: "Cap one?" });
    await caller.promptWriting.write({ protocol: "HELPFULNESS", message: "Cap two?" });
    const prompts = await prisma.prompt.count();
    await expect(caller.promptWriting.write({ protocol: "HELPFULNESS", message: "Cap three?" })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: "You already have 2 prompts waiting for their responses (at most 2 at once). Compare them, or wait until one is ready, then write the next.",
    });
    expect(await prisma.prompt.count()).toBe(prompts);
    expect(await pending(author.id)).toBe(2);

    // Someone else is not held up by it.
    await callerFor(await makeUser("ANNOTATOR")).promptWriting.write({ protocol: "HELPFULNESS", message: "Someone else's?" });

    // Once one is done, the next may be written.
    const [done] = await prisma.job.findMany({ where: { createdById: author.id }, take: 1 });
    await prisma.job.update({ where: { id: done!.id }, data: { status: "FAILED", finishedAt: new Date() } });
    await caller.promptWriting.write({ protocol: "HELPFULNESS", message: "Cap three, later?" });
    expect(await pending(author.id)).toBe(2);
    // A retry of the failed one would make three: refused too.
    await expect(caller.promptWriting.retry({ jobId: done!.id })).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect((await prisma.job.findUniqueOrThrow({ where: { id: done!.id } })).status).toBe("FAILED");
  });

  it("holds when many writes arrive at once", async () => {
    const author = await makeUser("ANNOTATOR");
    const caller = callerFor(author);
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => caller.promptWriting.write({ protocol: "HELPFULNESS", message: `At once ${i}?` })));
    expect(results.filter((r) => r.status === "fulfilled").length).toBeLessThanOrEqual(2);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    expect(await pending(author.id)).toBeLessThanOrEqual(2);
    // And the cap is reachable afterwards, one at a time.
    while ((await pending(author.id)) < 2) await caller.promptWriting.write({ protocol: "HELPFULNESS", message: `Then ${await pending(author.id)}?` });
    await expect(caller.promptWriting.write({ protocol: "HELPFULNESS", message: "One more?" })).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS" });
  });

  it("reads the cap from the environment", () => {
    expect(maxPendingWrites({})).toBe(3);
    expect(maxPendingWrites({ PROMPT_WRITING_MAX_PENDING: "10" })).toBe(10);
    expect(() => maxPendingWrites({ PROMPT_WRITING_MAX_PENDING: "0" })).toThrow(/PROMPT_WRITING_MAX_PENDING="0": at least 1/);
  });
});
