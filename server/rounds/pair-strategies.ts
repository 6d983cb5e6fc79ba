// How a rejection-sampling round turns one prompt's samples into the next batch's pair
// (DESIGN.md "Rejection sampling round"). Each strategy buys something different:
//   - llama2 (Llama 2's protocol, METHOD.md §1): two samples from different variants and/or
//     temperatures, drawn without looking at the reward models: the labels stay an unbiased
//     sample of what the policy writes, which is what the next reward model is trained on.
//   - best-vs-worst: the top and bottom by the combined reward: usually an easy, confident label
//     that checks the reward model where it is surest.
//   - least-sure: the two with the closest combined rewards, where a label would teach the reward
//     model most; but Llama 2's accuracy table shows near-equal pairs are labelled near chance
//     ("negligibly better / unsure"), so on its own it buys noisy labels.
//   - mix: these in stated shares.
// Every pair records its strategy and the scores that chose it.
import { type CombinedReward, combinedGap, compareCombined, type SampleScores } from "./combined-reward";
import { identicalResponses } from "../pair-generation/identical-responses";
import { createRandom } from "../random/seeded";

export const PAIR_STRATEGIES = ["llama2", "best-vs-worst", "least-sure"] as const;
export type PairStrategy = (typeof PAIR_STRATEGIES)[number];

/** What Pair.strategy records: Llama 2's is "variants" or "temperatures", as pair generation writes it. */
export type PairStrategyLabel = "variants" | "temperatures" | "best-vs-worst" | "least-sure";

export type Candidate = {
  responseId: string;
  /** The variant and temperature it was sampled with. */
  variantId: string;
  temperature: number;
  text: string;
  scores: SampleScores;
  combined: CombinedReward;
};

/** The scores that chose a pair, stored with it (Pair.selection). */
export type PairSelection = {
  strategy: PairStrategyLabel;
  /** Samples of the prompt the strategy chose among. */
  candidates: number;
  /** |R_c(A) − R_c(B)| when both are on one model's scale, else null. */
  gap: number | null;
  a: SelectionSide;
  b: SelectionSide;
};
type SelectionSide = SampleScores & CombinedReward & { responseId: string; variantId: string; temperature: number; rank: number };

export type ChosenPair = { a: Candidate; b: Candidate; selection: PairSelection };

/** A deterministic generator in [0, 1): the same seed draws the same pairs. */
export const seededRandom = createRandom;

/** A 32-bit seed from a number and a string (a round's seed and a prompt's id). */
export function seedFor(seed: number, key: string): number {
  let h = (seed ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const sameText = (a: Candidate, b: Candidate) => identicalResponses(a.text, b.text);
const armOf = (c: Candidate) => `${c.variantId}\u0000${c.temperature}`;

function choose(strategy: PairStrategyLabel, all: readonly Candidate[], a: Candidate, b: Candidate): ChosenPair {
  const ranked = [...all].sort((x, y) => compareCombined(y.combined, x.combined));
  const side = (c: Candidate): SelectionSide => ({
    responseId: c.responseId,
    variantId: c.variantId,
    temperature: c.temperature,
    ...c.scores,
    ...c.combined,
    rank: ranked.indexOf(c) + 1,
  });
  return { a, b, selection: { strategy, candidates: all.length, gap: combinedGap(a.combined, b.combined), a: side(a), b: side(b) } };
}

/**
 * Llama 2's: one sample from each of two different arms (variant, temperature), both drawn at
 * random; null when the samples come from one arm only or every cross-arm pair is the same text.
 */
export function pairLlama2(candidates: readonly Candidate[], random: () => number): ChosenPair | null {
  const arms = new Map<string, Candidate[]>();
  for (const c of candidates) arms.set(armOf(c), [...(arms.get(armOf(c)) ?? []), c]);
  if (arms.size < 2) return null;
  const options: [Candidate, Candidate][] = [];
  const groups = [...arms.values()];
  for (let i = 0; i < groups.length; i++) {
    for (let j = i + 1; j < groups.length; j++) {
      for (const x of groups[i]!) for (const y of groups[j]!) if (!sameText(x, y)) options.push([x, y]);
    }
  }
  if (!options.length) return null;
  const [a, b] = options[Math.floor(random() * options.length)]!;
  const label = a.variantId !== b.variantId ? "variants" : "temperatures";
  return choose(label, candidates, a, b);
}

/** The best (A) and the worst (B) by the combined reward whose texts differ; null if every text is one. */
export function pairBestVsWorst(candidates: readonly Candidate[]): ChosenPair | null {
  const ranked = [...candidates].sort((x, y) => compareCombined(y.combined, x.combined));
  const best = ranked[0];
  if (!best) return null;
  for (let i = ranked.length - 1; i > 0; i--) if (!sameText(best, ranked[i]!)) return choose("best-vs-worst", candidates, best, ranked[i]!);
  return null;
}

/**
 * The two with the closest combined rewards (on one model's scale), the higher as A; ties go to
 * the higher-ranked pair. Null when no two texts differ.
 */
export function pairLeastSure(candidates: readonly Candidate[]): ChosenPair | null {
  const ranked = [...candidates].sort((x, y) => compareCombined(y.combined, x.combined));
  let chosen: [Candidate, Candidate] | null = null;
  let closest = Infinity;
  for (let i = 0; i < ranked.length; i++) {
    for (let j = i + 1; j < ranked.length; j++) {
      const [a, b] = [ranked[i]!, ranked[j]!];
      if (sameText(a, b)) continue;
      const gap = combinedGap(a.combined, b.combined) ?? Infinity;
      if (chosen === null || gap < closest) {
        chosen = [a, b];
        closest = gap;
      }
    }
  }
  return chosen ? choose("least-sure", candidates, chosen[0], chosen[1]) : null;
}

export function choosePair(strategy: PairStrategy, candidates: readonly Candidate[], random: () => number): ChosenPair | null {
  switch (strategy) {
    case "llama2":
      return pairLlama2(candidates, random);
    case "best-vs-worst":
      return pairBestVsWorst(candidates);
    case "least-sure":
      return pairLeastSure(candidates);
  }
}

export type StrategyShares = Partial<Record<PairStrategy, number>>;

/**
 * Which strategy each of `count` pairs uses, for shares that need not sum to one: whole counts by
 * largest remainder (so 10 pairs at ⅓ each give 4, 3, 3), then shuffled with the seed so the
 * strategies are spread over the prompts rather than in runs.
 */
export function assignStrategies(count: number, shares: StrategyShares, seed: number): PairStrategy[] {
  const entries = PAIR_STRATEGIES.map((s) => [s, shares[s] ?? 0] as const).filter(([, w]) => w > 0);
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (!entries.length || !(total > 0)) throw new RangeError("shares: give at least one strategy a share above 0");
  const exact = entries.map(([s, w]) => ({ s, quota: (count * w) / total }));
  const counts = new Map(exact.map(({ s, quota }) => [s, Math.floor(quota)]));
  let left = count - [...counts.values()].reduce((a, b) => a + b, 0);
  const byRemainder = [...exact].sort((x, y) => y.quota - Math.floor(y.quota) - (x.quota - Math.floor(x.quota)));
  for (const { s } of byRemainder) {
    if (left-- <= 0) break;
    counts.set(s, counts.get(s)! + 1);
  }
  const list = entries.flatMap(([s]) => Array<PairStrategy>(counts.get(s)!).fill(s));
  const random = seededRandom(seed);
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}
