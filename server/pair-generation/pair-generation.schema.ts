// Pair generation (Llama 2's protocol, METHOD.md §1): for each chosen prompt, one response from
// side A and one from side B, where the sides are two variants and/or two temperatures. The
// admin's request names prompts by ids or by a filter; the job's stored parameters always carry
// the resolved prompt ids and a seed, so a retried or resumed job does exactly the same work.
import { z } from "zod";
import { protocolSchema } from "../preferences/preferences.schema";

const id = (what: string) => z.string().trim().min(1, `choose ${what}`).max(64);

export const temperatureSchema = z.number({ error: "a number" }).min(0, "0 or more").max(2, "at most 2");
export const topPSchema = z.number({ error: "a number" }).gt(0, "more than 0").max(1, "at most 1");
export const maxTokensSchema = z.number({ error: "a whole number" }).int("a whole number").min(1, "at least 1").max(8192, "at most 8192");
/** Response.seed is a 32-bit column. */
export const seedSchema = z.number({ error: "a whole number" }).int("a whole number").min(0, "0 or more").max(2_147_483_647, "at most 2147483647");

/** One side of a pair: which variant, at which temperature. */
export const sideSchema = z.object({ variantId: id("a variant"), temperature: temperatureSchema });
export type Side = z.infer<typeof sideSchema>;

/** The two sides must differ in variant or temperature, or the pair compares nothing. */
export function sidesDiffer(a: Side, b: Side): boolean {
  return a.variantId !== b.variantId || a.temperature !== b.temperature;
}
const differentSides = { message: "side B must differ from side A in variant or temperature", path: ["b", "temperature"] };

/** "variants" when two variants are compared, "temperatures" when one variant at two temperatures. */
export function pairStrategy(a: Side, b: Side): "variants" | "temperatures" {
  return a.variantId !== b.variantId ? "variants" : "temperatures";
}

const batchFields = {
  roundId: id("a round"),
  batchName: z.string().trim().min(1, "enter a batch name").max(120, "at most 120 characters"),
  a: sideSchema,
  b: sideSchema,
  maxTokens: maxTokensSchema,
  topP: topPSchema,
  annotationsPerPair: z.number({ error: "a whole number" }).int("a whole number").min(1, "at least 1").max(20, "at most 20"),
  priority: z.number({ error: "a whole number" }).int("a whole number").min(-1000, "at least -1000").max(1000, "at most 1000"),
  /** Open the batch (its pairs enter annotators' queues) when every pair is generated. */
  openWhenDone: z.boolean(),
};

export const MAX_PROMPTS = 10_000;

export const promptSelectionSchema = z.discriminatedUnion("by", [
  z.object({
    by: z.literal("ids"),
    ids: z.array(z.string().trim().min(1).max(64)).min(1, "give at least one prompt id").max(MAX_PROMPTS, `at most ${MAX_PROMPTS} prompts`),
  }),
  z.object({
    by: z.literal("filter"),
    protocol: protocolSchema.nullish(),
    source: z.string().trim().max(200).nullish().transform((s) => (s ? s : null)),
    count: z.number({ error: "a whole number" }).int("a whole number").min(1, "at least 1").max(MAX_PROMPTS, `at most ${MAX_PROMPTS}`),
  }),
]);
export type PromptSelection = z.infer<typeof promptSelectionSchema>;

/** What the admin asks for. */
export const pairGenerationRequest = z
  .object({ ...batchFields, prompts: promptSelectionSchema, seed: seedSchema.nullish() })
  .refine((r) => sidesDiffer(r.a, r.b), differentSides);
export type PairGenerationRequest = z.infer<typeof pairGenerationRequest>;

/** What the job runs: the request with its prompts resolved to ids (in order) and a fixed seed. */
export const pairGenerationParameters = z
  .object({
    ...batchFields,
    promptIds: z.array(z.string().min(1)).min(1, "no prompts").max(MAX_PROMPTS),
    seed: seedSchema,
  })
  .refine((r) => sidesDiffer(r.a, r.b), differentSides);
export type PairGenerationParameters = z.infer<typeof pairGenerationParameters>;

/** The seed of the response to prompt number `index` on `side`: distinct per response, stable across re-runs. */
export function responseSeed(seed: number, index: number, side: "A" | "B"): number {
  return (seed + 2 * index + (side === "A" ? 0 : 1)) % 2_147_483_648;
}
