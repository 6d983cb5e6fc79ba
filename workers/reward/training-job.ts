// REWARD_TRAINING: from comparisons in the database to a registered reward model.
//   1. the training set (server/reward-models/training-set.ts): Llama 2's mixture, the export's split;
//   2. features of every chosen and rejected response through the feature cache (workers/features/);
//   3. the head (train.ts), its evaluation on the held-out split, and for the safety model the
//      calibration of its score into P(safe);
//   4. the artifact under DATA_DIR/reward-models/, then the RewardModel row with its snapshot,
//      extractor, settings and metrics in one transaction of this attempt.
// Nothing is registered until step 4 commits: a failed, cancelled or killed run leaves no model
// (a killed run may leave an artifact file no row names; cleanup removes it).
import crypto from "node:crypto";
import fs from "node:fs";
import type { PolicyVariant, Prisma } from "@prisma/client";
import { JobError, type JobContext, type JobHandler } from "../../server/jobs/job-handler";
import { STRENGTH_VALUES } from "../../server/preferences/vocabulary";
import { type RewardTrainingParameters, rewardTrainingParameters } from "../../server/reward-models/reward-models.schema";
import type { RewardModelMetrics } from "../../server/reward-models/metrics";
import { activateInTransaction } from "../../server/reward-models/registry";
import { buildTrainingSet, type TrainingExample } from "../../server/reward-models/training-set";
import type { FeatureExtractor } from "../features/extractor";
import { featuresFor } from "../features/pipeline";
import { backendForVariant } from "../policy/open-backend";
import type { PolicyBackend } from "../policy/policy-backend";
import { artifactDir, readArtifact, removeArtifact, writeArtifact } from "./artifact-store";
import { evaluatePairs, scorePairs } from "./evaluate";
import { featureInputsOf } from "./feature-inputs";
import { featureVariant, openExtractor } from "./feature-source";
import { fitPlattScaling, perResponseSafety, UNSAFE_THRESHOLD, unsafePrecisionRecall } from "./safety-calibration";
import { loadTensorflow } from "./tf-backend";
import { type RewardPair, RewardTrainingInputError, trainRewardHead } from "./train";

/** Fewer training pairs than this cannot give a model worth registering. */
export const MIN_TRAIN_PAIRS = 8;

type Context = JobContext<RewardTrainingParameters>;

function pairsOf(examples: TrainingExample[], vectorOf: Map<string, Float32Array>): RewardPair[] {
  return examples.map((e) => ({
    chosen: vectorOf.get(e.chosenResponseId)!,
    rejected: vectorOf.get(e.rejectedResponseId)!,
    strength: e.strength,
    source: e.source,
  }));
}

async function features(ctx: Context, extractor: FeatureExtractor, examples: TrainingExample[]) {
  const responseIds = [...new Set(examples.flatMap((e) => [e.chosenResponseId, e.rejectedResponseId]))];
  const inputs = await featureInputsOf(ctx.db, responseIds);
  await ctx.log(`Features: ${responseIds.length} responses through ${extractor.description}.`);
  let reported = 0;
  const result = await featuresFor(ctx.db, extractor, inputs, {
    signal: ctx.signal,
    onProgress: ({ done, total, cached, embedded }) => {
      if (done - reported < Math.max(1, total / 50) && done < total) return;
      reported = done;
      void ctx.progress(0.05 + 0.55 * (done / total), `features: ${done} of ${total} (${cached} cached, ${embedded} embedded)`);
    },
  });
  const { stats } = result;
  await ctx.log(
    `Features done: ${stats.unique} distinct inputs, ${stats.cached} from the cache, ${stats.embedded} embedded (${stats.embeddedTokens} tokens in ${(stats.embedMs / 1000).toFixed(1)} s).`,
  );
  return { vectorOf: new Map(responseIds.map((id, i) => [id, result.vectors[i]!])), dims: result.dims, stats };
}

export function makeRewardTrainingHandler(openBackend: (variant: PolicyVariant) => Promise<PolicyBackend> = backendForVariant): JobHandler<RewardTrainingParameters> {
  return {
    type: "REWARD_TRAINING",
    parameters: rewardTrainingParameters,

    async run(ctx) {
      const { parameters: p, db, job } = ctx;
      const kind = p.data.kind;
      const tf = await loadTensorflow();
      await ctx.log(`TensorFlow.js backend: ${tf.backend}${tf.fallbacks.length ? ` (tried first: ${tf.fallbacks.join("; ")})` : ""}.`);

      await ctx.progress(0.01, "building the training set");
      const set = await buildTrainingSet(db, p.data);
      const train = set.examples.filter((e) => e.split === "train");
      const test = set.examples.filter((e) => e.split === "test");
      await ctx.log(
        `Training set: ${train.length} train pairs (${set.summary.mixture.base} ${kind.toLowerCase()} + ${set.summary.mixture.drawn} drawn for the mixture), ${test.length} test pairs, from ${set.summary.comparisons} comparisons.`,
      );
      if (train.length < MIN_TRAIN_PAIRS) {
        throw new JobError(`Too few pairs: the selection gives ${train.length} training pairs; at least ${MIN_TRAIN_PAIRS} are needed. Label more ${kind.toLowerCase()} pairs or widen the selection.`);
      }
      if (test.length === 0) throw new JobError(`No test pairs: none of the ${kind.toLowerCase()} pairs falls in the held-out ${Math.round(p.data.testFraction * 100)}%; raise testFraction or label more pairs.`);
      const safetyTrain = train.filter((e) => e.protocol === "SAFETY" && e.safetyLabel);
      if (kind === "SAFETY") {
        const labels = perResponseSafety(safetyTrain.map((e) => ({ scoreChosen: 0, scoreRejected: 0, safetyLabel: e.safetyLabel! })));
        const safe = labels.safe.filter(Boolean).length;
        if (safe === 0 || safe === labels.safe.length) {
          throw new JobError(
            `One class only: every one of the ${labels.safe.length} labelled responses in the training split is ${safe ? "safe" : "unsafe"}, so the safety score cannot be calibrated into P(safe). Label pairs with an unsafe response (or a safe one).`,
          );
        }
      }
      ctx.throwIfCancelled();

      const variant = await featureVariant(db, p.features.variantId);
      const extractor = await openExtractor(variant, p.features.pooling, openBackend);
      const { vectorOf, dims, stats } = await features(ctx, extractor, set.examples);
      if (!dims) throw new JobError("No features: the extractor returned no vectors.");
      ctx.throwIfCancelled();

      await ctx.progress(0.6, "training the head");
      const curve: unknown[] = [];
      let trained;
      try {
        trained = await trainRewardHead(pairsOf(train, vectorOf), {
          settings: p.settings,
          test: pairsOf(test, vectorOf),
          tf,
          signal: ctx.signal,
          progressEvery: 5,
          meta: { extractor: extractor.identity, extractorKey: extractor.key, variantId: variant.id, jobId: job.id, kind },
          onProgress: async (step) => {
            await ctx.progress(0.6 + 0.35 * (step.step / step.totalSteps), `step ${step.step} of ${step.totalSteps}: loss ${step.trainLoss.toFixed(4)}`);
            if (step.testLoss !== undefined) {
              curve.push(step);
              await ctx.log(
                `step ${step.step}/${step.totalSteps}: train loss ${step.trainLoss.toFixed(4)}, accuracy ${(100 * step.trainAccuracy).toFixed(1)}%; test loss ${step.testLoss.toFixed(4)}, accuracy ${(100 * (step.testAccuracy ?? 0)).toFixed(1)}%`,
              );
            }
            ctx.setLive({ kind: "reward-training", step: step.step, totalSteps: step.totalSteps, curve });
          },
        });
      } catch (error) {
        if (error instanceof RewardTrainingInputError) throw new JobError(error.message);
        throw error;
      }
      let head = trained.head;
      await ctx.log(`Trained ${trained.totalSteps} steps in ${trained.seconds.toFixed(1)} s (${Math.round(trained.pairsPerSecond)} pairs/s) at learning rate ${trained.settings.learningRate.toPrecision(3)}.`);

      await ctx.progress(0.96, "evaluating");
      const margin = trained.settings.margin;
      const scoredTest = scorePairs(head, pairsOf(test, vectorOf));
      const scoredTrain = scorePairs(head, pairsOf(train, vectorOf));
      const evaluation = { test: evaluatePairs(scoredTest, { margin }), train: evaluatePairs(scoredTrain, { margin }) };
      let safety = null;
      if (kind === "SAFETY") {
        const withLabels = (examples: TrainingExample[], scored: typeof scoredTest) =>
          examples.flatMap((e, i) => (e.protocol === "SAFETY" && e.safetyLabel ? [{ ...scored[i]!, safetyLabel: e.safetyLabel }] : []));
        const fit = perResponseSafety(withLabels(train, scoredTrain));
        head = head.withCalibration(fitPlattScaling(fit.scores, fit.safe));
        const held = perResponseSafety(withLabels(test, scoredTest));
        const pSafe = head.probabilities(held.scores)!;
        safety = { threshold: UNSAFE_THRESHOLD, calibration: head.calibration, responses: held.safe.length, unsafe: held.safe.filter((s) => !s).length, curve: unsafePrecisionRecall(pSafe, held.safe) };
      }
      const metrics: RewardModelMetrics = {
        accuracy: evaluation.test.overall.accuracy,
        test: evaluation.test,
        train: evaluation.train,
        curve: trained.curve,
        safety,
        features: { dims, cached: stats.cached, embedded: stats.embedded, tokens: stats.tokens, embeddedTokens: stats.embeddedTokens },
        training: { backend: trained.backend, steps: trained.totalSteps, seconds: trained.seconds, pairsPerSecond: trained.pairsPerSecond },
      };

      ctx.throwIfCancelled();
      const id = `rm_${crypto.randomUUID().replaceAll("-", "")}`;
      const name = writeArtifact(id, head);
      try {
        const model = await ctx.transaction(async (tx) => {
          const latest = await tx.rewardModel.aggregate({ where: { kind }, _max: { version: true } });
          const created = await tx.rewardModel.create({
            data: {
              id,
              kind,
              version: (latest._max.version ?? 0) + 1,
              status: "READY",
              metrics: toJson(metrics),
              artifactUri: name,
              featureExtractor: extractor.key,
              featureVariantId: variant.id,
              featureDims: dims,
              backend: trained.backend,
              settings: toJson(trained.settings),
              snapshot: toJson({ request: set.request, summary: set.summary }),
              trainingJobId: job.id,
            },
          });
          await tx.rewardModelExample.createMany({
            data: set.examples.map((e) => ({
              rewardModelId: id,
              pairId: e.pairId,
              chosenResponseId: e.chosenResponseId,
              rejectedResponseId: e.rejectedResponseId,
              strength: e.strength,
              split: e.split,
              role: e.role,
              source: e.source,
              comparisonIds: e.comparisonIds,
            })),
          });
          if (p.activate) await activateInTransaction(tx, created.id);
          return created;
        }, { timeout: 120_000 });
        const accuracy = metrics.accuracy === null ? "—" : `${(100 * metrics.accuracy).toFixed(1)}%`;
        await ctx.log(`Registered ${kind.toLowerCase()} reward model v${model.version}: test accuracy ${accuracy} on ${test.length} pairs.${p.activate ? " It is now the active one." : ""}`);
        await ctx.progress(1, `v${model.version}: test accuracy ${accuracy}`);
        return { rewardModelId: model.id, version: model.version, accuracy: metrics.accuracy, byStrength: STRENGTH_VALUES.map((s) => evaluation.test.byStrength.find((c) => c.strength === s)) };
      } catch (error) {
        removeArtifact(name);
        throw error;
      }
    },

    async cleanup({ jobId, db }) {
      // A run killed between writing its artifact and registering it leaves a file no row names.
      const dir = artifactDir();
      if (!fs.existsSync(dir)) return;
      const named = new Set((await db.rewardModel.findMany({ select: { artifactUri: true } })).map((m) => m.artifactUri));
      for (const file of fs.readdirSync(dir)) {
        if (!file.endsWith(".json") || named.has(file)) continue;
        try {
          if (readArtifact(file, dir).meta.jobId === jobId) removeArtifact(file, dir);
        } catch {
          // Not a readable artifact; not this job's to remove.
        }
      }
    },
  };
}

function toJson(value: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
}

export const rewardTrainingHandler = makeRewardTrainingHandler();
