// The platform's configuration: every environment variable it reads, with its default and what
// it means, validated once by one zod schema. Code reads `config().NAME` (or `config(env)` where a
// caller passes its own environment, as tests do), never process.env directly; a bad value fails
// with the variable's name. The README's "Configuration" table lists exactly these variables
// (config.test.ts holds them together). Tooling-only variables (benchmarks' BENCH_*, E2E_PORT,
// CHROMIUM_PATH, the llama-server build's cache) are documented where those tools are.
import { z } from "zod";

type Env = Record<string, string | undefined>;

const positiveInt = (fallback: number) => z.coerce.number({ error: "a whole number" }).int("a whole number").min(1, "at least 1").default(fallback);
const optionalText = z.string().optional();
/** A comma-separated list, empty entries dropped. */
const list = z
  .string()
  .optional()
  .transform((s) => (s ?? "").split(",").map((x) => x.trim()).filter(Boolean));
const yesNo = (fallback: boolean) =>
  z
    .enum(["true", "false"], { error: "true or false" })
    .default(fallback ? "true" : "false")
    .transform((s) => s === "true");

export const configSchema = z.object({
  // Web and database
  PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  HOST: optionalText,
  DATABASE_URL: optionalText,
  DATA_DIR: z.string().default(".data"),
  EMBEDDED_POSTGRES_DIR: z.string().default("/var/lib/preference-studio"),
  DATABASE_POOL_SIZE: positiveInt(10),
  SEED_DEMO: yesNo(true),
  // Sign-in
  NEXTAUTH_SECRET: optionalText,
  NEXTAUTH_URL: z.url({ error: "a URL such as https://prefs.example.org" }).optional(),
  GITHUB_CLIENT_ID: optionalText,
  GITHUB_CLIENT_SECRET: optionalText,
  GOOGLE_CLIENT_ID: optionalText,
  GOOGLE_CLIENT_SECRET: optionalText,
  OIDC_ISSUER: optionalText,
  OIDC_CLIENT_ID: optionalText,
  OIDC_CLIENT_SECRET: optionalText,
  OIDC_NAME: optionalText,
  OIDC_TRUST_EMAILS: yesNo(false),
  OAUTH_SIGNUP_ROLE: z.enum(["ANNOTATOR", "RESEARCHER"], { error: "ANNOTATOR or RESEARCHER" }).optional(),
  SIGNIN_MAX_ATTEMPTS_PER_ACCOUNT: positiveInt(10),
  SIGNIN_MAX_ATTEMPTS_PER_ADDRESS: positiveInt(50),
  SIGNIN_WINDOW_SECONDS: positiveInt(15 * 60),
  // Annotation, import and export
  ANNOTATION_LEASE_SECONDS: positiveInt(20 * 60),
  PROMPT_WRITING_MAX_PENDING: positiveInt(3),
  IMPORT_MAX_BYTES: positiveInt(2 * 1024 ** 3),
  IMPORT_MAX_ROWS: positiveInt(2_000_000),
  IMPORT_UPLOAD_RETENTION_HOURS: z.coerce.number({ error: "a number of hours" }).positive("more than 0").default(24),
  IMPORT_CHUNK_ROWS: positiveInt(4000),
  IMPORT_CHUNKS_AHEAD: positiveInt(2),
  IMPORT_ROW_TRIGGERS: z.enum(["auto", "on"], { error: "auto or on" }).default("auto"),
  IMPORT_CONNECTION_THREAD: z.enum(["on", "off"], { error: "on or off" }).default("on"),
  EXPORT_MAX_CONCURRENT_PER_USER: positiveInt(2),
  EXPORT_SHARDS: positiveInt(2),
  // Workers and jobs
  WORKER_JOB_TYPES: list,
  JOB_STALE_AFTER_SECONDS: positiveInt(60),
  JOB_HEARTBEAT_MS: positiveInt(5_000),
  // The policy model
  POLICY_MODEL_PATH: optionalText,
  POLICY_BASE_URL: z.url({ error: "a URL such as http://gpu-1:8000/v1" }).optional(),
  POLICY_MODEL_NAME: optionalText,
  POLICY_API_KEY: optionalText,
  POLICY_ALLOWED_HOSTS: list,
  POLICY_MODEL_DIRS: list,
  POLICY_THREADS: z.coerce.number({ error: "a whole number" }).int("a whole number").min(1, "at least 1").optional(),
  POLICY_GPU: z.enum(["auto", "false"], { error: "auto or false" }).default("auto"),
  POLICY_CONTEXT_SIZE: positiveInt(4096),
  POLICY_HTTP_CONCURRENCY: positiveInt(4),
  POLICY_HTTP_TIMEOUT_MS: positiveInt(120_000),
  // Reward models
  REWARD_TF_BACKEND: z.enum(["auto", "node-gpu", "wasm", "cpu"], { error: "auto, node-gpu, wasm or cpu" }).default("auto"),
});

export type Config = z.infer<typeof configSchema>;

/** The variables the schema reads, in its order. */
export const CONFIG_VARIABLES = Object.keys(configSchema.shape) as (keyof Config)[];

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** The last parse, by the values it was parsed from: config() is read on every request. */
let lastParse: { key: string; config: Config } | null = null;

/**
 * The configuration from `env` (default: the process's). An empty value counts as unset. Read
 * afresh on every call, so a test or a launcher that changes the environment is seen at once; the
 * schema runs again only when a value differs from the last call's.
 */
export function config(env: Env = process.env): Config {
  const present: Env = {};
  let key = "";
  for (const name of CONFIG_VARIABLES) {
    const value = env[name];
    if (value !== undefined && value.trim() !== "") {
      present[name] = value.trim();
      key += `${name}=${present[name]}\0`;
    }
  }
  if (lastParse?.key === key) return lastParse.config;
  const parsed = configSchema.safeParse(present);
  if (parsed.success) {
    // Callers share the object, so nobody may change it under the others.
    for (const value of Object.values(parsed.data)) if (Array.isArray(value)) Object.freeze(value);
    lastParse = { key, config: Object.freeze(parsed.data) };
    return lastParse.config;
  }
  const problems = parsed.error.issues.map((issue) => `${String(issue.path[0])}=${JSON.stringify(present[String(issue.path[0])])}: ${issue.message}`);
  throw new ConfigError(`Bad configuration: ${problems.join("; ")}.`);
}
