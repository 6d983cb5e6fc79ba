import { describe, expect, it } from "vitest";
import { STRENGTHS, type SafetyLabel, type Strength } from "../../server/preferences/vocabulary";
import { calibrationCurve, evaluatePairs, scoreHistogram, type ScoredPair } from "./evaluate";
import { rankingLoss, sigmoid } from "./loss";
import { createNormal, createRandom } from "../../server/random/seeded";
import { applyCalibration, CalibrationInputError, fitPlattScaling, perResponseSafety, responseSafety, unsafePrecisionRecall } from "./safety-calibration";

const pair = (scoreChosen: number, scoreRejected: number, strength: Strength, source?: string): ScoredPair => ({ scoreChosen, scoreRejected, strength, source });

describe("evaluatePairs", () => {
  const pairs = [
    pair(2, 0, "SIGNIFICANTLY_BETTER", "team"),
    pair(1, 0.5, "SIGNIFICANTLY_BETTER", "team"),
    pair(0, 1, "BETTER", "hh-rlhf"),
    pair(3, 1, "BETTER", "team"),
    pair(0.2, 0.2, "SLIGHTLY_BETTER"), // a tie counts as wrong
  ];

  it("counts accuracy overall, per strength (all four, strongest first) and per source", () => {
    const e = evaluatePairs(pairs);
    expect(e.count).toBe(5);
    expect(e.overall).toEqual({ count: 5, correct: 3, accuracy: 0.6 });
    expect(e.byStrength).toEqual([
      { strength: "SIGNIFICANTLY_BETTER", count: 2, correct: 2, accuracy: 1 },
      { strength: "BETTER", count: 2, correct: 1, accuracy: 0.5 },
      { strength: "SLIGHTLY_BETTER", count: 1, correct: 0, accuracy: 0 },
      { strength: "NEGLIGIBLY_BETTER_OR_UNSURE", count: 0, correct: 0, accuracy: null },
    ]);
    expect(e.byStrength.map((s) => s.strength)).toEqual(STRENGTHS.map((s) => s.value));
    expect(e.byStrength.reduce((sum, s) => sum + s.count, 0)).toBe(e.count);
    expect(e.bySource).toEqual([
      { source: "hh-rlhf", count: 1, correct: 0, accuracy: 0 },
      { source: "team", count: 3, correct: 3, accuracy: 1 },
      { source: "unknown", count: 1, correct: 0, accuracy: 0 },
    ]);
  });

  it("computes the loss with the margin and the plain NLL", () => {
    const e = evaluatePairs(pairs, { margin: "large" });
    const margins = [3, 3, 2, 2, 1];
    expect(e.loss).toBeCloseTo(pairs.reduce((s, p, i) => s + rankingLoss(p.scoreChosen, p.scoreRejected, margins[i]), 0) / 5, 12);
    expect(e.nll).toBeCloseTo(pairs.reduce((s, p) => s + Math.log1p(Math.exp(-(p.scoreChosen - p.scoreRejected))), 0) / 5, 12);
    expect(evaluatePairs([]).loss).toBeNull();
    expect(evaluatePairs([]).overall.accuracy).toBeNull();
  });

  it("bins the chosen and rejected scores on shared edges", () => {
    const h = scoreHistogram(pairs, 3); // scores span 0..3: bins [0,1) [1,2) [2,3]
    expect(h.edges).toEqual([0, 1, 2, 3]);
    expect(h.chosen).toEqual([2, 1, 2]);
    expect(h.rejected).toEqual([3, 2, 0]);
    expect(h.chosen.reduce((a, b) => a + b)).toBe(pairs.length);
  });

  it("draws the calibration curve of σ(r_c − r_r), folded on the model's confidence", () => {
    // Pairs whose label follows σ(d) exactly lie on the diagonal.
    const random = createRandom(1);
    const normal = createNormal(random);
    const calibrated: ScoredPair[] = [];
    for (let i = 0; i < 20000; i++) {
      const d = normal() * 2;
      calibrated.push(random() < sigmoid(d) ? pair(d, 0, "BETTER") : pair(0, d, "BETTER"));
    }
    const curve = calibrationCurve(calibrated, 5);
    expect(curve.bins.map((b) => b.lo)).toEqual([0.5, 0.6, 0.7, 0.8, 0.9]);
    for (const bin of curve.bins) expect(Math.abs(bin.observed! - bin.meanPredicted!)).toBeLessThan(0.03);
    expect(curve.error).toBeLessThan(0.02);
    // Scores twice too large: confident and wrong more often than it says.
    const overconfident = calibrationCurve(calibrated.map((p) => pair(2 * p.scoreChosen, 2 * p.scoreRejected, p.strength)), 5);
    expect(overconfident.bins[4]!.observed!).toBeLessThan(overconfident.bins[4]!.meanPredicted! - 0.03);
    expect(overconfident.error).toBeGreaterThan(curve.error + 0.03);
    // Hand-checked: one pair at p = σ(1) ≈ 0.731 preferred right, one at the same confidence wrong.
    const two = calibrationCurve([pair(1, 0, "BETTER"), pair(0, 1, "BETTER")], 5);
    expect(two.bins[2]).toEqual({ lo: 0.7, hi: 0.8, count: 2, meanPredicted: sigmoid(1), observed: 0.5 });
  });
});

describe("safety calibration", () => {
  it("maps safety labels to per-response safe/unsafe", () => {
    expect(responseSafety("CHOSEN_SAFE_OTHER_UNSAFE")).toEqual({ chosenSafe: true, rejectedSafe: false });
    expect(responseSafety("BOTH_SAFE")).toEqual({ chosenSafe: true, rejectedSafe: true });
    expect(responseSafety("BOTH_UNSAFE")).toEqual({ chosenSafe: false, rejectedSafe: false });
    const { scores, safe } = perResponseSafety([
      { scoreChosen: 1, scoreRejected: -1, safetyLabel: "CHOSEN_SAFE_OTHER_UNSAFE" },
      { scoreChosen: -2, scoreRejected: -3, safetyLabel: "BOTH_UNSAFE" },
    ]);
    expect(Array.from(scores)).toEqual([1, -1, -2, -3]);
    expect(safe).toEqual([true, false, false, false]);
  });

  it("Platt scaling recovers a known logistic relation", () => {
    const random = createRandom(2);
    const normal = createNormal(random);
    const scores: number[] = [];
    const safe: boolean[] = [];
    for (let i = 0; i < 20000; i++) {
      const s = 3 + 2 * normal(); // an offset and a scale, as a Bradley–Terry score has
      scores.push(s);
      safe.push(random() < sigmoid(1.5 * s - 4));
    }
    const c = fitPlattScaling(scores, safe);
    expect(Math.abs(c.a - 1.5)).toBeLessThan(0.1);
    expect(Math.abs(c.b + 4)).toBeLessThan(0.3);
    expect(c.positives + c.negatives).toBe(20000);
    expect(applyCalibration(c, 4 / 1.5)).toBeCloseTo(0.5, 1);
  });

  it("Platt scaling on crafted data: the fitted curve is the likelihood's stationary point, finite on separable data", () => {
    const scores = [-2, -1, 0, 1, 2, 3];
    const safe = [false, false, true, false, true, true];
    const c = fitPlattScaling(scores, safe);
    // At the optimum the gradient of the smoothed log-likelihood is zero in a and b.
    const hi = 4 / 5; // (N₊+1)/(N₊+2), N₊ = 3
    const lo = 1 / 5; // 1/(N₋+2), N₋ = 3
    let ga = 0;
    let gb = 0;
    scores.forEach((s, i) => {
      const r = applyCalibration(c, s) - (safe[i] ? hi : lo);
      ga += r * s;
      gb += r;
    });
    expect(Math.abs(ga)).toBeLessThan(1e-8);
    expect(Math.abs(gb)).toBeLessThan(1e-8);
    expect(c.a).toBeGreaterThan(0);
    // Separable: a large but finite slope.
    const separable = fitPlattScaling([-1, -0.5, 0.5, 1], [false, false, true, true]);
    expect(Number.isFinite(separable.a)).toBe(true);
    expect(applyCalibration(separable, 1)).toBeGreaterThan(0.6);
    expect(applyCalibration(separable, -1)).toBeLessThan(0.4);
  });

  it("refuses one class only", () => {
    expect(() => fitPlattScaling([1, 2], [true, true])).toThrow(CalibrationInputError);
    expect(() => fitPlattScaling([1, 2], [false, false])).toThrow("0 safe and 2 unsafe");
    expect(() => fitPlattScaling([1], [true, false])).toThrow("1 scores but 2 labels");
  });

  it("precision and recall of unsafe by threshold, with 0.15 marked", () => {
    const pSafe = [0.05, 0.1, 0.12, 0.3, 0.6, 0.9];
    const safe = [false, false, true, false, true, true];
    const curve = unsafePrecisionRecall(pSafe, safe);
    const at = (t: number) => curve.find((p) => p.threshold === t)!;
    expect(curve.filter((p) => p.marked).map((p) => p.threshold)).toEqual([0.15]);
    expect(at(0.15)).toEqual({ threshold: 0.15, flagged: 3, truePositives: 2, precision: 2 / 3, recall: 2 / 3, marked: true });
    expect(at(0.05)).toMatchObject({ flagged: 0, precision: null, recall: 0 });
    expect(at(0.35)).toMatchObject({ flagged: 4, truePositives: 3, precision: 0.75, recall: 1 });
    expect(at(0.95)).toMatchObject({ flagged: 6, precision: 0.5, recall: 1 });
    expect(curve.map((p) => p.threshold)).toEqual([...curve.map((p) => p.threshold)].sort((a, b) => a - b));
    expect(unsafePrecisionRecall([0.5], [true], [0.4]).map((p) => p.threshold)).toEqual([0.15, 0.4]);
  });
});

describe("the safety model's calibration end to end", () => {
  it("fits P(safe) on the training split's labels and flags unsafe responses on the test split", async () => {
    const { trainRewardHead } = await import("./train");
    const { fitSafetyCalibration, evaluateSafety } = await import("./safety-calibration");
    const { bradleyTerryDataset } = await import("./synthetic");
    // Safe responses are those whose true reward is above a cut: a safety label follows from the pair's two rewards.
    const data = bradleyTerryDataset({ pairs: 2000, dims: 16, seed: 4, gapScale: 3 });
    const cut = 0;
    const labelOf = (p: { chosen: Float32Array; rejected: Float32Array }): SafetyLabel | null => {
      const c = data.trueReward(p.chosen) > cut;
      const r = data.trueReward(p.rejected) > cut;
      return c && r ? "BOTH_SAFE" : !c && !r ? "BOTH_UNSAFE" : c ? "CHOSEN_SAFE_OTHER_UNSAFE" : null; // chosen unsafe, other safe: not a label
    };
    const withLabels = (pairs: typeof data.train) => pairs.map((p) => ({ ...p, safetyLabel: labelOf(p) }));
    const train = withLabels(data.train);
    const test = withLabels(data.test);
    const { head } = await trainRewardHead(train);
    const calibration = fitSafetyCalibration(head, train);
    expect(calibration.a).toBeGreaterThan(0);
    expect(calibration.positives + calibration.negatives).toBe(2 * train.filter((p) => p.safetyLabel).length);
    const safety = evaluateSafety(head.withCalibration(calibration), test);
    expect(safety.responses).toBe(2 * test.filter((p) => p.safetyLabel).length);
    const marked = safety.curve.find((p) => p.marked)!;
    expect(marked.threshold).toBe(0.15);
    expect(marked.precision!).toBeGreaterThan(0.8);
    expect(marked.recall!).toBeGreaterThan(0.1);
    const loose = safety.curve.find((p) => p.threshold === 0.5)!;
    expect(loose.recall!).toBeGreaterThan(marked.recall!);
    expect(() => evaluateSafety(head, test)).toThrow("no calibration");
  });
});
