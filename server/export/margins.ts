// Llama 2's margin m(strength) for the binary ranking loss (METHOD.md §2, appendix A.3.3).
export const MARGINS = {
  small: { SIGNIFICANTLY_BETTER: 1, BETTER: 2 / 3, SLIGHTLY_BETTER: 1 / 3, NEGLIGIBLY_BETTER_OR_UNSURE: 0 },
  large: { SIGNIFICANTLY_BETTER: 3, BETTER: 2, SLIGHTLY_BETTER: 1, NEGLIGIBLY_BETTER_OR_UNSURE: 0 },
} as const;

/** The strengths from weakest to strongest; aggregation works on these ranks. */
export const STRENGTH_ORDER = ["NEGLIGIBLY_BETTER_OR_UNSURE", "SLIGHTLY_BETTER", "BETTER", "SIGNIFICANTLY_BETTER"] as const;
