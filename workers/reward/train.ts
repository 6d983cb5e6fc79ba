// The reward-model trainer: a linear or small-MLP head on frozen feature vectors, trained with
// Llama 2's ranking loss −log σ(r_c − r_r − m(strength)) and its schedule (METHOD.md §2) in
// TensorFlow.js. Pure computation over in-memory vectors: the job that calls it reads the
// snapshot and the feature cache, and stores what it returns.
import type { z } from "zod";
import type * as tfTypes from "@tensorflow/tfjs";
import { marginOf, STRENGTH_VALUES, type MarginKind, type Strength } from "../../server/preferences/vocabulary";
import {
  DEFAULT_BATCH_SIZE,
  rewardTrainingSettingsSchema,
  type RewardTrainingSettingsInput,
} from "../../server/reward-models/reward-models.schema";
import { RewardHead, type HeadArchitecture, type HeadWeights, type Standardization } from "./head";
import { rankingLossTensor } from "./loss";
import { createNormal, createRandom, deriveSeed, shuffleInPlace } from "../../server/random/seeded";
import { learningRateAt } from "./schedule";
import { loadTensorflow, type LoadedTf, type Tf } from "./tf-backend";

/** One comparison: the feature vectors of the chosen and the rejected response. */
export type RewardPair = {
  chosen: Float32Array;
  rejected: Float32Array;
  strength: Strength;
  /** Where the comparison came from (the team's labels, an imported source): for per-source accuracy. */
  source?: string;
};

/**
 * The default maximum learning rate for a head on standardised frozen features of `dims`
 * dimensions: 0.16/√dims (1e-2 at 256, 2.5e-3 at 4,096). Chosen by a sweep of learning rate ×
 * batch size on the benchmark's Bradley–Terry data (e2e/bench/reward-quality.ts,
 * `BENCH_REWARD_SWEEP=1`): the best rate fell from about 1e-2 at 256 dimensions (batch 32–128) to
 * about 1e-3 at 4,096 (flat from 6e-4 to 2.5e-3), because Adam moves every weight by about the rate each step, so the
 * score moves with √dims. Llama 2's 1e-5 is for fine-tuning the whole network and leaves a head
 * almost where it started.
 */
export function defaultLearningRate(dims: number): number {
  return DEFAULT_LEARNING_RATE_SCALE / Math.sqrt(dims);
}
export const DEFAULT_LEARNING_RATE_SCALE = 0.16;
// The admin's settings are validated where the request comes in (server/); the trainer parses
// them again with the same schema, so a caller that passes none gets the same defaults.
export { DEFAULT_BATCH_SIZE, rewardTrainingSettingsSchema, type RewardTrainingSettingsInput };

/** The settings as trained: every default filled in, the learning rate included. */
export type RewardTrainingSettings = z.infer<typeof rewardTrainingSettingsSchema> & { learningRate: number };

export type TrainingProgress = {
  /** Steps done so far (1-based), of `totalSteps`. */
  step: number;
  totalSteps: number;
  epoch: number;
  /** The learning rate of the step just taken. */
  learningRate: number;
  /** Mean ranking loss (with the run's margin) and accuracy of the training batches since the last report. */
  trainLoss: number;
  trainAccuracy: number;
  /** Set on the steps where the test split was evaluated (a few times per run, and at the last step). */
  testLoss?: number;
  testAccuracy?: number;
};

/** The points of the train/test curves: the steps where the test split was evaluated. */
export type CurvePoint = Required<Omit<TrainingProgress, "testLoss" | "testAccuracy">> & { testLoss: number | null; testAccuracy: number | null };

export type TrainOptions = {
  settings?: RewardTrainingSettingsInput;
  /** Held-out pairs for the test curve; not trained on. */
  test?: readonly RewardPair[];
  /** How many times the test split is evaluated over the run (evenly spaced, the last at the last step). Default 10. */
  evalPoints?: number;
  /** Call onProgress every this many steps (and at the last). Default 1. */
  progressEvery?: number;
  onProgress?: (progress: TrainingProgress) => void | Promise<void>;
  /** Checked between steps: an abort stops training and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** TensorFlow.js to use; default loadTensorflow(). */
  tf?: LoadedTf;
  /** The caller's JSON carried in the artifact (extractor identity, snapshot id, …). */
  meta?: Record<string, unknown>;
};

export type TrainResult = {
  head: RewardHead;
  settings: RewardTrainingSettings;
  backend: LoadedTf["backend"];
  totalSteps: number;
  curve: CurvePoint[];
  /** Wall time of the training loop (standardisation and the test evaluations included). */
  seconds: number;
  pairsPerSecond: number;
};

/** Bad training input: the message says what and where, for the job's failure message. */
export class RewardTrainingInputError extends Error {
  override name = "RewardTrainingInputError";
}

/** Checks a training set and returns its feature dimension; throws RewardTrainingInputError. */
export function checkPairs(pairs: readonly RewardPair[], what: string, dims?: number): number {
  if (pairs.length === 0) throw new RewardTrainingInputError(`The ${what} split has no pairs.`);
  const d = dims ?? pairs[0]!.chosen.length;
  if (d === 0) throw new RewardTrainingInputError(`The ${what} split's feature vectors are empty.`);
  pairs.forEach((pair, i) => {
    for (const side of ["chosen", "rejected"] as const) {
      const v = pair[side];
      if (!(v instanceof Float32Array)) throw new RewardTrainingInputError(`${what} pair ${i}: ${side} is not a Float32Array.`);
      if (v.length !== d) {
        throw new RewardTrainingInputError(`${what} pair ${i}: the ${side} vector has ${v.length} dimensions, the others ${d}.`);
      }
      for (let j = 0; j < d; j++) {
        if (!Number.isFinite(v[j]!)) throw new RewardTrainingInputError(`${what} pair ${i}: the ${side} vector has a non-finite value at ${j}.`);
      }
    }
    if (!STRENGTH_VALUES.includes(pair.strength)) throw new RewardTrainingInputError(`${what} pair ${i}: unknown strength ${JSON.stringify(pair.strength)}.`);
  });
  return d;
}

/**
 * Per-dimension mean and standard deviation over every response of the training pairs. A
 * dimension that does not vary gets std 1, so it contributes nothing instead of noise × 1e12.
 */
export function computeStandardization(pairs: readonly RewardPair[], dims: number): Standardization {
  const sum = new Float64Array(dims);
  const n = pairs.length * 2;
  for (const pair of pairs) {
    for (const v of [pair.chosen, pair.rejected]) for (let j = 0; j < dims; j++) sum[j] = sum[j]! + v[j]!;
  }
  const mean = Float64Array.from(sum, (s) => s / n);
  const squares = new Float64Array(dims);
  for (const pair of pairs) {
    for (const v of [pair.chosen, pair.rejected]) {
      for (let j = 0; j < dims; j++) {
        const c = v[j]! - mean[j]!;
        squares[j] = squares[j]! + c * c;
      }
    }
  }
  let meanVariance = 0;
  for (let j = 0; j < dims; j++) meanVariance += squares[j]! / n / dims;
  const std = new Float32Array(dims);
  for (let j = 0; j < dims; j++) {
    const variance = squares[j]! / n;
    std[j] = variance > 1e-12 * meanVariance && variance > 0 ? Math.sqrt(variance) : 1;
  }
  return { mean: Float32Array.from(mean), std };
}

type Params = { linear: { w: tfTypes.Variable } } | { mlp: { w1: tfTypes.Variable; b1: tfTypes.Variable; w2: tfTypes.Variable } };

function initialParams(tf: Tf, architecture: HeadArchitecture, dims: number, seed: number): Params {
  if (architecture.kind === "linear") {
    // The loss is convex in a linear head's weights: start at zero, the scores all equal.
    return { linear: { w: tf.variable(tf.zeros([dims, 1]), true, undefined, "float32") } };
  }
  const normal = createNormal(createRandom(deriveSeed(seed, "init")));
  const h = architecture.hidden;
  const he = Math.sqrt(2 / dims);
  const w1 = Float32Array.from({ length: dims * h }, () => normal() * he);
  const w2 = Float32Array.from({ length: h }, () => normal() / Math.sqrt(h));
  return {
    mlp: {
      w1: tf.variable(tf.tensor2d(w1, [dims, h])),
      b1: tf.variable(tf.zeros([h])),
      w2: tf.variable(tf.tensor2d(w2, [h, 1])),
    },
  };
}

function variables(params: Params): { all: tfTypes.Variable[]; decayed: tfTypes.Variable[] } {
  if ("linear" in params) return { all: [params.linear.w], decayed: [params.linear.w] };
  const { w1, b1, w2 } = params.mlp;
  return { all: [w1, b1, w2], decayed: [w1, w2] };
}

/** Scores [n] of standardised features [n, dims]. */
function forward(tf: Tf, params: Params, x: tfTypes.Tensor2D): tfTypes.Tensor1D {
  if ("linear" in params) return tf.reshape(tf.matMul(x, params.linear.w), [-1]);
  const { w1, b1, w2 } = params.mlp;
  return tf.reshape(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), [-1]);
}

/** Fills `buffer` with the chosen vectors of `batch` then the rejected ones, and `margins`. */
function fillBatch(pairs: readonly RewardPair[], batch: ArrayLike<number>, dims: number, buffer: Float32Array, margins: Float32Array, kind: MarginKind): number {
  const b = batch.length;
  for (let i = 0; i < b; i++) {
    const pair = pairs[batch[i]!]!;
    buffer.set(pair.chosen, i * dims);
    buffer.set(pair.rejected, (b + i) * dims);
    margins[i] = marginOf(pair.strength, kind);
  }
  return b;
}

async function headWeights(params: Params): Promise<HeadWeights> {
  if ("linear" in params) return { kind: "linear", w: Float32Array.from(await params.linear.w.data()) };
  const { w1, b1, w2 } = params.mlp;
  return { kind: "mlp", w1: Float32Array.from(await w1.data()), b1: Float32Array.from(await b1.data()), w2: Float32Array.from(await w2.data()) };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Trains a reward head on `train` and returns it with its curves. Deterministic for a seed on one
 * backend (initial weights and the order of pairs come from the seed, not from TensorFlow.js).
 * Throws RewardTrainingInputError for bad input, and the signal's reason when aborted; on any
 * failure every tensor it made is freed.
 */
export async function trainRewardHead(train: readonly RewardPair[], options: TrainOptions = {}): Promise<TrainResult> {
  const dims = checkPairs(train, "training");
  const parsed = rewardTrainingSettingsSchema.parse(options.settings ?? {});
  const settings: RewardTrainingSettings = { ...parsed, learningRate: parsed.learningRate ?? defaultLearningRate(dims) };
  const test = options.test ?? [];
  if (test.length) checkPairs(test, "test", dims);
  options.signal?.throwIfAborted();
  const loaded = options.tf ?? (await loadTensorflow());
  const { tf } = loaded;
  const started = performance.now();

  const standardization = computeStandardization(train, dims);
  const batchSize = Math.min(settings.batchSize, train.length);
  const stepsPerEpoch = Math.ceil(train.length / batchSize);
  const totalSteps = stepsPerEpoch * settings.epochs;
  const evalPoints = Math.max(1, Math.min(options.evalPoints ?? 10, totalSteps));
  const progressEvery = Math.max(1, options.progressEvery ?? 1);
  const shuffle = createRandom(deriveSeed(settings.seed, "shuffle"));

  const mean = tf.tensor1d(standardization.mean);
  const invStd = tf.tensor1d(Float32Array.from(standardization.std, (s) => 1 / s));
  // In a tidy: a variable keeps its initial value's data but not the tensor that held it.
  const params = tf.tidy(() => initialParams(tf, settings.head, dims, settings.seed));
  const { all: trainable, decayed } = variables(params);
  // Epsilon given explicitly: each backend has its own default.
  const optimizer = tf.train.adam(settings.learningRate, 0.9, 0.999, 1e-8);
  const setLearningRate = (lr: number) => {
    (optimizer as unknown as { learningRate: number }).learningRate = lr;
  };

  const buffer = new Float32Array(2 * batchSize * dims);
  const margins = new Float32Array(batchSize);
  const order = Uint32Array.from({ length: train.length }, (_, i) => i);
  const curve: CurvePoint[] = [];
  let lossSum = 0;
  let accuracySum = 0;
  let sinceReport = 0;
  let curveLossSum = 0;
  let curveAccuracySum = 0;
  let sinceCurve = 0;

  const standardize = (x: tfTypes.Tensor2D) => tf.mul(tf.sub(x, mean), invStd) as tfTypes.Tensor2D;

  const evaluateTest = async (): Promise<{ loss: number; accuracy: number }> => {
    const evalBatch = Math.max(batchSize, 256);
    const evalBuffer = new Float32Array(2 * evalBatch * dims);
    const evalMargins = new Float32Array(evalBatch);
    let loss = 0;
    let correct = 0;
    for (let start = 0; start < test.length; start += evalBatch) {
      const indices = Array.from({ length: Math.min(evalBatch, test.length - start) }, (_, i) => start + i);
      const b = fillBatch(test, indices, dims, evalBuffer, evalMargins, settings.margin);
      const sums = tf.tidy(() => {
        const x = standardize(tf.tensor2d(evalBuffer.subarray(0, 2 * b * dims), [2 * b, dims]));
        const r = forward(tf, params, x);
        const diff = tf.sub(r.slice(0, b), r.slice(b, b)) as tfTypes.Tensor1D;
        const m = tf.tensor1d(evalMargins.subarray(0, b));
        return tf.stack([tf.mul(rankingLossTensor(tf, diff, m), b), tf.sum(tf.cast(tf.greater(diff, 0), "float32"))]);
      });
      const [l, c] = await sums.data();
      sums.dispose();
      loss += l!;
      correct += c!;
    }
    return { loss: loss / test.length, accuracy: correct / test.length };
  };

  try {
    let step = 0;
    for (let epoch = 0; epoch < settings.epochs; epoch++) {
      shuffleInPlace(order, shuffle);
      for (let start = 0; start < train.length; start += batchSize) {
        options.signal?.throwIfAborted();
        const lr = learningRateAt(step, totalSteps, settings.learningRate);
        setLearningRate(lr);
        const b = fillBatch(train, order.subarray(start, start + batchSize), dims, buffer, margins, settings.margin);
        // Kept out of minimize's tape so the batch accuracy comes back with the loss in one read.
        const held: { accuracy?: tfTypes.Scalar } = {};
        const stats = tf.tidy(() => {
          const x = standardize(tf.tensor2d(buffer.subarray(0, 2 * b * dims), [2 * b, dims]));
          const m = tf.tensor1d(margins.subarray(0, b));
          const cost = optimizer.minimize(
            () => {
              const r = forward(tf, params, x);
              const diff = tf.sub(r.slice(0, b), r.slice(b, b)) as tfTypes.Tensor1D;
              held.accuracy = tf.keep(tf.mean(tf.cast(tf.greater(diff, 0), "float32")) as tfTypes.Scalar);
              return rankingLossTensor(tf, diff, m);
            },
            true,
            trainable,
          )!;
          if (settings.weightDecay > 0) {
            const keep = 1 - lr * settings.weightDecay;
            for (const v of decayed) v.assign(tf.mul(v, keep));
          }
          return tf.stack([cost, held.accuracy!]);
        });
        held.accuracy?.dispose();
        const [loss, accuracy] = await stats.data();
        stats.dispose();
        step++;
        lossSum += loss!;
        accuracySum += accuracy!;
        sinceReport++;
        curveLossSum += loss!;
        curveAccuracySum += accuracy!;
        sinceCurve++;

        const last = step === totalSteps;
        const evalNow = last || Math.floor((step * evalPoints) / totalSteps) > Math.floor(((step - 1) * evalPoints) / totalSteps);
        let testResult: { loss: number; accuracy: number } | null = null;
        if (evalNow) {
          if (test.length) testResult = await evaluateTest();
          curve.push({
            step,
            totalSteps,
            epoch: epoch + 1,
            learningRate: lr,
            trainLoss: curveLossSum / sinceCurve,
            trainAccuracy: curveAccuracySum / sinceCurve,
            testLoss: testResult?.loss ?? null,
            testAccuracy: testResult?.accuracy ?? null,
          });
          curveLossSum = curveAccuracySum = sinceCurve = 0;
        }
        if (options.onProgress && (last || step % progressEvery === 0 || testResult)) {
          const progress: TrainingProgress = {
            step,
            totalSteps,
            epoch: epoch + 1,
            learningRate: lr,
            trainLoss: lossSum / sinceReport,
            trainAccuracy: accuracySum / sinceReport,
          };
          if (testResult) {
            progress.testLoss = testResult.loss;
            progress.testAccuracy = testResult.accuracy;
          }
          await options.onProgress(progress);
          lossSum = accuracySum = sinceReport = 0;
        }
        // Lets an abort (a timer, a cancelled job's message) land between steps.
        await yieldToEventLoop();
      }
    }
    options.signal?.throwIfAborted();
    const weights = await headWeights(params);
    const seconds = (performance.now() - started) / 1000;
    const head = new RewardHead({
      architecture: settings.head,
      inputDim: dims,
      standardization,
      weights,
      training: { backend: loaded.backend, seed: settings.seed, settings, trainPairs: train.length, steps: totalSteps },
      meta: options.meta,
    });
    return {
      head,
      settings,
      backend: loaded.backend,
      totalSteps,
      curve,
      seconds,
      pairsPerSecond: (train.length * settings.epochs) / seconds,
    };
  } finally {
    optimizer.dispose();
    for (const v of trainable) v.dispose();
    mean.dispose();
    invStd.dispose();
  }
}
