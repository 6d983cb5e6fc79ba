// Label scales used when measuring agreement between annotators (METHOD.md §1, §5).
//
// An annotator's answer on a pair is a chosen side (A or B) and one of Llama 2's four
// strengths. For agreement statistics the answer is mapped to a category index:
//
//   - the 8-point ordinal preference scale, from "A significantly better" (0) through the
//     two "negligibly better / unsure" points (3, 4) to "B significantly better" (7);
//   - the binary choice, A (0) or B (1), ignoring strength.
//
// The strengths and their order come from server/preferences/vocabulary.ts.
import { type Side, STRENGTH_VALUES, STRENGTHS as STRENGTH_INFO, type Strength } from "../preferences/vocabulary";

export type { Side, Strength };

/** The four strengths, strongest first. */
export const STRENGTHS: readonly Strength[] = STRENGTH_VALUES;

/** The 8 ordered category names of the preference scale; the array index is the category index. */
export const PREFERENCE_SCALE_CATEGORIES = Object.freeze([
  ...STRENGTH_INFO.map((s) => `A ${s.name.toLowerCase()}`),
  ...[...STRENGTH_INFO].reverse().map((s) => `B ${s.name.toLowerCase()}`),
]);

export type PreferenceScaleCategory = string;

/** Number of categories q of the preference scale (8). */
export const PREFERENCE_SCALE_SIZE = PREFERENCE_SCALE_CATEGORIES.length;

/** The 2 category names of the binary choice; index 0 is A, 1 is B. */
export const BINARY_CATEGORIES = Object.freeze(["A", "B"] as const);

/** Number of categories q of the binary choice (2). */
export const BINARY_SCALE_SIZE = BINARY_CATEGORIES.length;

function assertSide(chosen: unknown): asserts chosen is Side {
  if (chosen !== "A" && chosen !== "B") {
    throw new Error(`Unknown side ${JSON.stringify(chosen)}: expected "A" or "B".`);
  }
}

function strengthRank(strength: unknown): number {
  const rank = STRENGTHS.indexOf(strength as Strength);
  if (rank < 0) {
    throw new Error(`Unknown strength ${JSON.stringify(strength)}: expected one of ${STRENGTHS.join(", ")}.`);
  }
  return rank;
}

/**
 * Category index (0..7) on the 8-point preference scale.
 * A: SIGNIFICANTLY_BETTER → 0, BETTER → 1, SLIGHTLY_BETTER → 2, NEGLIGIBLY_BETTER_OR_UNSURE → 3;
 * B: NEGLIGIBLY_BETTER_OR_UNSURE → 4, SLIGHTLY_BETTER → 5, BETTER → 6, SIGNIFICANTLY_BETTER → 7.
 * Throws on an unknown side or strength.
 */
export function preferenceScalePoint(chosen: Side, strength: Strength): number {
  assertSide(chosen);
  const rank = strengthRank(strength); // 0 = strongest
  return chosen === "A" ? rank : PREFERENCE_SCALE_SIZE - 1 - rank;
}

/** Inverse of {@link preferenceScalePoint}. Throws on an index outside 0..7. */
export function preferenceFromScalePoint(point: number): { chosen: Side; strength: Strength } {
  if (!Number.isInteger(point) || point < 0 || point >= PREFERENCE_SCALE_SIZE) {
    throw new Error(`Preference scale point ${point} is out of range: expected an integer 0..${PREFERENCE_SCALE_SIZE - 1}.`);
  }
  const half = PREFERENCE_SCALE_SIZE / 2;
  return point < half
    ? { chosen: "A", strength: STRENGTHS[point]! }
    : { chosen: "B", strength: STRENGTHS[PREFERENCE_SCALE_SIZE - 1 - point]! };
}

/** Category index on the binary scale: A → 0, B → 1. Throws on an unknown side. */
export function binaryChoice(chosen: Side): 0 | 1 {
  assertSide(chosen);
  return chosen === "A" ? 0 : 1;
}
