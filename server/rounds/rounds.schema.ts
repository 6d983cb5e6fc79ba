// What an admin asks of a rejection-sampling round (METHOD.md §3, DESIGN.md "Rejection sampling
// round"), and what its REJECTION_SAMPLING job runs: the request with its prompt pool resolved to
// ids, its reward models and seed fixed, so that a retried or resumed job does the same work.
import { z } from "zod";
import {
  MAX_PROMPTS,
  maxTokensSchema,
  seedSchema,
  temperatureSchema,
  topPSchema,
} from "../pair-generation/pair-generation.schema";
import { protocolSchema } from "../preferences/preferences.schema";
import { DEFAULT_UNSAFE_THRESHOLD } from "./combined-reward";
import { PAIR_STRATEGIES } from "./pair-strategies";

const id = (what: string) => z.string().trim().min(1, `choose ${what}`).max(64);
const ids = z.array(z.string().trim().min(1).max(64)).max(500);

/** Most samples per prompt and arm: Llama 2 swept K up to 100; one batched call holds them all. */
export const MAX_K = 64;
export const MAX_ARMS = 8;

/** One variant at one temperature: K samples per prompt come from each arm, in one batched call. */
export const roundArmSchema = z.object({ variantId: id("a variant"), temperature: temperatureSchema });
export type RoundArm = z.infer<typeof roundArmSchema>;

/** Which prompts the round samples; the conditions are combined (all must hold). */
export const roundPoolSchema = z.object({
  protocol: protocolSchema.nullish(),
  source: z.string().trim().max(200).nullish().transform((s) => s || null),
  /** Prompts of these batches' pairs. */
  batchIds: ids.optional(),
  /** Prompts an import (an uploaded prompt file) brought in. */
  importId: z.string().trim().max(64).nullish().transform((s) => s || null),
  /** Leave out prompts an earlier round sampled or put in a batch. */
  excludeUsed: z.boolean().default(false),
  count: z.number({ error: "a whole number" }).int("a whole number").min(1, "at least 1").max(MAX_PROMPTS, `at most ${MAX_PROMPTS}`),
});
export type RoundPool = z.infer<typeof roundPoolSchema>;

export const ROUND_STRATEGIES = [...PAIR_STRATEGIES, "mix"] as const;
export const sharesSchema = z.object(
  Object.fromEntries(PAIR_STRATEGIES.map((s) => [s, z.number({ error: "a number" }).min(0, "0 or more").max(1, "at most 1").optional()])) as Record<
    (typeof PAIR_STRATEGIES)[number],
    z.ZodOptional<z.ZodNumber>
  >,
);

export const roundPairsSchema = z.object({
  strategy: z.enum(ROUND_STRATEGIES),
  /** For "mix": each strategy's share of the pairs (normalised; they need not sum to 1). */
  shares: sharesSchema.optional(),
  /** Pairs in the new batch (one per prompt, at most the pool's size); absent: one per prompt. */
  batchSize: z.number({ error: "a whole number" }).int("a whole number").min(1, "at least 1").max(MAX_PROMPTS).nullish(),
  batchName: z.string().trim().max(120, "at most 120 characters").nullish().transform((s) => s || null),
  annotationsPerPair: z.number({ error: "a whole number" }).int("a whole number").min(1, "at least 1").max(20, "at most 20").default(1),
  priority: z.number({ error: "a whole number" }).int("a whole number").min(-1000, "at least -1000").max(1000, "at most 1000").default(0),
  /** Open the batch for annotators when the job is done. */
  openWhenDone: z.boolean().default(true),
});

const roundFields = {
  arms: z.array(roundArmSchema).min(1, "give at least one variant and temperature").max(MAX_ARMS, `at most ${MAX_ARMS} arms`),
  k: z
    .number({ error: "a whole number" })
    .int("a whole number")
    .min(2, "at least 2 samples per prompt: the best of one sample selects nothing")
    .max(MAX_K, `at most ${MAX_K}`),
  topP: topPSchema,
  maxTokens: maxTokensSchema,
  /** Llama 2's 0.15, on the safety model's calibrated P(safe) (combined-reward.ts). */
  threshold: z.number({ error: "a number" }).min(0, "0 or more").max(1, "at most 1").default(DEFAULT_UNSAFE_THRESHOLD),
  pairs: roundPairsSchema,
  /** Keep the best of this round's samples and earlier rounds' kept ones (Llama 2: the last round alone regressed). */
  poolWithEarlierRounds: z.boolean().default(true),
};

type Checked = { arms: RoundArm[]; pairs: z.infer<typeof roundPairsSchema> };

/** The rules a zod object cannot say field by field. */
function check(r: Checked, ctx: z.RefinementCtx) {
  const seen = new Set<string>();
  for (const [i, arm] of r.arms.entries()) {
    const key = `${arm.variantId} ${arm.temperature}`;
    if (seen.has(key)) ctx.addIssue({ code: "custom", message: "the same variant at the same temperature twice", path: ["arms", i, "temperature"] });
    seen.add(key);
  }
  const { strategy, shares } = r.pairs;
  if (strategy === "mix") {
    const total = Object.values(shares ?? {}).reduce((s: number, x) => s + (x ?? 0), 0);
    if (!(total > 0)) ctx.addIssue({ code: "custom", message: "give at least one strategy a share above 0", path: ["pairs", "shares"] });
  }
  const usesLlama2 = strategy === "llama2" || (strategy === "mix" && (shares?.llama2 ?? 0) > 0);
  if (usesLlama2 && r.arms.length < 2) {
    ctx.addIssue({
      code: "custom",
      message: "Llama 2's pairs compare two variants or temperatures: add a second arm, or choose another strategy",
      path: ["pairs", "strategy"],
    });
  }
}

/** What the admin asks for. */
export const roundRequest = z
  .object({
    ...roundFields,
    /** Absent: the latest round (the new one follows it). */
    previousRoundId: z.string().trim().max(64).nullish().transform((s) => s || null),
    pool: roundPoolSchema,
    /** Absent: the active model of each kind the pool needs. */
    rewardModels: z.object({ helpfulnessId: z.string().trim().max(64).nullish(), safetyId: z.string().trim().max(64).nullish() }).default({}),
    seed: seedSchema.nullish(),
  })
  .superRefine(check);
export type RoundRequest = z.input<typeof roundRequest>;
export type ParsedRoundRequest = z.infer<typeof roundRequest>;

/** What the REJECTION_SAMPLING job runs. */
export const rejectionSamplingParameters = z
  .object({
    ...roundFields,
    roundId: id("a round"),
    promptIds: z.array(z.string().min(1)).min(1, "no prompts").max(MAX_PROMPTS),
    rewardModelIds: z.object({ HELPFULNESS: z.string().min(1).nullable(), SAFETY: z.string().min(1) }),
    seed: seedSchema,
    /** Resolved: the batch's name and size. */
    batchName: z.string().min(1).max(120),
    batchSize: z.number().int().min(1).max(MAX_PROMPTS),
  })
  .superRefine(check);
export type RejectionSamplingParameters = z.infer<typeof rejectionSamplingParameters>;

/** Base seed of arm `arm`'s batched call for the prompt at `index`: its K samples use base + 0 … K − 1. */
export function armSeed(seed: number, index: number, arm: number, arms: number, k: number): number {
  // Below 2^31 − MAX_K, so that base + i still fits Response.seed's 32-bit column.
  return (seed + (index * arms + arm) * k) % (2_147_483_648 - MAX_K);
}

/** Response.sampleIndex of sample `i` of arm `arm`. */
export const sampleIndexOf = (arm: number, i: number, k: number) => arm * k + i;

export const roundName = (number: number) => `RLHF-V${number}`;
