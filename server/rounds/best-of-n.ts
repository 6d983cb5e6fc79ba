// The best-of-N curve of a rejection-sampling round (Llama 2's figure 7): for N = 1 … K, the
// expected reward of the best of N samples of a prompt and the expected median of those N, were
// N of its K samples drawn at random. Computed exactly from the K samples by order statistics,
// not by drawing subsets: sorted by rank, the i-th of K (1-based) is the best of a random
// N-subset with probability C(i−1, N−1) / C(K, N), and its m-th smallest with probability
// C(i−1, m−1) · C(K−i, N−m) / C(K, N).
import { type CombinedReward, compareCombined } from "./combined-reward";

export type CurvePoint = {
  n: number;
  /** E[reward of the best of N samples]. */
  expectedBest: number;
  /** E[median reward of N samples] (for even N, the mean of the two middle ones). */
  expectedMedian: number;
};

const logFactorials: number[] = [0];
function logFactorial(n: number): number {
  for (let i = logFactorials.length; i <= n; i++) logFactorials[i] = logFactorials[i - 1]! + Math.log(i);
  return logFactorials[n]!;
}

function logChoose(n: number, k: number): number {
  if (k < 0 || k > n) return -Infinity;
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/** E[value of the m-th smallest of a uniformly random N-subset] of `sorted` (ascending by rank). */
function expectedOrderStatistic(sorted: readonly number[], n: number, m: number): number {
  const k = sorted.length;
  const total = logChoose(k, n);
  let sum = 0;
  for (let i = m; i <= k - (n - m); i++) {
    const weight = Math.exp(logChoose(i - 1, m - 1) + logChoose(k - i, n - m) - total);
    sum += weight * sorted[i - 1]!;
  }
  return sum;
}

/**
 * The curve of one prompt's samples. "Best" is by the combined reward's rank (a response flagged
 * unsafe ranks below the rest, see combined-reward.ts); the values averaged are its rewards.
 */
export function bestOfNCurve(samples: readonly CombinedReward[]): CurvePoint[] {
  const sorted = [...samples].sort(compareCombined).map((s) => s.reward);
  return curveOfSorted(sorted);
}

/** The same for plain numbers (a single model's scores), larger being better. */
export function bestOfNCurveOfScores(scores: readonly number[]): CurvePoint[] {
  return curveOfSorted([...scores].sort((a, b) => a - b));
}

function curveOfSorted(sorted: readonly number[]): CurvePoint[] {
  const points: CurvePoint[] = [];
  for (let n = 1; n <= sorted.length; n++) {
    const median =
      n % 2 === 1
        ? expectedOrderStatistic(sorted, n, (n + 1) / 2)
        : (expectedOrderStatistic(sorted, n, n / 2) + expectedOrderStatistic(sorted, n, n / 2 + 1)) / 2;
    points.push({ n, expectedBest: expectedOrderStatistic(sorted, n, n), expectedMedian: median });
  }
  return points;
}

/**
 * The round's curve: the mean over prompts at each N. A prompt with fewer than N samples (it lost
 * some) does not count at that N; `prompts` says how many did.
 */
export function meanCurve(curves: readonly CurvePoint[][]): (CurvePoint & { prompts: number })[] {
  const longest = Math.max(0, ...curves.map((c) => c.length));
  const points: (CurvePoint & { prompts: number })[] = [];
  for (let n = 1; n <= longest; n++) {
    const at = curves.map((c) => c[n - 1]).filter((p): p is CurvePoint => !!p);
    points.push({
      n,
      expectedBest: at.reduce((s, p) => s + p.expectedBest, 0) / at.length,
      expectedMedian: at.reduce((s, p) => s + p.expectedMedian, 0) / at.length,
      prompts: at.length,
    });
  }
  return points;
}
