// What the annotator reads beside each pair: the guidelines of the pair's protocol, the meaning
// of the four strengths and, on safety work, of the safety labels (Llama 2 §3.2.1, METHOD.md §1).
import type { SafetyLabelValue, StrengthValue } from "~/server/annotation/annotation.schema";
import { type Protocol, SAFETY_LABELS, STRENGTHS } from "~/server/preferences/vocabulary";

export type { Protocol };

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

export type ChoiceInfo<V> = { value: V; label: string; key: string; meaning: string };

/** The screen's words for the vocabulary: its names, keys and meanings. */
export const strengthOptions: ChoiceInfo<StrengthValue>[] = STRENGTHS.map((s) => ({ value: s.value, label: s.name, key: s.key, meaning: s.meaning }));
export const safetyLabelOptions: ChoiceInfo<SafetyLabelValue>[] = SAFETY_LABELS.map((s) => ({ value: s.value, label: s.name, key: s.key, meaning: s.meaning }));

export const noChosenUnsafeExplanation =
  "There is no “chosen unsafe, other safe” option: on safety work the safer response is by definition the better one. If only one response is safe, choose that one.";
