// Starting reward-model work from the web: the training and scoring jobs (the worker does the
// work, workers/reward/), and what the training form offers.
import type { Db, DbOrTx } from "../db/types";
import { refuse } from "../errors/domain-error";
import { OWN_LABELS } from "../import/sources";
import { enqueueJob } from "../jobs/enqueue";
import { listVariants } from "../policy-variants/policy-variants";
import {
  type RewardTrainingRequest,
  rewardScoringParameters,
  rewardTrainingParameters,
} from "./reward-models.schema";
import { buildTrainingSet } from "./training-set";

/** Enqueues a training run after checking that its selection gives pairs to train and test on. */
export async function startRewardTraining(db: Db, request: RewardTrainingRequest, userId: string) {
  const parameters = rewardTrainingParameters.parse(request);
  const set = await buildTrainingSet(db, parameters.data);
  if (set.summary.train === 0) {
    throw refuse("invalid", `data: the selection has no labelled ${parameters.data.kind.toLowerCase()} pairs to train on.`, { field: "data" });
  }
  if (parameters.features.variantId) {
    const variant = await db.policyVariant.findUnique({ where: { id: parameters.features.variantId }, select: { retiredAt: true } });
    if (!variant) throw refuse("not-found", `features.variantId: no policy variant ${parameters.features.variantId}.`, { field: "features.variantId" });
  }
  const job = await enqueueJob(db, { type: "REWARD_TRAINING", parameters, createdById: userId });
  return { jobId: job.id, train: set.summary.train, test: set.summary.test };
}

export async function startRewardScoring(db: Db, request: unknown, userId: string) {
  const parameters = rewardScoringParameters.parse(request);
  if (!parameters.rewardModelIds?.length && !(await db.rewardModel.count({ where: { active: true } }))) {
    throw refuse("precondition", "No active reward model: train one and make it active first.");
  }
  const job = await enqueueJob(db, { type: "REWARD_SCORING", parameters, createdById: userId });
  return { jobId: job.id };
}

/** What the training form offers: rounds and batches with their labels, sources, variants. */
export async function rewardTrainingOptions(db: DbOrTx) {
  const [batches, sources, variants] = await Promise.all([
    db.$queryRaw<{ id: string; name: string; roundId: string; roundName: string; helpfulness: number; safety: number }[]>`
      SELECT b.id, b.name, r.id AS "roundId", r.name AS "roundName",
             count(c.id) FILTER (WHERE pr.protocol = 'HELPFULNESS')::int AS helpfulness,
             count(c.id) FILTER (WHERE pr.protocol = 'SAFETY')::int AS safety
      FROM "Batch" b JOIN "Round" r ON r.id = b."roundId"
      JOIN "Pair" p ON p."batchId" = b.id JOIN "Prompt" pr ON pr.id = p."promptId"
      JOIN "Comparison" c ON c."pairId" = p.id
      WHERE b."importId" IS NULL
      GROUP BY b.id, b.name, r.id, r.name, r.number, b."createdAt"
      ORDER BY r.number DESC, b."createdAt" DESC`,
    db.$queryRaw<{ name: string; comparisons: number }[]>`
      SELECT i."sourceName" AS name, count(c.id)::int AS comparisons
      FROM "DatasetImport" i JOIN "Comparison" c ON c."importId" = i.id
      GROUP BY i."sourceName" ORDER BY i."sourceName"`,
    listVariants(db, { includeRetired: false }),
  ]);
  return { batches, sources: [{ name: OWN_LABELS, comparisons: null }, ...sources], variants: variants.map((v) => ({ id: v.id, name: v.name, backend: v.backend })) };
}
