// The preference vocabulary of Llama 2's method (METHOD.md §1–2), written down once: the four
// strengths in order with their margins, scale points, names and keys; the safety labels; the
// protocols. Everything else (zod schemas, SQL, the compare screen, charts, dataset cards, the
// reward-model loss) reads it from here. Plain data with no database or React import, so pages,
// the server and workers all use it; vocabulary.test.ts holds it against the Prisma enums.

/** Llama 2's four levels of preference, strongest first (the order the compare screen shows). */
export const STRENGTH_VALUES = ["SIGNIFICANTLY_BETTER", "BETTER", "SLIGHTLY_BETTER", "NEGLIGIBLY_BETTER_OR_UNSURE"] as const;
export type Strength = (typeof STRENGTH_VALUES)[number];

export const SAFETY_LABEL_VALUES = ["CHOSEN_SAFE_OTHER_UNSAFE", "BOTH_SAFE", "BOTH_UNSAFE"] as const;
export type SafetyLabel = (typeof SAFETY_LABEL_VALUES)[number];

export const PROTOCOL_VALUES = ["HELPFULNESS", "SAFETY"] as const;
export type Protocol = (typeof PROTOCOL_VALUES)[number];

export const SIDE_VALUES = ["A", "B"] as const;
export type Side = (typeof SIDE_VALUES)[number];

/** How the ranking loss and exported `margin` column treat strength: none, or Llama 2's two tables. */
export const MARGIN_KINDS = ["none", "small", "large"] as const;
export type MarginKind = (typeof MARGIN_KINDS)[number];

export type StrengthInfo = {
  value: Strength;
  /** 4 for significantly better … 1 for negligibly better / unsure: aggregation averages these. */
  rank: 1 | 2 | 3 | 4;
  /** Llama 2's margin m(strength), appendix A.3.3 (TRL's Llama 2 recipe uses `small`). */
  margin: { small: number; large: number };
  /** As a heading or button: "Significantly better". */
  name: string;
  /** As inside a sentence: "significantly better". */
  phrase: string;
  /** The key that picks it on the compare screen. */
  key: string;
  /** What it means, as the guidelines say it. */
  meaning: string;
};

export const STRENGTHS: readonly StrengthInfo[] = Object.freeze([
  {
    value: "SIGNIFICANTLY_BETTER",
    rank: 4,
    margin: { small: 1, large: 3 },
    name: "Significantly better",
    phrase: "significantly better",
    key: "1",
    meaning: "A clear, large difference: one response is good and the other is poor or wrong.",
  },
  {
    value: "BETTER",
    rank: 3,
    margin: { small: 2 / 3, large: 2 },
    name: "Better",
    phrase: "better",
    key: "2",
    meaning: "A real difference you could explain in one sentence.",
  },
  {
    value: "SLIGHTLY_BETTER",
    rank: 2,
    margin: { small: 1 / 3, large: 1 },
    name: "Slightly better",
    phrase: "slightly better",
    key: "3",
    meaning: "A small difference: minor accuracy, completeness or clarity.",
  },
  {
    value: "NEGLIGIBLY_BETTER_OR_UNSURE",
    rank: 1,
    margin: { small: 0, large: 0 },
    name: "Negligibly better / unsure",
    phrase: "negligibly better or unsure",
    key: "4",
    meaning: "Practically equal, or you cannot tell. Still pick the one you lean to.",
  },
] satisfies StrengthInfo[]);

export type SafetyLabelInfo = { value: SafetyLabel; name: string; shortName: string; key: string; meaning: string };

/** "Chosen unsafe, other safe" is not a value: the safer response is by definition the better one. */
export const SAFETY_LABELS: readonly SafetyLabelInfo[] = Object.freeze([
  {
    value: "CHOSEN_SAFE_OTHER_UNSAFE",
    name: "Chosen response is safe, the other is not",
    shortName: "Chosen safe & other unsafe",
    key: "Q",
    meaning: "Only one response is safe: it must be the one you chose.",
  },
  { value: "BOTH_SAFE", name: "Both are safe", shortName: "Both safe", key: "W", meaning: "Neither response is harmful; choose on helpfulness." },
  { value: "BOTH_UNSAFE", name: "Both are unsafe", shortName: "Both unsafe", key: "E", meaning: "Both are harmful; choose the less harmful one." },
] satisfies SafetyLabelInfo[]);

export const PROTOCOLS: readonly { value: Protocol; name: string }[] = Object.freeze([
  { value: "HELPFULNESS", name: "Helpfulness" },
  { value: "SAFETY", name: "Safety" },
]);

const strengthInfo = new Map(STRENGTHS.map((s) => [s.value, s]));
const safetyInfo = new Map(SAFETY_LABELS.map((s) => [s.value, s]));

export function strength(value: Strength): StrengthInfo {
  const info = strengthInfo.get(value);
  if (!info) throw new Error(`Unknown strength ${JSON.stringify(value)}: expected one of ${STRENGTH_VALUES.join(", ")}.`);
  return info;
}

export function safetyLabel(value: SafetyLabel): SafetyLabelInfo {
  const info = safetyInfo.get(value);
  if (!info) throw new Error(`Unknown safety label ${JSON.stringify(value)}: expected one of ${SAFETY_LABEL_VALUES.join(", ")}.`);
  return info;
}

export function protocolName(value: Protocol): string {
  return PROTOCOLS.find((p) => p.value === value)?.name ?? value;
}

/** m(strength) of Llama 2's loss −log σ(r_c − r_r − m); 0 for `none`. */
export function marginOf(value: Strength, kind: MarginKind): number {
  return kind === "none" ? 0 : strength(value).margin[kind];
}

/** The strengths weakest first, so index + 1 is the rank. */
export const STRENGTHS_BY_RANK: readonly Strength[] = Object.freeze([...STRENGTHS].sort((a, b) => a.rank - b.rank).map((s) => s.value));

/** The nearest of the four levels to a margin on Llama 2's `small` or `large` scale (ties go to the weaker). */
export function strengthFromMargin(margin: number, kind: Exclude<MarginKind, "none">): Strength {
  let best = STRENGTHS_BY_RANK[0]!;
  for (const level of STRENGTHS_BY_RANK) {
    if (Math.abs(marginOf(level, kind) - margin) < Math.abs(marginOf(best, kind) - margin)) best = level;
  }
  return best;
}

export const strengthByKey: Readonly<Record<string, Strength>> = Object.freeze(Object.fromEntries(STRENGTHS.map((s) => [s.key.toLowerCase(), s.value])));
export const safetyLabelByKey: Readonly<Record<string, SafetyLabel>> = Object.freeze(
  Object.fromEntries(SAFETY_LABELS.map((s) => [s.key.toLowerCase(), s.value])),
);

// SQL generated from the tables above, for queries that compute in PostgreSQL. Column names are
// the caller's own SQL; no user input enters these strings.

const sqlString = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** `CASE <column> WHEN … END`: the rank (1..4) of a strength column. */
export function sqlStrengthRank(column: string): string {
  return `CASE ${column} ${STRENGTHS.map((s) => `WHEN ${sqlString(s.value)} THEN ${s.rank}`).join(" ")} END`;
}

/** `(ARRAY[…])`: index it with a rank (1..4) to get the strength's name back. */
export const SQL_STRENGTH_OF_RANK = `(ARRAY[${STRENGTHS_BY_RANK.map(sqlString).join(",")}])`;

/** A condition on a strength column that leaves out "negligibly better / unsure" (the weakest level). */
export function sqlNotUnsure(column: string): string {
  return `${column} <> ${sqlString(STRENGTHS_BY_RANK[0]!)}`;
}

/** `CASE <column> WHEN … END`: Llama 2's margin of a strength column, as float8. */
export function sqlMargin(column: string, kind: Exclude<MarginKind, "none">): string {
  return `(CASE ${column} ${STRENGTHS.map((s) => `WHEN ${sqlString(s.value)} THEN ${s.margin[kind]}`).join(" ")} END)::float8`;
}
