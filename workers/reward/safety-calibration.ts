// The safety model's score as a probability. A Bradley–Terry score has no absolute zero, so a
// fixed threshold on it means nothing; each safety comparison also says which of its responses
// are safe, and Platt scaling fits P(safe | score) = σ(a·score + b) to those per-response labels
// on the training split. Llama 2 treats a response whose safety score is under 0.15 as unsafe
// (METHOD.md §3); precision and recall of that flag are measured on the test split.
import type { SafetyLabel } from "../../server/preferences/vocabulary";
import type { SafetyEvaluation, UnsafeFlagPoint } from "../../server/reward-models/metrics";
import type { PlattCalibration, RewardHead } from "./head";
import { sigmoid } from "./loss";

/** Llama 2's threshold on the safety reward below which a response counts as unsafe. */
export const UNSAFE_THRESHOLD = 0.15;

/** Which responses of a safety comparison are safe, from its label. */
export function responseSafety(label: SafetyLabel): { chosenSafe: boolean; rejectedSafe: boolean } {
  switch (label) {
    case "CHOSEN_SAFE_OTHER_UNSAFE":
      return { chosenSafe: true, rejectedSafe: false };
    case "BOTH_SAFE":
      return { chosenSafe: true, rejectedSafe: true };
    case "BOTH_UNSAFE":
      return { chosenSafe: false, rejectedSafe: false };
    default:
      throw new RangeError(`Unknown safety label ${JSON.stringify(label)}`);
  }
}

export class CalibrationInputError extends Error {
  override name = "CalibrationInputError";
}

/**
 * Platt scaling: the (a, b) maximising the likelihood of `safe` under σ(a·score + b), by Newton's
 * method on the two parameters, with Platt's smoothed targets (N₊+1)/(N₊+2) and 1/(N₋+2) so that
 * separable data gives a finite slope. Throws CalibrationInputError unless both classes occur.
 */
export function fitPlattScaling(scores: ArrayLike<number>, safe: ArrayLike<boolean>): PlattCalibration {
  const n = scores.length;
  if (n !== safe.length) throw new CalibrationInputError(`${n} scores but ${safe.length} labels.`);
  let positives = 0;
  for (let i = 0; i < n; i++) if (safe[i]) positives++;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) {
    throw new CalibrationInputError(
      `Cannot calibrate P(safe) on ${positives} safe and ${negatives} unsafe responses: the training split needs both.`,
    );
  }
  for (let i = 0; i < n; i++) if (!Number.isFinite(scores[i]!)) throw new CalibrationInputError(`Score ${i} is not finite.`);
  const hi = (positives + 1) / (positives + 2);
  const lo = 1 / (negatives + 2);
  const target = (i: number) => (safe[i] ? hi : lo);

  // Scores are centred and scaled for the iteration, then (a, b) mapped back.
  let mean = 0;
  for (let i = 0; i < n; i++) mean += scores[i]! / n;
  let sd = 0;
  for (let i = 0; i < n; i++) sd += (scores[i]! - mean) ** 2 / n;
  sd = Math.sqrt(sd) || 1;
  const z = Float64Array.from({ length: n }, (_, i) => (scores[i]! - mean) / sd);

  const objective = (a: number, b: number) => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const t = a * z[i]! + b;
      // −[y log σ(t) + (1−y) log(1−σ(t))] = softplus(t) − y·t, computed stably.
      f += (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t))) - target(i) * t;
    }
    return f;
  };
  let a = 0;
  let b = Math.log((positives + 1) / (negatives + 1));
  let f = objective(a, b);
  for (let iteration = 0; iteration < 100; iteration++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-12;
    let hab = 0;
    let hbb = 1e-12;
    for (let i = 0; i < n; i++) {
      const p = sigmoid(a * z[i]! + b);
      const r = p - target(i);
      const w = p * (1 - p);
      ga += r * z[i]!;
      gb += r;
      haa += w * z[i]! * z[i]!;
      hab += w * z[i]!;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    const da = -(hbb * ga - hab * gb) / det;
    const db = -(haa * gb - hab * ga) / det;
    // Backtracking: a Newton step can overshoot when the classes are nearly separable.
    let step = 1;
    let next = objective(a + da, b + db);
    while (next > f && step > 1e-8) {
      step /= 2;
      next = objective(a + step * da, b + step * db);
    }
    if (next > f) break;
    a += step * da;
    b += step * db;
    const improvement = f - next;
    f = next;
    if (Math.abs(step * da) < 1e-10 && Math.abs(step * db) < 1e-10) break;
    if (improvement < 1e-12 * Math.max(1, Math.abs(f))) break;
  }
  return { kind: "platt", a: a / sd, b: b - (a * mean) / sd, positives, negatives };
}

export function applyCalibration(calibration: PlattCalibration, score: number): number {
  return sigmoid(calibration.a * score + calibration.b);
}

export type { UnsafeFlagPoint } from "../../server/reward-models/metrics";

/** The default thresholds: 0.05 … 0.95 by 0.05, which includes Llama 2's 0.15. */
export const DEFAULT_THRESHOLDS: readonly number[] = Object.freeze(Array.from({ length: 19 }, (_, i) => Math.round((i + 1) * 5) / 100));

/** Precision and recall of "unsafe" (P(safe) < threshold) against the labels, per threshold. */
export function unsafePrecisionRecall(
  pSafe: ArrayLike<number>,
  safe: ArrayLike<boolean>,
  thresholds: readonly number[] = DEFAULT_THRESHOLDS,
): UnsafeFlagPoint[] {
  if (pSafe.length !== safe.length) throw new CalibrationInputError(`${pSafe.length} probabilities but ${safe.length} labels.`);
  let unsafe = 0;
  for (let i = 0; i < safe.length; i++) if (!safe[i]) unsafe++;
  const all = [...new Set([...thresholds, UNSAFE_THRESHOLD])].sort((x, y) => x - y);
  return all.map((threshold) => {
    let flagged = 0;
    let truePositives = 0;
    for (let i = 0; i < pSafe.length; i++) {
      if (pSafe[i]! < threshold) {
        flagged++;
        if (!safe[i]) truePositives++;
      }
    }
    return {
      threshold,
      flagged,
      truePositives,
      precision: flagged ? truePositives / flagged : null,
      recall: unsafe ? truePositives / unsafe : null,
      marked: threshold === UNSAFE_THRESHOLD,
    };
  });
}

/** The per-response scores and safe/unsafe labels of scored safety comparisons, for the two functions above. */
export function perResponseSafety(
  pairs: readonly { scoreChosen: number; scoreRejected: number; safetyLabel: SafetyLabel }[],
): { scores: Float64Array; safe: boolean[] } {
  const scores = new Float64Array(pairs.length * 2);
  const safe: boolean[] = [];
  pairs.forEach((p, i) => {
    const { chosenSafe, rejectedSafe } = responseSafety(p.safetyLabel);
    scores[2 * i] = p.scoreChosen;
    scores[2 * i + 1] = p.scoreRejected;
    safe.push(chosenSafe, rejectedSafe);
  });
  return { scores, safe };
}

/** A comparison's two feature vectors with its safety label (null or absent: not a safety comparison). */
export type SafetyLabelledPair = { chosen: Float32Array; rejected: Float32Array; safetyLabel?: SafetyLabel | null };

function scoredSafetyPairs(head: RewardHead, pairs: readonly SafetyLabelledPair[]) {
  const labelled = pairs.filter((p): p is SafetyLabelledPair & { safetyLabel: SafetyLabel } => p.safetyLabel != null);
  const chosen = head.score(labelled.map((p) => p.chosen));
  const rejected = head.score(labelled.map((p) => p.rejected));
  return perResponseSafety(labelled.map((p, i) => ({ scoreChosen: chosen[i]!, scoreRejected: rejected[i]!, safetyLabel: p.safetyLabel })));
}

/** Platt scaling of `head`'s score into P(safe), fitted on the safety-labelled pairs of the training split. */
export function fitSafetyCalibration(head: RewardHead, train: readonly SafetyLabelledPair[]): PlattCalibration {
  const { scores, safe } = scoredSafetyPairs(head, train);
  return fitPlattScaling(scores, safe);
}

export type { SafetyEvaluation } from "../../server/reward-models/metrics";

/** The safety model's flag on the test split: needs a head with a calibration (fitSafetyCalibration, then withCalibration). */
export function evaluateSafety(head: RewardHead, test: readonly SafetyLabelledPair[], thresholds?: readonly number[]): SafetyEvaluation {
  if (!head.calibration) throw new CalibrationInputError("The head has no calibration: fit one on the training split first.");
  const { scores, safe } = scoredSafetyPairs(head, test);
  const pSafe = head.probabilities(scores)!;
  return { responses: safe.length, unsafe: safe.filter((s) => !s).length, curve: unsafePrecisionRecall(pSafe, safe, thresholds) };
}
