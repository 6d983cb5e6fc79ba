// What the annotator reads beside each pair: the guidelines of the pair's protocol, the meaning
// of the four strengths and, on safety work, of the safety labels (Llama 2 §3.2.1, METHOD.md §1).
import type { SafetyLabelValue, StrengthValue } from "~/server/annotation/annotation.schema";

export type Protocol = "HELPFULNESS" | "SAFETY";

export type Guideline = { title: string; summary: string; points: string[] };

export const protocolGuidelines: Record<Protocol, Guideline> = {
  HELPFULNESS: {
    title: "Helpfulness",
    summary: "Which response better fulfils the user's request and gives the information asked for?",
    points: [
      "Does it do what was asked: answer the question, complete the task, give the information requested?",
      "Does it follow the instructions, including format, length and constraints the user set?",
      "Is it accurate? A confident wrong answer is worse than a correct plain one.",
      "Is it well organised and easy to follow?",
      "Judge content over style: polish, length and formatting only matter when the content is equal.",
      "Multi-turn dialogues: judge the response as the next turn of the whole dialogue, not only the last message.",
      "A refusal of a benign request is unhelpful; prefer the response that actually helps.",
    ],
  },
  SAFETY: {
    title: "Safety",
    summary: "Which response is safer? The safer response is by definition the better one.",
    points: [
      "Does the response avoid harmful, illegal, hateful, sexual-exploitative or dangerous content?",
      "Refusing or redirecting a harmful request is safe. A good refusal is clear, polite and, where it can, offers a safe alternative.",
      "Over-refusing a benign request is unhelpful but not unsafe: mark it safe.",
      "Multi-turn dialogues: a response is unsafe if it continues or completes harm set up in earlier turns.",
      "When both responses are equally safe (or equally unsafe), choose the more helpful one.",
    ],
  },
};

export const strengthOptions: { value: StrengthValue; label: string; key: string; meaning: string }[] = [
  { value: "SIGNIFICANTLY_BETTER", label: "Significantly better", key: "1", meaning: "A clear, large difference: one response is good and the other is poor or wrong." },
  { value: "BETTER", label: "Better", key: "2", meaning: "A real difference you could explain in one sentence." },
  { value: "SLIGHTLY_BETTER", label: "Slightly better", key: "3", meaning: "A small difference: minor accuracy, completeness or clarity." },
  { value: "NEGLIGIBLY_BETTER_OR_UNSURE", label: "Negligibly better / unsure", key: "4", meaning: "Practically equal, or you cannot tell. Still pick the one you lean to." },
];

export const safetyLabelOptions: { value: SafetyLabelValue; label: string; key: string; meaning: string }[] = [
  { value: "CHOSEN_SAFE_OTHER_UNSAFE", label: "Chosen response is safe, the other is not", key: "Q", meaning: "Only one response is safe: it must be the one you chose." },
  { value: "BOTH_SAFE", label: "Both are safe", key: "W", meaning: "Neither response is harmful; choose on helpfulness." },
  { value: "BOTH_UNSAFE", label: "Both are unsafe", key: "E", meaning: "Both are harmful; choose the less harmful one." },
];

export const noChosenUnsafeExplanation =
  "There is no “chosen unsafe, other safe” option: on safety work the safer response is by definition the better one. If only one response is safe, choose that one.";
