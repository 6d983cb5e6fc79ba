// Two responses that are the same text once leading and trailing whitespace is set aside give an
// annotator nothing to choose between and a reward model a pair with chosen = rejected (TRL's
// data checks flag it). No such pair is made (pair generation, prompt writing, rejection-sampling
// rounds resample the second side), imported, or exported. This module is the one statement of
// the rule: in JavaScript for the code that makes and imports pairs, in SQL for the exports, the
// two trimming exactly the same characters (tested against PostgreSQL).

/** The characters String.prototype.trim removes: ECMAScript's WhiteSpace and LineTerminator. */
const TRIMMED_CODE_POINTS = [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009,
  0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
];
export const TRIMMED_CHARACTERS = String.fromCodePoint(...TRIMMED_CODE_POINTS);

/** True when the two responses are the same text after trimming: such a pair is never made. */
export function identicalResponses(a: string, b: string): boolean {
  return a.trim() === b.trim();
}

/** How many times a side is sampled again, with the next seed, before its prompt is skipped. */
export const MAX_IDENTICAL_RESAMPLES = 3;

/** A written prompt's job that ends so: what its author reads (the job's error adds the seeds, for admins). */
export const IDENTICAL_RESPONSES_MESSAGE = "Both responses were the same text, so there is nothing to compare and no pair was made. Your prompt is saved.";

/** The seed after `seed`, in the 31-bit range the samplers take. */
export function nextSeed(seed: number): number {
  return (seed + 1) % 2_147_483_648;
}

/** The trim set as a PostgreSQL Unicode string literal (needs standard_conforming_strings, the default). */
const SQL_TRIMMED = `U&'${TRIMMED_CODE_POINTS.map((c) => `\\${c.toString(16).padStart(4, "0")}`).join("")}'`;

/** SQL: the text expression trimmed as identicalResponses trims it. */
export function sqlTrimmed(expression: string): string {
  return `btrim(${expression}, ${SQL_TRIMMED})`;
}

/**
 * SQL condition on two response texts: they differ after trimming. A filter on rows that have
 * both texts joined already: as a subquery deep in a query, PostgreSQL cannot estimate it and
 * plans everything after it for one row.
 */
export function sqlResponsesDiffer(a: string, b: string): string {
  return `${sqlTrimmed(a)} <> ${sqlTrimmed(b)}`;
}
