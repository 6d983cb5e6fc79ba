// From the environment and PolicyVariant rows to backends: which backend, the tiny model written
// once and atomically, the default variant registered once, backends reused per configuration.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "../../server/db/prisma";
import { LlamaCppBackend } from "./llama-cpp-backend";
import {
  backendForVariant,
  closePolicyBackends,
  defaultPolicyConfig,
  ensureDefaultPolicyVariant,
  ensureTinyModel,
  tinyModelPath,
  variantBackendConfig,
  variantDialogue,
  variantSampling,
} from "./open-backend";
import { OpenAiBackend } from "./openai-backend";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "open-backend-"));
afterAll(() => closePolicyBackends());

describe("the default policy", () => {
  it("is the server, else the GGUF, else the tiny model in the data folder", () => {
    const env = { POLICY_BASE_URL: "http://gpu-1:8000/v1", POLICY_MODEL_NAME: "meta-llama/Llama-2-7b-chat-hf", POLICY_API_KEY: "k", POLICY_MODEL_PATH: "/m/a.gguf" };
    expect(defaultPolicyConfig(env, dataDir)).toMatchObject({
      name: "meta-llama/Llama-2-7b-chat-hf",
      tiny: false,
      config: { backend: "OPENAI_COMPATIBLE", baseUrl: "http://gpu-1:8000/v1", modelName: "meta-llama/Llama-2-7b-chat-hf", apiKey: "k" },
    });
    expect(defaultPolicyConfig({ POLICY_MODEL_PATH: "/models/llama-2-7b-chat.Q4_K_M.gguf" }, dataDir)).toMatchObject({
      name: "llama-2-7b-chat.Q4_K_M",
      config: { backend: "LLAMA_CPP", modelPath: "/models/llama-2-7b-chat.Q4_K_M.gguf" },
    });
    expect(defaultPolicyConfig({}, dataDir)).toMatchObject({ tiny: true, config: { backend: "LLAMA_CPP", modelPath: path.join(dataDir, "models", "tiny-llama2.gguf") } });
  });

  it("writes the tiny model once, whole, under its final name", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tiny-model-"));
    const file = ensureTinyModel(dir);
    expect(file).toBe(tinyModelPath(dir));
    const { mtimeMs, size } = fs.statSync(file);
    expect(size).toBeGreaterThan(8e6);
    expect(ensureTinyModel(dir)).toBe(file);
    expect(fs.statSync(file).mtimeMs).toBe(mtimeMs);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["tiny-llama2.gguf"]); // no temporary file left
  });

  it("is registered as a variant only when there is none, with Llama 2-Chat's sampling defaults", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "default-variant-"));
    const created = await ensureDefaultPolicyVariant(prisma, dir, {});
    expect(created).toMatchObject({ name: "tiny-llama2 (test model)", backend: "LLAMA_CPP", modelPath: tinyModelPath(dir), baseUrl: null, apiKeyEnv: null });
    expect(created!.defaults).toEqual({ temperature: 0.6, topP: 0.9, maxTokens: 512 });
    expect(fs.existsSync(tinyModelPath(dir))).toBe(true);
    expect(await ensureDefaultPolicyVariant(prisma, dir, { POLICY_BASE_URL: "http://x:1" })).toBeNull();
    expect(await prisma.policyVariant.count()).toBe(1);
    // Two starts at once: one row.
    await prisma.policyVariant.deleteMany();
    const both = await Promise.all([ensureDefaultPolicyVariant(prisma, dir, {}), ensureDefaultPolicyVariant(prisma, dir, {})]);
    expect(both.filter(Boolean).length).toBeGreaterThanOrEqual(1);
    expect(await prisma.policyVariant.count()).toBe(1);
  });
});

describe("backends for variants", () => {
  const tiny = { backend: "LLAMA_CPP" as const, modelPath: ensureTinyModel(dataDir), baseUrl: null, modelName: null };

  it("opens a variant's model once and shares it between variants of the same model", async () => {
    const a = await backendForVariant(tiny);
    const b = await backendForVariant({ ...tiny, modelName: null });
    expect(a).toBe(b);
    expect(a).toBeInstanceOf(LlamaCppBackend);
    const variant = { systemPrompt: "Be safe.", defaults: { temperature: 0.2 } };
    const [sample] = await a.generate({
      dialogue: variantDialogue(variant, [{ role: "USER", content: "Hi" }]),
      sampling: variantSampling(variant, { maxTokens: 4, seed: 1, topP: undefined }),
      n: 1,
    });
    expect(sample!.tokenCount).toBe(4);
    // Partial stored defaults fall back to Llama 2-Chat's.
    expect(variantSampling(variant, { maxTokens: 4, seed: 1, topP: undefined })).toEqual({ temperature: 0.2, topP: 0.9, maxTokens: 4, seed: 1 });
  });

  it("serves an OpenAI-compatible variant with the key from the variable it names, and names what is missing", async () => {
    const served = { backend: "OPENAI_COMPATIBLE" as const, modelPath: null, baseUrl: "http://127.0.0.1:9/v1", modelName: "m", apiKeyEnv: "POLICY_API_KEY" };
    expect(variantBackendConfig(served, { POLICY_API_KEY: "secret" })).toEqual({ backend: "OPENAI_COMPATIBLE", baseUrl: "http://127.0.0.1:9/v1", modelName: "m", apiKey: "secret" });
    // A variant that names no variable gets no key, whatever the worker holds.
    expect(variantBackendConfig({ ...served, apiKeyEnv: null }, { POLICY_API_KEY: "secret" })).toMatchObject({ apiKey: null });
    expect(await backendForVariant({ ...served, apiKeyEnv: null })).toBeInstanceOf(OpenAiBackend);
    expect(() => variantBackendConfig({ ...served, baseUrl: null })).toThrow(/no server URL/);
    expect(() => variantBackendConfig({ ...tiny, modelPath: null })).toThrow(/no model file/);
    await expect(backendForVariant({ ...tiny, modelPath: path.join(dataDir, "missing.gguf") })).rejects.toThrow(/does not exist on this worker/);
  });
});
