import { describe, expect, it } from "vitest";
import { marginOf } from "../../server/preferences/vocabulary";
import { marginsOf, rankingLoss, rankingLossTensor, sigmoid, softplus } from "./loss";
import { learningRateAt, warmupSteps } from "./schedule";
import { loadTensorflow } from "./tf-backend";

describe("ranking loss −log σ(r_c − r_r − m)", () => {
  it("matches hand-computed values", () => {
    // r_c − r_r = 0: −log σ(0) = log 2.
    expect(rankingLoss(1.5, 1.5)).toBeCloseTo(Math.LN2, 12);
    // d = 2, m = 0: log(1 + e^−2) = 0.126928011…
    expect(rankingLoss(3, 1)).toBeCloseTo(0.1269280110429725, 12);
    // d = 2, m = 1 (significantly better, margin small): log(1 + e^−1) = 0.313261687…
    expect(rankingLoss(3, 1, 1)).toBeCloseTo(0.31326168751822286, 12);
    // d = −1, m = 3 (significantly better, margin large): log(1 + e^4) = 4.018149927…
    expect(rankingLoss(0, 1, 3)).toBeCloseTo(4.0181499279178094, 12);
    // Stable far out: no Infinity, no loss of the linear tail.
    expect(rankingLoss(-800, 0)).toBeCloseTo(800, 9);
    expect(rankingLoss(800, 0)).toBe(0);
    expect(softplus(0)).toBeCloseTo(Math.LN2, 12);
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(-1000)).toBe(0);
  });

  it("takes Llama 2's margins from the vocabulary", () => {
    const strengths = ["SIGNIFICANTLY_BETTER", "BETTER", "SLIGHTLY_BETTER", "NEGLIGIBLY_BETTER_OR_UNSURE"] as const;
    expect(Array.from(marginsOf(strengths, "small"))).toEqual([1, 2 / 3, 1 / 3, 0].map(Math.fround));
    expect(Array.from(marginsOf(strengths, "large"))).toEqual([3, 2, 1, 0]);
    expect(Array.from(marginsOf(strengths, "none"))).toEqual([0, 0, 0, 0]);
    expect(marginOf("BETTER", "small")).toBeCloseTo(2 / 3, 12);
  });

  it("the tensor loss is the mean of the scalar one and has a gradient inside optimizer.minimize", async () => {
    const { tf } = await loadTensorflow();
    const diff = [2, -1, 0, 0.5];
    const margins = [1, 3, 0, 1 / 3];
    const loss = tf.tidy(() => rankingLossTensor(tf, tf.tensor1d(diff), tf.tensor1d(margins)).dataSync()[0]!);
    const expected = diff.reduce((sum, d, i) => sum + rankingLoss(d, 0, margins[i]), 0) / diff.length;
    expect(loss).toBeCloseTo(expected, 5);

    // d(mean softplus(−(w·x − m)))/dw at w = 0, x = 1, m = 0 is −σ(0) = −0.5: one SGD step of lr 1 moves w to 0.5.
    const w = tf.variable(tf.scalar(0));
    tf.train.sgd(1).minimize(() => rankingLossTensor(tf, tf.reshape(w, [1]) as never, tf.tensor1d([0])));
    expect(w.dataSync()[0]).toBeCloseTo(0.5, 6);
    w.dispose();
  });
});

describe("Llama 2's schedule", () => {
  it("warms up over 3% of the steps, at least 5", () => {
    expect(warmupSteps(100)).toBe(5);
    expect(warmupSteps(166)).toBe(5); // ceil(4.98)
    expect(warmupSteps(167)).toBe(6); // ceil(5.01)
    expect(warmupSteps(1000)).toBe(30);
    expect(warmupSteps(3)).toBe(3); // never longer than the run
  });

  it("rises linearly, then decays on a cosine to 10% of the maximum at the last step", () => {
    const max = 1e-2;
    // 100 steps: warmup 5 (steps 0..4), decay over steps 5..99.
    expect(learningRateAt(0, 100, max)).toBeCloseTo(0.002, 12);
    expect(learningRateAt(2, 100, max)).toBeCloseTo(0.006, 12);
    expect(learningRateAt(4, 100, max)).toBeCloseTo(0.01, 12);
    expect(learningRateAt(5, 100, max)).toBeCloseTo(0.01, 12);
    // Halfway through the decay (step 5 + 94/2 = 52): 0.1·max + 0.9·max·½(1 + cos π/2) = 0.55·max.
    expect(learningRateAt(52, 100, max)).toBeCloseTo(0.0055, 12);
    // A quarter of the way (94/4 = 23.5 → between steps 28 and 29): check step 28.5's neighbours bracket it.
    const quarter = 0.001 + 0.009 * 0.5 * (1 + Math.cos(Math.PI / 4));
    expect(learningRateAt(28, 100, max)).toBeGreaterThan(quarter);
    expect(learningRateAt(29, 100, max)).toBeLessThan(quarter);
    expect(learningRateAt(99, 100, max)).toBeCloseTo(0.001, 12);
    // Monotone after the warmup.
    for (let s = 6; s < 100; s++) expect(learningRateAt(s, 100, max)).toBeLessThan(learningRateAt(s - 1, 100, max));
    // 1,000 steps: warmup 30; the 30th step reaches the maximum.
    expect(learningRateAt(29, 1000, 1)).toBeCloseTo(1, 12);
    expect(learningRateAt(14, 1000, 1)).toBeCloseTo(0.5, 12);
    expect(learningRateAt(999, 1000, 1)).toBeCloseTo(0.1, 12);
  });

  it("rejects a step outside the run", () => {
    expect(() => learningRateAt(100, 100, 1)).toThrow(RangeError);
    expect(() => learningRateAt(-1, 100, 1)).toThrow(RangeError);
  });
});
