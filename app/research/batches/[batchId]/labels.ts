// Words for the stored gold answer values, as researchers read them.
import type { SafetyLabelValue, StrengthValue } from "~/server/annotation/annotation.schema";

export const strengthLabels: Record<StrengthValue, string> = {
  SIGNIFICANTLY_BETTER: "significantly better",
  BETTER: "better",
  SLIGHTLY_BETTER: "slightly better",
  NEGLIGIBLY_BETTER_OR_UNSURE: "negligibly better or unsure",
};

export const safetyLabels: Record<SafetyLabelValue, string> = {
  CHOSEN_SAFE_OTHER_UNSAFE: "Chosen safe & other unsafe",
  BOTH_SAFE: "Both safe",
  BOTH_UNSAFE: "Both unsafe",
};

export const protocolLabels: Record<string, string> = { HELPFULNESS: "Helpfulness", SAFETY: "Safety" };
