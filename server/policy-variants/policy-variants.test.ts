import os from "node:os";
import { describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { callerFor, makeUser, refusal } from "../testing/fixtures";
import { activeVariantOrThrow, variantDefaults } from "./policy-variants";
import type { VariantFormValues } from "./policy-variants.schema";

// The variants below name files in /models, a folder the operator allowed.
process.env.POLICY_MODEL_DIRS = `${os.tmpdir()},/models`;
const defaults = { temperature: 0.7, topP: 0.9, maxTokens: 256 };
const local = (name: string): VariantFormValues => ({ name, backend: "LLAMA_CPP", modelPath: "/models/llama-2-7b-chat.Q4_K_M.gguf", defaults });

describe("policy variants", () => {
  it("registers a llama.cpp and a served variant, keeping only the backend's own location", async () => {
    const admin = await makeUser("ADMIN");
    const caller = callerFor(admin);
    const a = await caller.policyVariants.create({
      ...local("llama-2-7b-chat"),
      baseUrl: "http://ignored:8000",
      systemPrompt: "  ",
      description: "Meta's 7B chat model",
    });
    expect(a).toMatchObject({ backend: "LLAMA_CPP", baseUrl: null, modelName: null, systemPrompt: null, description: "Meta's 7B chat model" });
    const b = await caller.policyVariants.create({
      name: "llama-2-70b-chat (vLLM, safety preprompt)",
      backend: "OPENAI_COMPATIBLE",
      modelPath: "/ignored.gguf",
      baseUrl: " https://gpu-1.lab:8000/v1 ",
      modelName: "meta-llama/Llama-2-70b-chat-hf",
      defaults: { temperature: 1.2, topP: 1, maxTokens: 1024 },
      systemPrompt: "You are a safe and responsible assistant.",
    });
    expect(b).toMatchObject({ modelPath: null, baseUrl: "https://gpu-1.lab:8000/v1", modelName: "meta-llama/Llama-2-70b-chat-hf" });

    const list = await callerFor(await makeUser("RESEARCHER")).policyVariants.list();
    expect(list.map((v) => v.name)).toEqual([a.name, b.name]);
    expect(list[1]!.defaults).toEqual({ temperature: 1.2, topP: 1, maxTokens: 1024 });
  });

  it("refuses a variant without the location its backend needs, naming the field, and writes nothing", async () => {
    const caller = callerFor(await makeUser("ADMIN"));
    const before = await prisma.policyVariant.count();
    expect(await refusal(caller.policyVariants.create({ name: "no file", backend: "LLAMA_CPP", defaults }))).toBe(
      "modelPath: a llama.cpp variant needs the path of its GGUF file",
    );
    expect(await refusal(caller.policyVariants.create({ ...local("not gguf"), modelPath: "/models/model.bin" }))).toBe(
      "modelPath: a GGUF file (ending in .gguf)",
    );
    expect(await refusal(caller.policyVariants.create({ ...local("outside"), modelPath: "/etc/shadow.gguf" }))).toMatch(
      /^modelPath: \/etc\/shadow\.gguf is not in a folder policy models may be loaded from: .*models \(the data folder's models\/\), .*\/models \(POLICY_MODEL_DIRS\)/,
    );
    expect(await refusal(caller.policyVariants.create({ name: "no url", backend: "OPENAI_COMPATIBLE", defaults }))).toBe(
      "baseUrl: an OpenAI-compatible variant needs its server's base URL",
    );
    for (const baseUrl of ["ftp://gpu-1/v1", "gpu-1:8000", "javascript:alert(1)"]) {
      expect(await refusal(caller.policyVariants.create({ name: "bad url", backend: "OPENAI_COMPATIBLE", baseUrl, defaults }))).toBe(
        "baseUrl: an http:// or https:// URL, e.g. http://gpu-1:8000/v1",
      );
    }
    expect(await refusal(caller.policyVariants.create({ ...local("hot"), name: " ", defaults: { temperature: 3, topP: 0, maxTokens: 0.5 } }))).toBe(
      "name: enter a name; defaults.temperature: at most 2; defaults.topP: more than 0; defaults.maxTokens: a whole number",
    );
    expect(await prisma.policyVariant.count()).toBe(before);
  });

  it("keeps names unique with a clear error, on create and on rename", async () => {
    const caller = callerFor(await makeUser("ADMIN"));
    await caller.policyVariants.create(local("chat-v1"));
    const other = await caller.policyVariants.create(local("chat-v2"));
    await expect(caller.policyVariants.create(local(" chat-v1 "))).rejects.toMatchObject({
      code: "CONFLICT",
      message: 'name: a variant named "chat-v1" already exists; choose another name.',
    });
    await expect(caller.policyVariants.update({ variantId: other.id, variant: local("chat-v1") })).rejects.toMatchObject({ code: "CONFLICT" });
    const renamed = await caller.policyVariants.update({ variantId: other.id, variant: { ...local("chat-v2b"), defaults: { ...defaults, temperature: 1 } } });
    expect(renamed).toMatchObject({ name: "chat-v2b", defaults: { temperature: 1 } });
    await expect(caller.policyVariants.update({ variantId: "nope", variant: local("x") })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("retires a variant: it stays listed, cannot be picked for new jobs, and can come back", async () => {
    const caller = callerFor(await makeUser("ADMIN"));
    const v = await caller.policyVariants.create(local("old-model"));
    const retired = await caller.policyVariants.retire({ variantId: v.id, retired: true });
    expect(retired.retiredAt).toBeInstanceOf(Date);
    expect((await caller.policyVariants.list({ includeRetired: false })).some((x) => x.id === v.id)).toBe(false);
    expect((await caller.policyVariants.list()).find((x) => x.id === v.id)?.retiredAt).toEqual(retired.retiredAt);
    await expect(activeVariantOrThrow(prisma, v.id, "a.variantId")).rejects.toThrow('a.variantId: variant "old-model" is retired.');
    await caller.policyVariants.retire({ variantId: v.id, retired: false });
    await expect(activeVariantOrThrow(prisma, v.id, "a.variantId")).resolves.toMatchObject({ id: v.id });
  });

  it("gives rows stored without defaults Llama 2-Chat's sampling settings", () => {
    expect(variantDefaults({ defaults: {} })).toEqual({ temperature: 0.6, topP: 0.9, maxTokens: 512 });
    expect(variantDefaults({ defaults: { temperature: 1 } })).toEqual({ temperature: 1, topP: 0.9, maxTokens: 512 });
  });
});
