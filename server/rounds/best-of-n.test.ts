import { describe, expect, it } from "vitest";
import { bestOfNCurve, bestOfNCurveOfScores, meanCurve } from "./best-of-n";
import type { CombinedReward } from "./combined-reward";

/** Every N-subset of `values`, to check the closed form against. */
function subsets<T>(values: readonly T[], n: number): T[][] {
  if (n === 0) return [[]];
  if (values.length < n) return [];
  const [first, ...rest] = values;
  return [...subsets(rest, n - 1).map((s) => [first!, ...s]), ...subsets(rest, n)];
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

describe("best-of-N curve", () => {
  it("equals the average over every subset, for each N", () => {
    const scores = [0.3, -1.2, 2.5, 0.3, 1.1, -0.4, 0.9];
    const curve = bestOfNCurveOfScores(scores);
    expect(curve).toHaveLength(scores.length);
    for (const point of curve) {
      const all = subsets(scores, point.n);
      expect(point.expectedBest).toBeCloseTo(all.reduce((s, x) => s + Math.max(...x), 0) / all.length, 10);
      expect(point.expectedMedian).toBeCloseTo(all.reduce((s, x) => s + median(x), 0) / all.length, 10);
    }
    // N = 1 is the mean; N = K the maximum and the median of all.
    expect(curve[0]!.expectedBest).toBeCloseTo(scores.reduce((a, b) => a + b) / scores.length, 10);
    expect(curve[0]!.expectedMedian).toBeCloseTo(curve[0]!.expectedBest, 10);
    expect(curve.at(-1)!.expectedBest).toBeCloseTo(2.5, 10);
    expect(curve.at(-1)!.expectedMedian).toBeCloseTo(median(scores), 10);
    // The expected best never falls as N grows.
    for (let i = 1; i < curve.length; i++) expect(curve[i]!.expectedBest).toBeGreaterThanOrEqual(curve[i - 1]!.expectedBest - 1e-12);
  });

  it("stays exact for large K", () => {
    const scores = Array.from({ length: 100 }, (_, i) => Math.sin(i) * 3);
    const curve = bestOfNCurveOfScores(scores);
    expect(curve[99]!.expectedBest).toBeCloseTo(Math.max(...scores), 8);
    expect(curve[0]!.expectedBest).toBeCloseTo(scores.reduce((a, b) => a + b) / 100, 8);
    // N = K − 1: the best is the maximum unless it is the one left out (probability 1/K).
    const sorted = [...scores].sort((a, b) => b - a);
    expect(curve[98]!.expectedBest).toBeCloseTo(sorted[0]! * 0.99 + sorted[1]! * 0.01, 8);
  });

  it("picks the best by the combined rank: a flagged response is never the best while another is not", () => {
    const samples: CombinedReward[] = [
      { reward: 5, from: "SAFETY", flaggedUnsafe: true },
      { reward: -1, from: "HELPFULNESS", flaggedUnsafe: false },
      { reward: 1, from: "HELPFULNESS", flaggedUnsafe: false },
    ];
    const curve = bestOfNCurve(samples);
    // Best of all three is the helpful 1, not the flagged 5.
    expect(curve[2]!.expectedBest).toBeCloseTo(1, 10);
    // Of two: {5f,-1} -> -1, {5f,1} -> 1, {-1,1} -> 1.
    expect(curve[1]!.expectedBest).toBeCloseTo(1 / 3, 10);
  });

  it("averages prompts at each N, counting only prompts with that many samples", () => {
    const mean = meanCurve([bestOfNCurveOfScores([0, 2]), bestOfNCurveOfScores([1, 1, 4])]);
    expect(mean.map((p) => p.prompts)).toEqual([2, 2, 1]);
    expect(mean[0]!.expectedBest).toBeCloseTo((1 + 2) / 2, 10);
    expect(mean[1]!.expectedBest).toBeCloseTo((2 + (1 + 4 + 4) / 3) / 2, 10);
    expect(mean[2]!.expectedBest).toBeCloseTo(4, 10);
    expect(meanCurve([])).toEqual([]);
  });
});
