// From a PolicyVariant row (or the environment) to a running PolicyBackend. Backends are cached
// per configuration for the life of the worker: a model is loaded once however many jobs use it,
// and two variants of one model (different system prompts or temperatures) share it.
import type { PolicyVariant } from "@prisma/client";
import type { SamplingDefaults } from "../../server/policy-variants/policy-variants.schema";
import { API_KEY_ENV_PATTERN, baseUrlRefusal } from "../../server/policy-variants/allowed-hosts";
import { variantDefaults } from "../../server/policy-variants/policy-variants";
import { LlamaCppBackend } from "./llama-cpp-backend";
import { allowedModelFile } from "./model-paths";
import { OpenAiBackend } from "./openai-backend";
import type { ChatDialogue, ChatTurn, PolicyBackend, PolicyBackendConfig, SamplingParams } from "./policy-backend";
import type { PolicyEnv } from "./default-policy";
import { config as settings } from "../../server/config/config";

export type VariantBackendFields = Pick<PolicyVariant, "backend" | "modelPath" | "baseUrl" | "modelName"> & Partial<Pick<PolicyVariant, "apiKeyEnv">>;


const backends = new Map<string, Promise<PolicyBackend>>();


/** Opens (or reuses) the backend for a configuration. */
export function openPolicyBackend(config: PolicyBackendConfig): Promise<PolicyBackend> {
  const key = JSON.stringify(config);
  let backend = backends.get(key);
  if (!backend) {
    backend = (async (): Promise<PolicyBackend> => {
      if (config.backend === "LLAMA_CPP") {
        // Only from the allowed folders, checked after links are followed.
        return LlamaCppBackend.open({ modelPath: allowedModelFile(config.modelPath), threads: config.threads });
      }
      return new OpenAiBackend({
        baseUrl: config.baseUrl,
        modelName: config.modelName,
        apiKey: config.apiKey,
        // Per worker process; a server's own limit (llama-server's slots, vLLM's batch) is the other bound.
        concurrency: settings().POLICY_HTTP_CONCURRENCY,
        timeoutMs: settings().POLICY_HTTP_TIMEOUT_MS,
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
 * database: the variant names the environment variable on the worker that holds it
 * (POLICY_API_KEY or POLICY_API_KEY_<NAME>), so each server gets its own key and a URL typed into
 * the admin page gets none. The server must be allowed by POLICY_ALLOWED_HOSTS when that is set.
 */
export function variantBackendConfig(variant: VariantBackendFields, env: PolicyEnv = process.env): PolicyBackendConfig {
  if (variant.backend === "LLAMA_CPP") {
    if (!variant.modelPath) throw new Error("This llama.cpp variant has no model file (modelPath).");
    return { backend: "LLAMA_CPP", modelPath: variant.modelPath };
  }
  if (!variant.baseUrl) throw new Error("This OpenAI-compatible variant has no server URL (baseUrl).");
  const refusal = baseUrlRefusal(variant.baseUrl, env);
  if (refusal) throw new Error(`This variant's server was not contacted: ${refusal}`);
  let apiKey: string | null = null;
  if (variant.apiKeyEnv) {
    if (!API_KEY_ENV_PATTERN.test(variant.apiKeyEnv)) throw new Error(`This variant names ${variant.apiKeyEnv} for its API key; only POLICY_API_KEY or POLICY_API_KEY_<NAME> may hold one.`);
    apiKey = env[variant.apiKeyEnv] || null;
    if (!apiKey) throw new Error(`This variant's API key is read from ${variant.apiKeyEnv}, which is not set on this worker.`);
  }
  return { backend: "OPENAI_COMPATIBLE", baseUrl: variant.baseUrl, modelName: variant.modelName, apiKey };
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

// The default policy and the tiny model, for callers that also open backends.
export { defaultPolicyConfig, ensureDefaultPolicyVariant, ensureTinyModel, tinyModelPath } from "./default-policy";
