// The policy used when none is registered, and the tiny Llama 2 it falls back to. Kept apart from
// the backends (open-backend.ts) so that `npm start` can register the default variant without
// loading node-llama-cpp.
import path from "node:path";
import type { DbOrTx } from "../../server/db/types";
import { LLAMA2_SAMPLING_DEFAULTS } from "../../server/policy-variants/policy-variants.schema";
import type { PolicyBackendConfig } from "./policy-backend";
import { writeFileOnce } from "./tiny-llama2/gguf-writer";
import { writeTinyLlama2 } from "./tiny-llama2/tiny-llama2";
import { isUniqueViolation } from "../../server/db/sql-errors";
import { config } from "../../server/config/config";

/** The environment variables read here (process.env, or a plain object in tests). */
export type PolicyEnv = Record<string, string | undefined>;

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
export function defaultPolicyConfig(environment: PolicyEnv, dataDir: string): DefaultPolicy {
  const env = config(environment);
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
      // The key stays in the environment; the variant names where to read it.
      apiKeyEnv: config.backend === "OPENAI_COMPATIBLE" && config.apiKey ? "POLICY_API_KEY" : null,
      defaults: LLAMA2_SAMPLING_DEFAULTS,
    },
  }).catch((error: unknown) => {
    if (isUniqueViolation(error)) return null;
    throw error;
  });
}
