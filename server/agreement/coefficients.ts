// Inter-rater agreement coefficients for items (comparison pairs) labelled by several
// annotators, with missing ratings (METHOD.md §5: Llama 2 reports Gwet's AC1/AC2).
//
// Pure functions, no I/O. Input is a ratings matrix: one row per item, one cell per rating
// slot, each cell a category index 0..q-1 or null/undefined for "no rating". Rows may have
// different lengths. None of the coefficients here depends on *which* rater gave a rating
// (they are all rater-exchangeable), so a row can simply be the list of ratings the item
// received, e.g. [[3, 4, 4], [0, 1], ...]; a rater-per-column layout works just as well.
//
// Notation (Gwet 2014, Handbook of Inter-Rater Reliability, 4th ed., multiple raters with
// missing ratings; the same formulas as the irrCAC R package's *.raw functions):
//   r_ik   number of ratings of item i in category k;  r_i = Σ_k r_ik
//   n      number of items rated at least once (items with no rating are ignored entirely)
//   n'     number of items with r_i ≥ 2 (only these carry information about agreement)
//   w_kl   agreement weights, w_kk = 1, 0 ≤ w_kl ≤ 1; identity weights give the unweighted form
//   r*_ik  = Σ_l w_kl r_il
//   p_a    = (1/n') Σ_{i: r_i ≥ 2} Σ_k r_ik (r*_ik − 1) / (r_i (r_i − 1))
//   π_k    = (1/n) Σ_{i: r_i ≥ 1} r_ik / r_i
//
// Undefined cases (no item with two ratings, chance agreement of 1, no variation at all for
// Krippendorff's alpha) give `value: NaN`, never an exception. Malformed input (not an
// array, a category that is not an integer in 0..q-1, q not an integer ≥ 2, an unknown
// weights kind or metric) throws an Error saying what is wrong.

export type Rating = number | null | undefined;
export type RatingsMatrix = ReadonlyArray<ReadonlyArray<Rating>>;

/** Agreement weights for Gwet's AC2 and weighted percent agreement. */
export type WeightsKind = "identity" | "linear" | "quadratic" | "ordinal";
export const WEIGHTS_KINDS: readonly WeightsKind[] = Object.freeze(["identity", "linear", "quadratic", "ordinal"]);

/** Krippendorff's difference functions (levels of measurement). */
export type KrippendorffMetric = "nominal" | "ordinal" | "interval";
export const KRIPPENDORFF_METRICS: readonly KrippendorffMetric[] = Object.freeze(["nominal", "ordinal", "interval"]);

/** Counts describing the data a coefficient was computed from. */
export interface DataCounts {
  /** Items with at least 2 ratings: the ones observed agreement is computed over (n'). */
  items: number;
  /** Items with at least 1 rating (n). */
  ratedItems: number;
  /** Non-missing ratings over all items. */
  ratings: number;
}

/** Result of percent agreement, Fleiss' kappa and Gwet's AC1/AC2. */
export interface ChanceCorrectedResult extends DataCounts {
  /** The coefficient, (p_a − p_e) / (1 − p_e); NaN where undefined. */
  value: number;
  /** Observed (weighted) agreement p_a; NaN when no item has 2 ratings. */
  pa: number;
  /** Chance agreement p_e (0 for percent agreement); NaN when no item is rated. */
  pe: number;
  /** Weights used (always "identity" for Fleiss' kappa). */
  weights: WeightsKind;
}

/** Result of Krippendorff's alpha. */
export interface KrippendorffResult extends DataCounts {
  /** α = 1 − D_o / D_e; NaN where undefined. */
  value: number;
  metric: KrippendorffMetric;
  /** Observed disagreement D_o = (1/n..) Σ_c Σ_k o_ck δ²_ck. */
  observedDisagreement: number;
  /** Expected disagreement D_e = (1/(n..(n.. − 1))) Σ_c Σ_k n_c n_k δ²_ck. */
  expectedDisagreement: number;
  /** Pairable values n..: the ratings on items with at least 2 ratings. */
  pairableRatings: number;
}

// ---------------------------------------------------------------------------------------
// Input handling

/** Per-item category counts, items with no rating dropped. */
interface Tally {
  q: number;
  /** counts[i][k] = r_ik for each item rated at least once. */
  counts: number[][];
  /** totals[i] = r_i. */
  totals: number[];
  /** How many items row i stands for (1 from a ratings matrix; items with the same counts from {@link agreementReportOfCounts}). */
  weights: number[];
  ratings: number;
  items: number;
}

function assertCategoryCount(q: unknown): asserts q is number {
  if (typeof q !== "number" || !Number.isInteger(q) || q < 2) {
    throw new Error(`Number of categories q must be an integer ≥ 2, got ${String(q)}.`);
  }
}

function tally(matrix: RatingsMatrix, q: number): Tally {
  assertCategoryCount(q);
  if (!Array.isArray(matrix)) {
    throw new Error("Ratings matrix must be an array of rows (one row per item).");
  }
  const counts: number[][] = [];
  const totals: number[] = [];
  const weights: number[] = [];
  let ratings = 0;
  let items = 0;
  matrix.forEach((row: unknown, i) => {
    if (!Array.isArray(row)) {
      throw new Error(`Ratings matrix row ${i} must be an array of ratings, got ${typeof row}.`);
    }
    const c = new Array<number>(q).fill(0);
    let total = 0;
    // A plain loop so that holes in sparse arrays read as undefined (= missing).
    for (let j = 0; j < row.length; j++) {
      const cell: unknown = row[j];
      if (cell === null || cell === undefined) continue;
      if (typeof cell !== "number" || !Number.isInteger(cell) || cell < 0 || cell >= q) {
        throw new Error(
          `Rating at item ${i}, slot ${j} is ${JSON.stringify(cell)}: expected an integer category 0..${q - 1} or null.`,
        );
      }
      c[cell]! += 1;
      total += 1;
    }
    if (total === 0) return;
    counts.push(c);
    totals.push(total);
    weights.push(1);
    ratings += total;
    if (total >= 2) items += 1;
  });
  return { q, counts, totals, weights, ratings, items };
}

/** Items given by their category counts, each row standing for `items` items with those counts. */
export type CountsRow = { counts: readonly number[]; items: number };

function tallyOfCounts(rows: readonly CountsRow[], q: number): Tally {
  assertCategoryCount(q);
  const t: Tally = { q, counts: [], totals: [], weights: [], ratings: 0, items: 0 };
  rows.forEach(({ counts, items }, i) => {
    if (counts.length !== q || counts.some((n) => !Number.isInteger(n) || n < 0) || !Number.isInteger(items) || items < 0) {
      throw new Error(`Counts row ${i} must be ${q} non-negative integer counts and a non-negative integer number of items.`);
    }
    const total = counts.reduce((s, n) => s + n, 0);
    if (total === 0 || items === 0) return;
    t.counts.push([...counts]);
    t.totals.push(total);
    t.weights.push(items);
    t.ratings += items * total;
    if (total >= 2) t.items += items;
  });
  return t;
}

function dataCounts(t: Tally): DataCounts {
  return { items: t.items, ratedItems: t.weights.reduce((s, w) => s + w, 0), ratings: t.ratings };
}

// ---------------------------------------------------------------------------------------
// Weights

/**
 * q×q agreement weight matrix (w_kk = 1), as defined by Gwet (2014) and the irrCAC package
 * (weights.gen.r), with categories taken as equally spaced 0..q-1:
 *   identity   w_kl = 1 if k = l else 0
 *   linear     w_kl = 1 − |k − l| / (q − 1)
 *   quadratic  w_kl = 1 − (k − l)² / (q − 1)²
 *   ordinal    w_kl = 1 − M_kl / max M, with M_kl = C(|k − l| + 1, 2) = (|k − l| + 1)|k − l| / 2
 *              (Gwet's ordinal weights, which depend only on rank distance)
 */
export function agreementWeights(q: number, kind: WeightsKind): number[][] {
  assertCategoryCount(q);
  const maxDistance = q - 1;
  const maxM = (maxDistance + 1) * maxDistance * 0.5;
  const weight = (d: number): number => {
    switch (kind) {
      case "identity":
        return d === 0 ? 1 : 0;
      case "linear":
        return 1 - d / maxDistance;
      case "quadratic":
        return 1 - (d * d) / (maxDistance * maxDistance);
      case "ordinal":
        return 1 - ((d + 1) * d * 0.5) / maxM;
      default:
        throw new Error(`Unknown weights kind ${JSON.stringify(kind)}: expected one of ${WEIGHTS_KINDS.join(", ")}.`);
    }
  };
  return Array.from({ length: q }, (_, k) => Array.from({ length: q }, (_, l) => weight(Math.abs(k - l))));
}

// ---------------------------------------------------------------------------------------
// Building blocks

/** p_a over items with r_i ≥ 2 (NaN if there are none). */
function observedAgreement(t: Tally, w: number[][]): number {
  let sum = 0;
  let n2 = 0;
  t.counts.forEach((c, i) => {
    const r = t.totals[i]!;
    if (r < 2) return;
    let s = 0;
    for (let k = 0; k < t.q; k++) {
      const rk = c[k]!;
      if (rk === 0) continue;
      let weighted = 0; // r*_ik
      const wk = w[k]!;
      for (let l = 0; l < t.q; l++) weighted += wk[l]! * c[l]!;
      s += rk * (weighted - 1);
    }
    const items = t.weights[i]!;
    sum += items * (s / (r * (r - 1)));
    n2 += items;
  });
  return n2 === 0 ? Number.NaN : sum / n2;
}

/** π_k: category k's share of each rated item's ratings, averaged over rated items. */
function classificationProbabilities(t: Tally): number[] {
  const pi = new Array<number>(t.q).fill(0);
  const n = t.weights.reduce((s, w) => s + w, 0);
  if (n === 0) return pi.map(() => Number.NaN);
  t.counts.forEach((c, i) => {
    const r = t.totals[i]!;
    const w = t.weights[i]!;
    for (let k = 0; k < t.q; k++) pi[k]! += w * (c[k]! / r);
  });
  return pi.map((p) => p / n);
}

/** Chance-corrected coefficient (p_a − p_e)/(1 − p_e); NaN if undefined (p_e ≈ 1 or inputs NaN). */
function chanceCorrected(pa: number, pe: number): number {
  if (!Number.isFinite(pa) || !Number.isFinite(pe)) return Number.NaN;
  const denominator = 1 - pe;
  if (Math.abs(denominator) < 1e-12) return Number.NaN;
  return (pa - pe) / denominator;
}

function assertWeightsKind(kind: unknown): asserts kind is WeightsKind {
  if (!WEIGHTS_KINDS.includes(kind as WeightsKind)) {
    throw new Error(`Unknown weights kind ${JSON.stringify(kind)}: expected one of ${WEIGHTS_KINDS.join(", ")}.`);
  }
}

// ---------------------------------------------------------------------------------------
// Coefficients (tally-level, shared with agreementReport)

function percentAgreementOf(t: Tally, weights: WeightsKind): ChanceCorrectedResult {
  assertWeightsKind(weights);
  const pa = observedAgreement(t, agreementWeights(t.q, weights));
  return { value: pa, pa, pe: 0, weights, ...dataCounts(t) };
}

function fleissKappaOf(t: Tally): ChanceCorrectedResult {
  const pa = observedAgreement(t, agreementWeights(t.q, "identity"));
  const pi = classificationProbabilities(t);
  const pe = pi.reduce((s, p) => s + p * p, 0);
  return { value: chanceCorrected(pa, pe), pa, pe, weights: "identity", ...dataCounts(t) };
}

function gwetOf(t: Tally, weights: WeightsKind): ChanceCorrectedResult {
  assertWeightsKind(weights);
  const w = agreementWeights(t.q, weights);
  const pa = observedAgreement(t, w);
  const pi = classificationProbabilities(t);
  const totalWeight = w.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0); // T_w
  const pe = (totalWeight / (t.q * (t.q - 1))) * pi.reduce((s, p) => s + p * (1 - p), 0);
  return { value: chanceCorrected(pa, pe), pa, pe, weights, ...dataCounts(t) };
}

function krippendorffOf(t: Tally, metric: KrippendorffMetric): KrippendorffResult {
  if (!KRIPPENDORFF_METRICS.includes(metric)) {
    throw new Error(`Unknown Krippendorff metric ${JSON.stringify(metric)}: expected one of ${KRIPPENDORFF_METRICS.join(", ")}.`);
  }
  const q = t.q;
  // Coincidence matrix: each ordered pair of ratings (different slots) within item u adds
  // 1/(m_u − 1), so o_ck += r_uc (r_uk − [c = k]) / (m_u − 1). Items with m_u < 2 add nothing.
  const o = Array.from({ length: q }, () => new Array<number>(q).fill(0));
  t.counts.forEach((c, i) => {
    const m = t.totals[i]!;
    if (m < 2) return;
    const w = t.weights[i]!;
    for (let a = 0; a < q; a++) {
      const ra = c[a]!;
      if (ra === 0) continue;
      for (let b = 0; b < q; b++) {
        const rb = c[b]! - (a === b ? 1 : 0);
        if (rb > 0) o[a]![b]! += w * ((ra * rb) / (m - 1));
      }
    }
  });
  const marginals = o.map((row) => row.reduce((s, v) => s + v, 0)); // n_c
  // n.. = Σ_c n_c, which is exactly the number of ratings on items with at least 2 ratings.
  const pairable = t.totals.reduce((s, m, i) => (m >= 2 ? s + t.weights[i]! * m : s), 0);

  const delta = (c: number, k: number): number => {
    if (c === k) return 0;
    switch (metric) {
      case "nominal":
        return 1;
      case "interval":
        return (c - k) * (c - k);
      case "ordinal": {
        // Krippendorff (2011): δ²_ck = (Σ_{g=c..k} n_g − (n_c + n_k)/2)²
        const lo = Math.min(c, k);
        const hi = Math.max(c, k);
        let s = 0;
        for (let g = lo; g <= hi; g++) s += marginals[g]!;
        const d = s - (marginals[c]! + marginals[k]!) / 2;
        return d * d;
      }
    }
  };

  let observed = 0; // Σ o_ck δ²_ck
  let expected = 0; // Σ n_c n_k δ²_ck
  for (let c = 0; c < q; c++) {
    for (let k = 0; k < q; k++) {
      if (c === k) continue;
      const d = delta(c, k);
      observed += o[c]![k]! * d;
      expected += marginals[c]! * marginals[k]! * d;
    }
  }
  const defined = t.items > 0 && pairable >= 2 && expected > 0;
  return {
    value: defined ? 1 - ((pairable - 1) * observed) / expected : Number.NaN,
    metric,
    observedDisagreement: pairable > 0 ? observed / pairable : Number.NaN,
    expectedDisagreement: pairable > 1 ? expected / (pairable * (pairable - 1)) : Number.NaN,
    pairableRatings: pairable,
    ...dataCounts(t),
  };
}

// ---------------------------------------------------------------------------------------
// Public API

/**
 * Percent agreement p_a (Gwet 2014; irrCAC `pa.coeff.raw`): for each item with at least two
 * ratings, the (weighted) share of agreeing ordered pairs of its ratings,
 * Σ_k r_ik (r*_ik − 1) / (r_i (r_i − 1)), averaged over those items. With identity weights
 * this is the plain pairwise agreement. `value` = `pa`, `pe` = 0.
 */
export function percentAgreement(matrix: RatingsMatrix, q: number, weights: WeightsKind = "identity"): ChanceCorrectedResult {
  return percentAgreementOf(tally(matrix, q), weights);
}

/**
 * Fleiss' kappa, generalised to a varying number of raters per item as in Gwet (2014) and
 * irrCAC `fleiss.kappa.raw`:
 *   p_a = the percent agreement above (items with r_i ≥ 2),
 *   p_e = Σ_k π_k², π_k = (1/n) Σ_i r_ik / r_i over the n items rated at least once,
 *   κ   = (p_a − p_e) / (1 − p_e).
 * With the same number of raters on every item this is exactly Fleiss (1971). NaN when no
 * item has two ratings or p_e = 1 (every rating in one category).
 */
export function fleissKappa(matrix: RatingsMatrix, q: number): ChanceCorrectedResult {
  return fleissKappaOf(tally(matrix, q));
}

/**
 * Gwet's AC2 (weighted), Gwet (2014), multiple raters with missing ratings
 * (irrCAC `gwet.ac1.raw` with `weights`):
 *   p_a = weighted percent agreement over items with r_i ≥ 2,
 *   p_e = T_w / (q (q − 1)) × Σ_k π_k (1 − π_k), T_w = Σ_k Σ_l w_kl, π_k as in Fleiss' kappa,
 *   AC2 = (p_a − p_e) / (1 − p_e).
 * Identity weights (T_w = q) give AC1. Note that q, the number of categories *available*,
 * enters p_e: pass the scale's size, not the number of categories that happen to be used.
 */
export function gwetAC2(matrix: RatingsMatrix, q: number, weights: WeightsKind): ChanceCorrectedResult {
  return gwetOf(tally(matrix, q), weights);
}

/** Gwet's AC1 (nominal): {@link gwetAC2} with identity weights. */
export function gwetAC1(matrix: RatingsMatrix, q: number): ChanceCorrectedResult {
  return gwetOf(tally(matrix, q), "identity");
}

/**
 * Krippendorff's alpha by the coincidence-matrix method of Krippendorff (2011), "Computing
 * Krippendorff's Alpha-Reliability", which handles any number of raters per item and
 * missing ratings:
 *   o_ck = Σ_u (number of ordered c-k pairs of ratings in item u) / (m_u − 1), items m_u ≥ 2
 *   n_c = Σ_k o_ck,  n.. = Σ_c n_c
 *   α = 1 − D_o / D_e = 1 − (n.. − 1) Σ o_ck δ²_ck / Σ n_c n_k δ²_ck
 * with δ²: nominal [c ≠ k]; interval (c − k)² on the category indices; ordinal
 * (Σ_{g=c..k} n_g − (n_c + n_k)/2)². NaN when no item has two ratings or D_e = 0 (all
 * pairable ratings identical).
 */
export function krippendorffAlpha(matrix: RatingsMatrix, q: number, metric: KrippendorffMetric = "nominal"): KrippendorffResult {
  return krippendorffOf(tally(matrix, q), metric);
}

/** All coefficients for one ratings matrix; undefined values are null so the report is JSON-safe. */
export interface AgreementReport extends DataCounts {
  q: number;
  percentAgreement: number | null;
  fleissKappa: number | null;
  krippendorffAlpha: Record<KrippendorffMetric, number | null>;
  gwetAC1: number | null;
  gwetAC2: Record<Exclude<WeightsKind, "identity">, number | null>;
}

const orNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/**
 * Every coefficient above for one matrix, as plain numbers (null where undefined). Intended
 * for the dashboard and exports; call the individual functions for p_a, p_e, D_o, D_e.
 */
export function agreementReport(matrix: RatingsMatrix, q: number): AgreementReport {
  return reportOf(tally(matrix, q));
}

/**
 * {@link agreementReport} of items given by their category counts, each row standing for
 * `items` items (for many items of few distinct count vectors, e.g. pairs grouped by their
 * labels in SQL). Equal to the report of the matrix those items make, up to rounding in the
 * last places (the sums run in another order).
 */
export function agreementReportOfCounts(rows: readonly CountsRow[], q: number): AgreementReport {
  return reportOf(tallyOfCounts(rows, q));
}

function reportOf(t: Tally): AgreementReport {
  const q = t.q;
  return {
    q,
    ...dataCounts(t),
    percentAgreement: orNull(percentAgreementOf(t, "identity").value),
    fleissKappa: orNull(fleissKappaOf(t).value),
    krippendorffAlpha: {
      nominal: orNull(krippendorffOf(t, "nominal").value),
      ordinal: orNull(krippendorffOf(t, "ordinal").value),
      interval: orNull(krippendorffOf(t, "interval").value),
    },
    gwetAC1: orNull(gwetOf(t, "identity").value),
    gwetAC2: {
      linear: orNull(gwetOf(t, "linear").value),
      quadratic: orNull(gwetOf(t, "quadratic").value),
      ordinal: orNull(gwetOf(t, "ordinal").value),
    },
  };
}

/**
 * Groups long-format labels (one per item × rater) into a ratings matrix with one row per
 * item (in first-seen order) and one column per rater (in first-seen order), null where a
 * rater did not label an item. Throws if a rater labelled the same item twice or a category
 * is not a non-negative integer (the range check against q happens in the coefficients).
 */
export function ratingsMatrixFromLabels<I, R>(
  labels: Iterable<{ item: I; rater: R; category: number }>,
): { matrix: (number | null)[][]; itemIds: I[]; raterIds: R[] } {
  const itemIndex = new Map<I, number>();
  const raterIndex = new Map<R, number>();
  const cells: { item: number; rater: number; category: number }[] = [];
  const seen = new Set<string>();
  for (const { item, rater, category } of labels) {
    if (typeof category !== "number" || !Number.isInteger(category) || category < 0) {
      throw new Error(`Label for item ${String(item)} by rater ${String(rater)} has category ${JSON.stringify(category)}: expected a non-negative integer.`);
    }
    if (!itemIndex.has(item)) itemIndex.set(item, itemIndex.size);
    if (!raterIndex.has(rater)) raterIndex.set(rater, raterIndex.size);
    const cell = { item: itemIndex.get(item)!, rater: raterIndex.get(rater)!, category };
    const key = `${cell.item}:${cell.rater}`;
    if (seen.has(key)) {
      throw new Error(`Rater ${String(rater)} labelled item ${String(item)} more than once.`);
    }
    seen.add(key);
    cells.push(cell);
  }
  const matrix = Array.from({ length: itemIndex.size }, () => new Array<number | null>(raterIndex.size).fill(null));
  for (const { item, rater, category } of cells) matrix[item]![rater] = category;
  return { matrix, itemIds: [...itemIndex.keys()], raterIds: [...raterIndex.keys()] };
}
