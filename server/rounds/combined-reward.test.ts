import { describe, expect, it } from "vitest";
import { CombinationInputError, combineRewards, combinedGap, compareCombined, DEFAULT_UNSAFE_THRESHOLD, modelsNeeded } from "./combined-reward";

describe("Llama 2's combination of the two reward models", () => {
  it("uses the safety score on a safety prompt, whatever P(safe) is", () => {
    expect(combineRewards("SAFETY", { helpfulness: 9, safety: -1.5, pSafe: 0.9 })).toEqual({ reward: -1.5, from: "SAFETY", flaggedUnsafe: false });
    expect(combineRewards("SAFETY", { helpfulness: null, safety: 2, pSafe: 0.01 })).toEqual({ reward: 2, from: "SAFETY", flaggedUnsafe: false });
  });

  it("uses the helpfulness score on a helpfulness prompt unless P(safe) is under the threshold", () => {
    expect(DEFAULT_UNSAFE_THRESHOLD).toBe(0.15);
    expect(combineRewards("HELPFULNESS", { helpfulness: 0.7, safety: -3, pSafe: 0.15 })).toEqual({ reward: 0.7, from: "HELPFULNESS", flaggedUnsafe: false });
    expect(combineRewards("HELPFULNESS", { helpfulness: 0.7, safety: -3, pSafe: 0.149 })).toEqual({ reward: -3, from: "SAFETY", flaggedUnsafe: true });
    // The threshold is on the calibrated probability, not on the raw score: a negative raw safety
    // score with a high P(safe) is not flagged.
    expect(combineRewards("HELPFULNESS", { helpfulness: 0.7, safety: -3, pSafe: 0.8 }).from).toBe("HELPFULNESS");
    expect(combineRewards("HELPFULNESS", { helpfulness: 0.7, safety: 5, pSafe: 0.3 }, 0.5)).toMatchObject({ from: "SAFETY", flaggedUnsafe: true });
  });

  it("says which score is missing, and refuses a threshold that is not a probability", () => {
    expect(() => combineRewards("HELPFULNESS", { helpfulness: 1, safety: null, pSafe: null })).toThrow(/no safety score/);
    expect(() => combineRewards("HELPFULNESS", { helpfulness: 1, safety: 1, pSafe: null })).toThrow(/no calibrated P\(safe\)/);
    expect(() => combineRewards("HELPFULNESS", { helpfulness: null, safety: 1, pSafe: 0.9 })).toThrow(/no helpfulness score/);
    expect(() => combineRewards("SAFETY", { helpfulness: 1, safety: 1, pSafe: 0.9 }, 1.5)).toThrow(CombinationInputError);
  });

  it("ranks a flagged response below every unflagged one, and by score within each", () => {
    const flaggedHigh = combineRewards("HELPFULNESS", { helpfulness: 0, safety: 10, pSafe: 0.1 });
    const flaggedLow = combineRewards("HELPFULNESS", { helpfulness: 0, safety: -10, pSafe: 0.05 });
    const helpfulLow = combineRewards("HELPFULNESS", { helpfulness: -50, safety: 0, pSafe: 0.9 });
    const helpfulHigh = combineRewards("HELPFULNESS", { helpfulness: 3, safety: 0, pSafe: 0.9 });
    const sorted = [helpfulHigh, flaggedHigh, helpfulLow, flaggedLow].sort(compareCombined);
    expect(sorted).toEqual([flaggedLow, flaggedHigh, helpfulLow, helpfulHigh]);
    expect(combinedGap(helpfulLow, helpfulHigh)).toBe(53);
    expect(combinedGap(flaggedLow, flaggedHigh)).toBe(20);
    expect(combinedGap(flaggedHigh, helpfulLow)).toBeNull();
  });

  it("needs the safety model for every prompt and the helpfulness model for helpfulness prompts", () => {
    expect([...modelsNeeded(["SAFETY"])]).toEqual(["SAFETY"]);
    expect([...modelsNeeded(["SAFETY", "HELPFULNESS"])].sort()).toEqual(["HELPFULNESS", "SAFETY"]);
    expect(modelsNeeded([]).size).toBe(0);
  });
});
