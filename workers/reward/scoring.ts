// Scoring responses with trained reward models: the features through the cache (so text a
// training run or an earlier job embedded is not embedded again), the head, and for the safety
// model its calibrated P(safe). Used by REWARD_SCORING and by rejection-sampling rounds.
import type { PolicyVariant, RewardModel } from "@prisma/client";
import type { Db, DbOrTx, Tx } from "../../server/db/types";
import { JobError } from "../../server/jobs/job-handler";
import type { FeatureExtractor, FeatureInput } from "../features/extractor";
import { featuresFor } from "../features/pipeline";
import type { PolicyBackend } from "../policy/policy-backend";
import { readArtifact } from "./artifact-store";
import type { RewardHead } from "./head";
import { openExtractor } from "./feature-source";

export type LoadedRewardModel = { model: RewardModel; head: RewardHead; extractor: FeatureExtractor };

/** A registered model with its head and the extractor its features came from (checked to be the same). */
export async function loadRewardModel(db: DbOrTx, model: RewardModel, openBackend: (v: PolicyVariant) => Promise<PolicyBackend>): Promise<LoadedRewardModel> {
  const label = `the ${model.kind.toLowerCase()} reward model v${model.version}`;
  if (!model.artifactUri) throw new JobError(`${label} has no artifact.`);
  let head: RewardHead;
  try {
    head = readArtifact(model.artifactUri);
  } catch (error) {
    throw new JobError(`${label} cannot be loaded: ${(error as Error).message}`);
  }
  const variant = model.featureVariantId ? await db.policyVariant.findUnique({ where: { id: model.featureVariantId } }) : null;
  if (!variant) throw new JobError(`${label} was trained on features of a policy variant that no longer exists; train a new one.`);
  const pooling = (head.meta.extractor as { pooling?: string } | undefined)?.pooling === "last" ? "last" : "mean";
  const extractor = await openExtractor(variant, pooling, openBackend);
  if (model.featureExtractor && extractor.key !== model.featureExtractor) {
    throw new JobError(
      `${label} was trained on features the variant "${variant.name}" no longer gives (its model file or server changed); train a new one on the current model.`,
    );
  }
  return { model, head, extractor };
}

export type ResponseToScore = { id: string; input: FeatureInput };
export type ResponseScore = { responseId: string; score: number; probability: number | null };

/** Scores of each response under one model, in order. */
export async function scoreWith(
  db: Db,
  loaded: LoadedRewardModel,
  responses: readonly ResponseToScore[],
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<ResponseScore[]> {
  const { vectors, dims } = await featuresFor(db, loaded.extractor, responses.map((r) => r.input), {
    signal: options.signal,
    onProgress: ({ done, total }) => options.onProgress?.(done, total),
  });
  if (responses.length && dims !== loaded.head.inputDim) {
    throw new JobError(`The features have ${dims} dimensions but the ${loaded.model.kind.toLowerCase()} reward model v${loaded.model.version} reads ${loaded.head.inputDim}.`);
  }
  const scores = loaded.head.score(vectors);
  const probabilities = loaded.head.probabilities(scores);
  return responses.map((r, i) => ({ responseId: r.id, score: scores[i]!, probability: probabilities ? probabilities[i]! : null }));
}

/** Stores scores (a re-run overwrites its own rows, so scoring is idempotent). */
export async function storeScores(tx: Tx, rewardModelId: string, scores: readonly ResponseScore[], jobId: string | null) {
  const CHUNK = 2_000;
  for (let i = 0; i < scores.length; i += CHUNK) {
    const part = scores.slice(i, i + CHUNK);
    await tx.$executeRaw`
      INSERT INTO "RewardScore" ("rewardModelId", "responseId", score, probability, "jobId")
      SELECT ${rewardModelId}, s.id, s.score, s.probability, ${jobId}
      FROM unnest(${part.map((s) => s.responseId)}::text[], ${part.map((s) => s.score)}::float8[], ${part.map((s) => s.probability)}::float8[]) AS s(id, score, probability)
      ON CONFLICT ("rewardModelId", "responseId") DO UPDATE SET score = EXCLUDED.score, probability = EXCLUDED.probability, "jobId" = EXCLUDED."jobId", "createdAt" = now()`;
  }
}
