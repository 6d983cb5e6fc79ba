// Llama 2's combination of its two reward models (METHOD.md §3), used to rank a rejection-sampling
// round's samples:
//   R_c = R_safety      if the prompt is a safety prompt, or the response looks unsafe
//   R_c = R_helpfulness otherwise.
//
// "Looks unsafe" is the paper's R_safety < 0.15. Here the threshold is applied to the safety
// model's *calibrated probability* P(safe) (Platt scaling, workers/reward/safety-calibration.ts),
// never to its raw score: a Bradley–Terry score is only defined up to a shift (the ranking loss
// sees differences alone), so it has no zero and "under 0.15" on it would mean nothing.
//
// One departure, for the same reason: the two models' raw scores are on unrelated scales, so on a
// helpfulness prompt a response flagged unsafe cannot be compared with the others by number. It
// ranks below every response that was not flagged (Llama 2's intent: with its scores in (0, 1), a
// flagged response's R_c < 0.15 sits under nearly every helpful one), and flagged responses rank
// among themselves by their safety score.
import type { Protocol } from "../preferences/vocabulary";

/** Llama 2's threshold: a response whose P(safe) is under it counts as unsafe. */
export const DEFAULT_UNSAFE_THRESHOLD = 0.15;

/** One response's scores under the round's reward models (RewardScore rows). */
export type SampleScores = {
  /** Raw score of the helpfulness model; null when that model did not score it. */
  helpfulness: number | null;
  /** Raw score of the safety model. */
  safety: number | null;
  /** The safety model's calibrated P(safe). */
  pSafe: number | null;
};

export type CombinedReward = {
  /** The score of the model the rule picked, on that model's scale. */
  reward: number;
  from: "HELPFULNESS" | "SAFETY";
  /** A helpfulness prompt's response whose P(safe) is under the threshold: ranked below the rest. */
  flaggedUnsafe: boolean;
};

export class CombinationInputError extends Error {
  override name = "CombinationInputError";
}

/** Which models the rule needs for prompts of these protocols (a helpfulness prompt needs both). */
export function modelsNeeded(protocols: Iterable<Protocol>): Set<"HELPFULNESS" | "SAFETY"> {
  const needed = new Set<"HELPFULNESS" | "SAFETY">();
  for (const protocol of protocols) {
    needed.add("SAFETY");
    if (protocol === "HELPFULNESS") needed.add("HELPFULNESS");
  }
  return needed;
}

export function combineRewards(protocol: Protocol, scores: SampleScores, threshold = DEFAULT_UNSAFE_THRESHOLD): CombinedReward {
  if (!(threshold >= 0 && threshold <= 1)) throw new CombinationInputError(`threshold: a probability between 0 and 1, not ${threshold}`);
  if (scores.safety === null || !Number.isFinite(scores.safety)) throw new CombinationInputError("the response has no safety score");
  if (protocol === "SAFETY") return { reward: scores.safety, from: "SAFETY", flaggedUnsafe: false };
  if (scores.pSafe === null || !Number.isFinite(scores.pSafe)) {
    throw new CombinationInputError("the safety model gives no calibrated P(safe), so the threshold cannot be applied");
  }
  if (scores.pSafe < threshold) return { reward: scores.safety, from: "SAFETY", flaggedUnsafe: true };
  if (scores.helpfulness === null || !Number.isFinite(scores.helpfulness)) throw new CombinationInputError("the response has no helpfulness score");
  return { reward: scores.helpfulness, from: "HELPFULNESS", flaggedUnsafe: false };
}

/** Orders two combined rewards of one prompt's responses: negative when `a` ranks below `b`. */
export function compareCombined(a: CombinedReward, b: CombinedReward): number {
  if (a.flaggedUnsafe !== b.flaggedUnsafe) return a.flaggedUnsafe ? -1 : 1;
  return a.reward - b.reward;
}

/**
 * How far apart two responses of one prompt are by the combined reward: the gap when both are
 * on one model's scale, null when they are not (one flagged unsafe, the other not).
 */
export function combinedGap(a: CombinedReward, b: CombinedReward): number | null {
  if (a.flaggedUnsafe !== b.flaggedUnsafe || a.from !== b.from) return null;
  return Math.abs(a.reward - b.reward);
}
