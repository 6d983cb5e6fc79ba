// Issue 13 item 8: registering or restoring a policy variant does not change which variants
// answer annotators' written prompts; only an admin's saved choice does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { stopJobProducer } from "../jobs/job-queue";
import { callerFor, makeUser } from "../testing/fixtures";
import type { PromptWritingParameters } from "./prompt-writing.schema";

let admin: ReturnType<typeof callerFor>;
const defaults = { temperature: 0.7, topP: 0.9, maxTokens: 128 };

beforeAll(async () => {
  admin = callerFor(await makeUser("ADMIN"));
});
afterAll(() => stopJobProducer());

async function sidesOfNextWrite(message: string) {
  const { jobId } = await callerFor(await makeUser("ANNOTATOR")).promptWriting.write({ protocol: "HELPFULNESS", message });
  const p = (await prisma.job.findUniqueOrThrow({ where: { id: jobId } })).parameters as PromptWritingParameters;
  return { a: p.a, b: p.b };
}

describe("what answers written prompts", () => {
  it("stays as it was when a variant is registered, restored, or refused, until an admin chooses", async () => {
    const only = await admin.policyVariants.create({ name: "only", backend: "OPENAI_COMPATIBLE", baseUrl: "http://only.gpu.test:8000/v1", defaults });
    const before = await sidesOfNextWrite("One variant?");
    expect(before).toEqual({ a: { variantId: only.id, temperature: 0.7 }, b: { variantId: only.id, temperature: 1.1 } });
    expect((await admin.promptWriting.settings()).settings).toBeNull();

    // A second variant: the one at two temperatures still answers, now as a saved setting.
    const second = await admin.policyVariants.create({ name: "second", backend: "OPENAI_COMPATIBLE", baseUrl: "http://second.gpu.test:8000/v1", defaults: { ...defaults, temperature: 1.0 } });
    expect(await sidesOfNextWrite("Two variants?")).toEqual(before);
    expect((await admin.promptWriting.settings()).effective).toMatchObject({ ...before, source: "setting" });

    // A refused registration (the name is taken) and a restored variant change nothing either.
    await expect(admin.policyVariants.create({ name: "second", backend: "OPENAI_COMPATIBLE", baseUrl: "http://x.gpu.test:8000/v1", defaults })).rejects.toMatchObject({ code: "CONFLICT" });
    await admin.policyVariants.retire({ variantId: second.id, retired: true });
    await admin.policyVariants.retire({ variantId: second.id, retired: false });
    expect(await sidesOfNextWrite("Restored?")).toEqual(before);

    // The admin's choice changes it.
    const chosen = { a: { variantId: only.id, temperature: 0.7 }, b: { variantId: second.id, temperature: 1.0 }, topP: 0.9, maxTokens: 128 };
    await admin.promptWriting.saveSettings({ settings: chosen });
    await admin.policyVariants.create({ name: "third", backend: "OPENAI_COMPATIBLE", baseUrl: "http://third.gpu.test:8000/v1", defaults });
    expect(await sidesOfNextWrite("Chosen?")).toEqual({ a: chosen.a, b: chosen.b });
  });
});
