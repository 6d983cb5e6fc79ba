// Llama 2's reward-model learning-rate schedule (METHOD.md §2): linear warmup over 3% of the steps
// (at least 5), then cosine decay to 10% of the maximum at the last step.

export const WARMUP_FRACTION = 0.03;
export const MIN_WARMUP_STEPS = 5;
export const FINAL_LR_FRACTION = 0.1;

/** Warmup length for a run of `totalSteps` steps; never more than the run itself. */
export function warmupSteps(totalSteps: number): number {
  return Math.min(totalSteps, Math.max(MIN_WARMUP_STEPS, Math.ceil(WARMUP_FRACTION * totalSteps)));
}

/**
 * The learning rate of step `step` (0-based) of `totalSteps`: maxLr·(step+1)/W during warmup,
 * then from maxLr down a half cosine to FINAL_LR_FRACTION·maxLr, reached at the last step.
 */
export function learningRateAt(step: number, totalSteps: number, maxLr: number): number {
  if (!Number.isInteger(step) || step < 0 || step >= totalSteps) throw new RangeError(`step ${step} is outside 0..${totalSteps - 1}`);
  const warmup = warmupSteps(totalSteps);
  if (step < warmup) return (maxLr * (step + 1)) / warmup;
  const decaySteps = totalSteps - warmup - 1;
  const progress = decaySteps > 0 ? (step - warmup) / decaySteps : 1;
  const minLr = FINAL_LR_FRACTION * maxLr;
  return minLr + (maxLr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
}
