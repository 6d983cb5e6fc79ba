// What an admin sends to register or change a policy variant (a live model, or the same model
// with another system prompt or sampling defaults). Shared by the router and the admin form.
import { z } from "zod";
import { API_KEY_ENV_PATTERN } from "./allowed-hosts";

export const policyBackendSchema = z.enum(["LLAMA_CPP", "OPENAI_COMPATIBLE"]);

/** Sampling defaults of a variant: jobs start from these unless the admin sets others. */
export const samplingDefaultsSchema = z.object({
  temperature: z.number({ error: "a number" }).min(0, "0 or more").max(2, "at most 2"),
  topP: z.number({ error: "a number" }).gt(0, "more than 0").max(1, "at most 1"),
  maxTokens: z.number({ error: "a whole number" }).int("a whole number").min(1, "at least 1").max(8192, "at most 8192"),
});
export type SamplingDefaults = z.infer<typeof samplingDefaultsSchema>;

/** Llama 2-Chat's own sampling defaults (Meta's example_chat_completion.py: T 0.6, top-p 0.9). */
export const LLAMA2_SAMPLING_DEFAULTS: SamplingDefaults = { temperature: 0.6, topP: 0.9, maxTokens: 512 };

/** Optional text: blank means absent. */
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .nullish()
    .transform((s) => (s ? s : null));

const variantFields = z.object({
  name: z
    .string()
    .trim()
    .min(1, "enter a name")
    .max(80, "at most 80 characters")
    .regex(/^[^\p{Cc}]*$/u, "no control characters"),
  backend: policyBackendSchema,
  modelPath: optionalText(1000),
  baseUrl: optionalText(1000),
  modelName: optionalText(200),
  /** The workers' environment variable holding the server's API key (the key is never stored). */
  apiKeyEnv: optionalText(100).refine((name) => name === null || API_KEY_ENV_PATTERN.test(name), {
    message: "the name of an environment variable on the workers: POLICY_API_KEY or POLICY_API_KEY_<NAME> (capitals, digits, _)",
  }),
  defaults: samplingDefaultsSchema,
  systemPrompt: optionalText(8000),
  description: optionalText(2000),
});

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && !!url.hostname;
  } catch {
    return false;
  }
}

/**
 * The backend decides which location is needed: a GGUF file for llama.cpp, an http(s) base URL
 * for a served model. The other backend's fields are dropped so a row never carries both.
 * The file is not checked for existence here: the web process may run on another machine than
 * the GPU workers that load it (a worker reports a missing file on the job's page).
 */
export const variantInput = variantFields
  .superRefine((v, ctx) => {
    if (v.backend === "LLAMA_CPP") {
      if (!v.modelPath) ctx.addIssue({ code: "custom", path: ["modelPath"], message: "a llama.cpp variant needs the path of its GGUF file" });
      else if (!/\.gguf$/i.test(v.modelPath)) ctx.addIssue({ code: "custom", path: ["modelPath"], message: "a GGUF file (ending in .gguf)" });
    } else if (!v.baseUrl) {
      ctx.addIssue({ code: "custom", path: ["baseUrl"], message: "an OpenAI-compatible variant needs its server's base URL" });
    } else if (!isHttpUrl(v.baseUrl)) {
      ctx.addIssue({ code: "custom", path: ["baseUrl"], message: "an http:// or https:// URL, e.g. http://gpu-1:8000/v1" });
    }
  })
  .transform((v) =>
    v.backend === "LLAMA_CPP" ? { ...v, baseUrl: null, modelName: null, apiKeyEnv: null } : { ...v, modelPath: null },
  );
export type VariantInput = z.output<typeof variantInput>;
export type VariantFormValues = z.input<typeof variantInput>;

export const updateVariantInput = z.object({ variantId: z.string().min(1, "variantId is required"), variant: variantInput });
export type UpdateVariantInput = z.infer<typeof updateVariantInput>;

export const retireVariantInput = z.object({
  variantId: z.string().min(1, "variantId is required"),
  /** false brings a retired variant back. */
  retired: z.boolean(),
});
export type RetireVariantInput = z.infer<typeof retireVariantInput>;

export const listVariantsInput = z.object({ includeRetired: z.boolean().default(true) }).default({ includeRetired: true });
