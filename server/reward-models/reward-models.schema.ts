// What an admin asks of reward models: a training run (the data, the features, the head's
// hyper-parameters) and a scoring run. Validated by the router, again by the job when it runs.
import { z } from "zod";
import { marginKindSchema, protocolSchema } from "../preferences/preferences.schema";

const ids = z.array(z.string().trim().min(1).max(64)).max(500);

/** Which comparisons a model is trained on (server/reward-models/training-set.ts). */
export const trainingSetRequestSchema = z.object({
  kind: protocolSchema,
  roundIds: ids.optional(),
  batchIds: ids.optional(),
  /** OWN_LABELS ("team") and/or imported source names; absent: the team's labels only. */
  sources: z.array(z.string().trim().min(1).max(200)).max(100).optional(),
  /** How several annotations of one pair become one example: the export's rules. */
  aggregate: z.enum(["none", "majority", "mean", "unanimous"]).default("majority"),
  /** Share of pairs held out, by the export's hash of the pair id. */
  testFraction: z.number().min(0.01, "hold out at least 1%").max(0.5, "hold out at most half").default(0.1),
  /** Seeds the mixture's draw. */
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
});
export type TrainingSetRequest = z.infer<typeof trainingSetRequestSchema>;

export const POOLINGS = ["mean", "last"] as const;
export const poolingSchema = z.enum(POOLINGS);
export type Pooling = z.infer<typeof poolingSchema>;

export const headArchitectureSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("linear") }),
  z.object({ kind: z.literal("mlp"), hidden: z.number().int().min(1).max(8192) }),
]);
export type HeadArchitecture = z.infer<typeof headArchitectureSchema>;

/** Pairs per step. Llama 2's 512 gives one epoch of a few thousand pairs too few steps to learn a head. */
export const DEFAULT_BATCH_SIZE = 64;

/** The head's hyper-parameters; every field has Llama 2's (or the trainer's) default. */
export const rewardTrainingSettingsSchema = z.object({
  head: headArchitectureSchema.default({ kind: "linear" }),
  /** Llama 2's margin m(strength); `small` is TRL's Llama 2 recipe and the paper's best on Meta Helpful. */
  margin: marginKindSchema.default("small"),
  /** Maximum learning rate; default: the trainer's defaultLearningRate(dims). */
  learningRate: z.number().positive().max(10).optional(),
  batchSize: z.number().int().min(1).max(65_536).default(DEFAULT_BATCH_SIZE),
  epochs: z.number().int().min(1).max(100).default(1),
  /** Decoupled (AdamW-style) weight decay on the weight matrices, applied as w -= lr·wd·w after each step. */
  weightDecay: z.number().min(0).max(1).default(0),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
});
export type RewardTrainingSettingsInput = z.input<typeof rewardTrainingSettingsSchema>;

/** The features: which policy variant's model embeds the chat-formatted inputs, and how they are pooled. */
export const featureSettingsSchema = z.object({
  /** Absent: the first active variant that can embed. */
  variantId: z.string().trim().min(1).max(64).nullish(),
  pooling: poolingSchema.default("mean"),
});

/** REWARD_TRAINING's parameters, as the router takes them and the job reads them. */
export const rewardTrainingParameters = z.object({
  data: trainingSetRequestSchema,
  features: featureSettingsSchema.default({ pooling: "mean" }),
  settings: rewardTrainingSettingsSchema.default({} as never),
  /** Make the new model the active one of its kind when it is done. */
  activate: z.boolean().default(false),
});
export type RewardTrainingParameters = z.infer<typeof rewardTrainingParameters>;
export type RewardTrainingRequest = z.input<typeof rewardTrainingParameters>;

/** What a REWARD_SCORING job scores: a batch's responses, a round's, or given ones. */
export const scoringTargetSchema = z.discriminatedUnion("by", [
  z.object({ by: z.literal("batch"), batchId: z.string().trim().min(1).max(64) }),
  z.object({ by: z.literal("round"), roundId: z.string().trim().min(1).max(64) }),
  z.object({ by: z.literal("responses"), responseIds: z.array(z.string().trim().min(1).max(64)).min(1).max(100_000) }),
]);

export const rewardScoringParameters = z.object({
  target: scoringTargetSchema,
  /** Absent: every active model (one per kind). */
  rewardModelIds: z.array(z.string().trim().min(1).max(64)).max(10).optional(),
});
export type RewardScoringParameters = z.infer<typeof rewardScoringParameters>;
