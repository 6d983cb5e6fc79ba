// Evaluation of a reward model on held-out pairs, as pure functions of the scores: accuracy overall,
// per strength (METHOD.md §2's table) and per source, the ranking loss, the distributions of the
// chosen and rejected responses' scores, and a calibration curve of σ(r_c − r_r).
import { STRENGTHS, marginOf, type MarginKind, type Strength } from "../../server/preferences/vocabulary";
import type { AccuracyCell, CalibrationBin, HistogramBins, PairEvaluation, ScoredPair } from "../../server/reward-models/metrics";
import type { RewardHead } from "./head";
import { rankingLoss, sigmoid } from "./loss";
import type { RewardPair } from "./train";

export type { AccuracyCell, CalibrationBin, HistogramBins, PairEvaluation, ScoredPair } from "../../server/reward-models/metrics";

function cell(count: number, correct: number): AccuracyCell {
  return { count, correct, accuracy: count ? correct / count : null };
}

/** Pairs with their scores under `head`, ready for evaluatePairs. */
export function scorePairs(head: RewardHead, pairs: readonly RewardPair[]): ScoredPair[] {
  const chosen = head.score(pairs.map((p) => p.chosen));
  const rejected = head.score(pairs.map((p) => p.rejected));
  return pairs.map((p, i) => ({ scoreChosen: chosen[i]!, scoreRejected: rejected[i]!, strength: p.strength, source: p.source }));
}

export function accuracyByStrength(pairs: readonly ScoredPair[]): ({ strength: Strength } & AccuracyCell)[] {
  const counts = new Map<Strength, { count: number; correct: number }>(STRENGTHS.map((s) => [s.value, { count: 0, correct: 0 }]));
  for (const p of pairs) {
    const c = counts.get(p.strength);
    if (!c) throw new RangeError(`Unknown strength ${JSON.stringify(p.strength)}`);
    c.count++;
    if (p.scoreChosen > p.scoreRejected) c.correct++;
  }
  return STRENGTHS.map((s) => ({ strength: s.value, ...cell(counts.get(s.value)!.count, counts.get(s.value)!.correct) }));
}

export function accuracyBySource(pairs: readonly ScoredPair[]): ({ source: string } & AccuracyCell)[] {
  const counts = new Map<string, { count: number; correct: number }>();
  for (const p of pairs) {
    const key = p.source ?? "unknown";
    const c = counts.get(key) ?? { count: 0, correct: 0 };
    c.count++;
    if (p.scoreChosen > p.scoreRejected) c.correct++;
    counts.set(key, c);
  }
  return [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([source, c]) => ({ source, ...cell(c.count, c.correct) }));
}

/** Histogram of the chosen and the rejected responses' scores over `bins` equal bins spanning both. */
export function scoreHistogram(pairs: readonly ScoredPair[], bins = 20): HistogramBins {
  if (!pairs.length) return { edges: [], chosen: [], rejected: [] };
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of pairs) {
    lo = Math.min(lo, p.scoreChosen, p.scoreRejected);
    hi = Math.max(hi, p.scoreChosen, p.scoreRejected);
  }
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  const chosen = new Array<number>(bins).fill(0);
  const rejected = new Array<number>(bins).fill(0);
  const binOf = (s: number) => Math.min(bins - 1, Math.floor((s - lo) / width));
  for (const p of pairs) {
    chosen[binOf(p.scoreChosen)]!++;
    rejected[binOf(p.scoreRejected)]!++;
  }
  return { edges, chosen, rejected };
}

/**
 * Reliability of P(chosen ≻ rejected) = σ(r_c − r_r). Every test pair's label says the chosen one
 * won, so the curve is folded: each pair counts at the model's confidence max(p, 1 − p), and is a
 * hit when the response it preferred is the chosen one. A calibrated model lies on the diagonal.
 */
export function calibrationCurve(pairs: readonly ScoredPair[], bins = 10): { bins: CalibrationBin[]; error: number } {
  const sums = Array.from({ length: bins }, () => ({ count: 0, predicted: 0, hits: 0 }));
  for (const p of pairs) {
    const probability = sigmoid(p.scoreChosen - p.scoreRejected);
    const confidence = Math.max(probability, 1 - probability);
    const bin = Math.min(bins - 1, Math.floor(((confidence - 0.5) / 0.5) * bins));
    const s = sums[bin]!;
    s.count++;
    s.predicted += confidence;
    if (probability > 0.5) s.hits++;
    else if (probability === 0.5) s.hits += 0.5;
  }
  let error = 0;
  const out = sums.map((s, i) => {
    const meanPredicted = s.count ? s.predicted / s.count : null;
    const observed = s.count ? s.hits / s.count : null;
    if (s.count) error += (s.count / pairs.length) * Math.abs(observed! - meanPredicted!);
    return { lo: 0.5 + (0.5 * i) / bins, hi: 0.5 + (0.5 * (i + 1)) / bins, count: s.count, meanPredicted, observed };
  });
  return { bins: out, error };
}

/** Everything the model page shows about one split. */
export function evaluatePairs(pairs: readonly ScoredPair[], options: { margin?: MarginKind; histogramBins?: number; calibrationBins?: number } = {}): PairEvaluation {
  const margin = options.margin ?? "none";
  let correct = 0;
  let loss = 0;
  let nll = 0;
  for (const p of pairs) {
    if (p.scoreChosen > p.scoreRejected) correct++;
    loss += rankingLoss(p.scoreChosen, p.scoreRejected, marginOf(p.strength, margin));
    nll += rankingLoss(p.scoreChosen, p.scoreRejected, 0);
  }
  const n = pairs.length;
  const calibration = calibrationCurve(pairs, options.calibrationBins);
  return {
    count: n,
    overall: cell(n, correct),
    byStrength: accuracyByStrength(pairs),
    bySource: accuracyBySource(pairs),
    loss: n ? loss / n : null,
    nll: n ? nll / n : null,
    calibrationError: calibration.error,
    calibration: calibration.bins,
    scoreHistogram: scoreHistogram(pairs, options.histogramBins),
  };
}
