import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { stopJobProducer } from "../jobs/job-queue";
import { callerFor, makeUser } from "../testing/fixtures";
import type { PromptWritingParameters } from "./prompt-writing.schema";
import { defaultWritingSides } from "./writing-settings";

const defaults = { temperature: 0.8, topP: 0.95, maxTokens: 300 };
let first: string;
let second: string;

beforeAll(async () => {
  first = (await prisma.policyVariant.create({ data: { name: "first", backend: "LLAMA_CPP", modelPath: "/m/1.gguf", defaults } })).id;
  second = (await prisma.policyVariant.create({ data: { name: "second", backend: "OPENAI_COMPATIBLE", baseUrl: "http://gpu:8000/v1", defaults: { ...defaults, temperature: 1.2, maxTokens: 200 } } })).id;
});
afterAll(() => stopJobProducer());

async function sidesOfNextWrite(message: string) {
  const author = await makeUser("ANNOTATOR");
  const { jobId } = await callerFor(author).promptWriting.write({ protocol: "HELPFULNESS", message });
  return (await prisma.job.findUniqueOrThrow({ where: { id: jobId } })).parameters as PromptWritingParameters;
}

describe("prompt-writing sides", () => {
  it("default: the first two active variants, or one at two temperatures", async () => {
    expect(await sidesOfNextWrite("One?")).toMatchObject({ a: { variantId: first, temperature: 0.8 }, b: { variantId: second, temperature: 1.2 }, topP: 0.95, maxTokens: 200 });
    expect(defaultWritingSides([{ id: "x", defaults: { temperature: 0.6 } }])).toMatchObject({ a: { temperature: 0.6 }, b: { variantId: "x", temperature: 1 } });
    expect(defaultWritingSides([{ id: "x", defaults: { temperature: 1.3 } }])).toMatchObject({ b: { temperature: 0.9 } });
  });

  it("an admin's setting is used while its variants are active, and can be cleared", async () => {
    const admin = callerFor(await makeUser("ADMIN"));
    const settings = { a: { variantId: second, temperature: 0.5 }, b: { variantId: second, temperature: 1.4 }, topP: 0.9, maxTokens: 64 };
    await admin.promptWriting.saveSettings({ settings });
    expect(await admin.promptWriting.settings()).toMatchObject({ settings, effective: { ...settings, source: "setting" } });
    expect(await sidesOfNextWrite("Two?")).toMatchObject(settings);

    // Retiring a variant it names falls back to the default.
    await prisma.policyVariant.update({ where: { id: second }, data: { retiredAt: new Date() } });
    expect(await sidesOfNextWrite("Three?")).toMatchObject({ a: { variantId: first, temperature: 0.8 }, b: { variantId: first, temperature: 1.2 } });
    await expect(admin.promptWriting.saveSettings({ settings })).rejects.toThrow('a.variantId: variant "second" is retired.');
    await prisma.policyVariant.update({ where: { id: second }, data: { retiredAt: null } });

    await expect(admin.promptWriting.saveSettings({ settings: { ...settings, b: settings.a } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await admin.promptWriting.saveSettings({ settings: null });
    expect((await admin.promptWriting.settings()).settings).toBeNull();
    expect((await admin.promptWriting.settings()).effective?.source).toBe("default");
  });
});
