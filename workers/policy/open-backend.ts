// From a PolicyVariant row (or the environment) to a running PolicyBackend. Backends are cached
// per configuration for the life of the worker: a model is loaded once however many jobs use it,
// and two variants of one model (different system prompts or temperatures) share it.
import fs from "node:fs";
import path from "node:path";
import { Prisma, type PolicyVariant } from "@prisma/client";
import type { DbOrTx } from "../../server/db/types";
import { LLAMA2_SAMPLING_DEFAULTS, type SamplingDefaults } from "../../server/policy-variants/policy-variants.schema";
import { variantDefaults } from "../../server/policy-variants/policy-variants";
import { LlamaCppBackend } from "./llama-cpp-backend";
import { OpenAiBackend } from "./openai-backend";
import type { ChatDialogue, ChatTurn, PolicyBackend, PolicyBackendConfig, SamplingParams } from "./policy-backend";
import { writeFileOnce } from "./tiny-llama2/gguf-writer";
import { writeTinyLlama2 } from "./tiny-llama2/tiny-llama2";

export type VariantBackendFields = Pick<PolicyVariant, "backend" | "modelPath" | "baseUrl" | "modelName">;

/** The environment variables read here (process.env, or a plain object in tests). */
export type PolicyEnv = Record<string, string | undefined>;

const backends = new Map<string, Promise<PolicyBackend>>();

function positive(value: string | undefined) {
  const number = Number(value);
  return Number.isInteger(number) && number > 0 ? number : undefined;
}

/** Opens (or reuses) the backend for a configuration. */
export function openPolicyBackend(config: PolicyBackendConfig): Promise<PolicyBackend> {
  const key = JSON.stringify(config);
  let backend = backends.get(key);
  if (!backend) {
    backend = (async (): Promise<PolicyBackend> => {
      if (config.backend === "LLAMA_CPP") {
        if (!fs.existsSync(config.modelPath)) throw new Error(`The policy model file ${config.modelPath} does not exist on this worker.`);
        return LlamaCppBackend.open({ modelPath: config.modelPath, threads: config.threads });
      }
      return new OpenAiBackend({
        baseUrl: config.baseUrl,
        modelName: config.modelName,
        apiKey: config.apiKey,
        // Per worker process; a server's own limit (llama-server's slots, vLLM's batch) is the other bound.
        concurrency: positive(process.env.POLICY_HTTP_CONCURRENCY),
        timeoutMs: positive(process.env.POLICY_HTTP_TIMEOUT_MS),
      });
    })().catch((error: unknown) => {
      backends.delete(key);
      throw error;
    });
    backends.set(key, backend);
  }
  return backend;
}

/**
 * The backend configuration of a variant. A served variant's API key is never stored in the
 * database: it comes from POLICY_API_KEY on the worker.
 */
export function variantBackendConfig(variant: VariantBackendFields, env: PolicyEnv = process.env): PolicyBackendConfig {
  if (variant.backend === "LLAMA_CPP") {
    if (!variant.modelPath) throw new Error("This llama.cpp variant has no model file (modelPath).");
    return { backend: "LLAMA_CPP", modelPath: variant.modelPath };
  }
  if (!variant.baseUrl) throw new Error("This OpenAI-compatible variant has no server URL (baseUrl).");
  return { backend: "OPENAI_COMPATIBLE", baseUrl: variant.baseUrl, modelName: variant.modelName, apiKey: env.POLICY_API_KEY || null };
}

/** The backend a variant samples from (cached: the same model file or server is opened once). */
export function backendForVariant(variant: VariantBackendFields): Promise<PolicyBackend> {
  return openPolicyBackend(variantBackendConfig(variant));
}

/** A dialogue as the variant sends it: its system prompt (e.g. a safety preprompt) before the turns. */
export function variantDialogue(variant: Pick<PolicyVariant, "systemPrompt">, turns: ChatTurn[]): ChatDialogue {
  return { systemPrompt: variant.systemPrompt, turns };
}

/** The variant's sampling defaults, overridden by what the job sets. */
export function variantSampling(variant: Pick<PolicyVariant, "defaults">, overrides: Partial<SamplingParams> = {}): SamplingParams {
  const defaults: SamplingDefaults = variantDefaults(variant);
  return { ...defaults, ...Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined)) };
}

/** Closes every open backend (worker shutdown, tests). */
export async function closePolicyBackends() {
  const open = [...backends.values()];
  backends.clear();
  await Promise.all(open.map(async (backend) => (await backend.catch(() => undefined))?.close()));
}

export const TINY_MODEL_FILE = "tiny-llama2.gguf";

export function tinyModelPath(dataDir: string) {
  return path.resolve(dataDir, "models", TINY_MODEL_FILE);
}

/**
 * Writes the tiny Llama 2 test model to <dataDir>/models/ unless it is there. Idempotent and
 * safe against concurrent callers: the file is written under a temporary name and renamed, so a
 * reader never sees half a model.
 */
export function ensureTinyModel(dataDir: string): string {
  return writeFileOnce(tinyModelPath(dataDir), (temporary) => writeTinyLlama2(temporary));
}

export type DefaultPolicy = { name: string; description: string; config: PolicyBackendConfig; tiny: boolean };

/**
 * The policy when none is registered: POLICY_BASE_URL (with POLICY_MODEL_NAME, POLICY_API_KEY) →
 * that server; else POLICY_MODEL_PATH → that GGUF; else the tiny test model in the data folder.
 */
export function defaultPolicyConfig(env: PolicyEnv, dataDir: string): DefaultPolicy {
  if (env.POLICY_BASE_URL) {
    const modelName = env.POLICY_MODEL_NAME || null;
    return {
      name: modelName ?? new URL(env.POLICY_BASE_URL).host,
      description: `Served at ${env.POLICY_BASE_URL} (from POLICY_BASE_URL).`,
      config: { backend: "OPENAI_COMPATIBLE", baseUrl: env.POLICY_BASE_URL, modelName, apiKey: env.POLICY_API_KEY || null },
      tiny: false,
    };
  }
  if (env.POLICY_MODEL_PATH) {
    const modelPath = path.resolve(env.POLICY_MODEL_PATH);
    return {
      name: path.basename(modelPath).replace(/\.gguf$/i, ""),
      description: `Local GGUF ${modelPath} (from POLICY_MODEL_PATH).`,
      config: { backend: "LLAMA_CPP", modelPath },
      tiny: false,
    };
  }
  return {
    name: "tiny-llama2 (test model)",
    description: "Random weights with the real Llama 2 vocabulary, for tests and the demo: it writes gibberish. Set POLICY_MODEL_PATH or POLICY_BASE_URL for a real model.",
    config: { backend: "LLAMA_CPP", modelPath: tinyModelPath(dataDir) },
    tiny: true,
  };
}

/**
 * On start: writes the tiny model when it is the default, and registers the default policy as a
 * variant when the table is empty, so pair generation and prompt writing work out of the box.
 * Returns the variant created, or null when variants exist already.
 */
export async function ensureDefaultPolicyVariant(db: DbOrTx, dataDir: string, env: PolicyEnv = process.env) {
  const policy = defaultPolicyConfig(env, dataDir);
  if (policy.tiny) ensureTinyModel(dataDir);
  if ((await db.policyVariant.count()) > 0) return null;
  const { config } = policy;
  // Two processes starting at once both see an empty table; the name is unique, so one wins.
  return db.policyVariant.create({
    data: {
      name: policy.name,
      description: policy.description,
      backend: config.backend,
      modelPath: config.backend === "LLAMA_CPP" ? config.modelPath : null,
      baseUrl: config.backend === "OPENAI_COMPATIBLE" ? config.baseUrl : null,
      modelName: config.backend === "OPENAI_COMPATIBLE" ? config.modelName : null,
      defaults: LLAMA2_SAMPLING_DEFAULTS,
    },
  }).catch((error: unknown) => {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return null;
    throw error;
  });
}
