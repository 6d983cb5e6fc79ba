// What a trained reward model's evaluation holds: written by the training job
// (workers/reward/evaluate.ts, safety-calibration.ts) into RewardModel.metrics, read by its pages.
// The shapes live here so the pages and the worker agree on one definition.
import type { Strength } from "../preferences/vocabulary";

/** A held-out comparison with the model's scores of its two responses. */
export type ScoredPair = {
  scoreChosen: number;
  scoreRejected: number;
  strength: Strength;
  source?: string;
};

/** `correct` of `count` pairs ranked right (r_c > r_r strictly; a tie counts as wrong); accuracy null when count is 0. */
export type AccuracyCell = { count: number; correct: number; accuracy: number | null };

export type HistogramBins = {
  /** bins + 1 edges, shared by both series. */
  edges: number[];
  chosen: number[];
  rejected: number[];
};

export type CalibrationBin = {
  /** Range of the model's confidence max(p, 1 − p), p = σ(r_c − r_r), in this bin. */
  lo: number;
  hi: number;
  count: number;
  /** Mean confidence of the pairs in the bin; null when empty. */
  meanPredicted: number | null;
  /** Share of them where the response the model preferred is the one chosen; null when empty. */
  observed: number | null;
};

export type PairEvaluation = {
  count: number;
  overall: AccuracyCell;
  /** All four strengths, strongest first, with counts; the counts add up to `count`. */
  byStrength: ({ strength: Strength } & AccuracyCell)[];
  /** One row per source (pairs without one under "unknown"), sorted by name. */
  bySource: ({ source: string } & AccuracyCell)[];
  /** Mean −log σ(r_c − r_r − m) with the given margin kind; null with no pairs. */
  loss: number | null;
  /** Mean −log σ(r_c − r_r): the Bradley–Terry negative log-likelihood; null with no pairs. */
  nll: number | null;
  /** Expected calibration error of the curve below (weighted mean |observed − predicted|). */
  calibrationError: number;
  calibration: CalibrationBin[];
  scoreHistogram: HistogramBins;
};

export type UnsafeFlagPoint = {
  threshold: number;
  /** Responses flagged unsafe (P(safe) < threshold) and, of them, those that are unsafe. */
  flagged: number;
  truePositives: number;
  /** Of the flagged, the share that are unsafe; null when none is flagged. */
  precision: number | null;
  /** Of the unsafe, the share flagged; null when there are none. */
  recall: number | null;
  /** Llama 2's threshold. */
  marked: boolean;
};

export type SafetyEvaluation = {
  /** Responses of the safety-labelled test pairs, and how many of them are unsafe. */
  responses: number;
  unsafe: number;
  /** Precision and recall of "unsafe" (P(safe) < threshold) per threshold, 0.15 marked. */
  curve: UnsafeFlagPoint[];
};

/** Everything the training job stores in RewardModel.metrics. */
export type RewardModelMetrics = {
  /** Test accuracy overall (the headline figure). */
  accuracy: number | null;
  test: PairEvaluation;
  train: PairEvaluation;
  /** Train loss at the steps where the test split was evaluated, with the test loss. */
  curve: { step: number; totalSteps: number; epoch: number; learningRate: number; trainLoss: number; trainAccuracy: number; testLoss: number | null; testAccuracy: number | null }[];
  /** The safety model's calibration into P(safe) and its flag of unsafe responses; null for helpfulness. */
  safety: (SafetyEvaluation & { threshold: number; calibration: { a: number; b: number; positives: number; negatives: number } | null }) | null;
  features: { dims: number; cached: number; embedded: number; tokens: number; embeddedTokens: number };
  training: { backend: string; steps: number; seconds: number; pairsPerSecond: number };
};
