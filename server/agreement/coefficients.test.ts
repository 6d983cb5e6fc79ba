// Every expected value below is a *published* value (package documentation, paper or
// textbook example), cited beside the test, compared to the number of decimals published.
// The one exception is marked "hand-computed" and has its arithmetic written out.
import { describe, expect, it } from "vitest";
import {
  agreementReport,
  agreementReportOfCounts,
  agreementWeights,
  fleissKappa,
  gwetAC1,
  gwetAC2,
  krippendorffAlpha,
  percentAgreement,
  ratingsMatrixFromLabels,
  type RatingsMatrix,
} from "./coefficients";
import { PREFERENCE_SCALE_SIZE, preferenceScalePoint } from "./scale";

const _ = null;

/** Shift 1-based category labels to 0-based indices, keeping missing ratings. */
const zeroBased = (m: (number | null)[][]): RatingsMatrix => m.map((row) => row.map((v) => (v === null ? null : v - 1)));

/** Expand a subject × category count table into one row of ratings per subject. */
const fromCounts = (table: number[][]): number[][] =>
  table.map((row) => row.flatMap((count, k) => new Array<number>(count).fill(k)));

/** Expand a 2-rater contingency table (rater 1 in rows, rater 2 in columns) into rating pairs. */
const fromContingency = (table: number[][]): number[][] =>
  table.flatMap((row, k) => row.flatMap((count, l) => Array.from({ length: count }, () => [k, l])));

// irrCAC dataset `cac.raw4raters`: 12 subjects × 4 raters, categories 1..5, no rater rated
// every subject (Gwet 2014, Handbook of Inter-Rater Reliability 4th ed., p. 120). Listed in
// the irrCAC README / overview vignette (https://github.com/kgwet/irrCAC, README.md,
// "Computing agreement coefficients from raw ratings"). It is the same data as
// Krippendorff's (2011) 4-observer × 12-unit example, transposed.
const RAW_4_RATERS = zeroBased([
  [1, 1, _, 1],
  [2, 2, 3, 2],
  [3, 3, 3, 3],
  [3, 3, 3, 3],
  [2, 2, 2, 2],
  [1, 2, 3, 4],
  [4, 4, 4, 4],
  [1, 1, 2, 1],
  [2, 2, 2, 2],
  [_, 5, 5, 5],
  [_, _, 1, 1],
  [_, _, 3, _],
]);

// Krippendorff, K. (2011), "Computing Krippendorff's Alpha-Reliability", Annenberg School
// for Communication, U. Pennsylvania (https://repository.upenn.edu/asc_papers/43/): the worked
// example with 4 observers (A-D) × 12 units and missing values, as printed (observers in rows).
const KRIPPENDORFF_2011 = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
  [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
];
const KRIPPENDORFF_2011_UNITS = zeroBased(KRIPPENDORFF_2011[0]!.map((_unit, j) => KRIPPENDORFF_2011.map((obs) => obs[j]!)));

// irrCAC dataset `distrib.6raters` (from Fleiss 1971): 6 psychiatrists × 15 patients, counts
// per diagnosis category (Depression, Personality Disorder, Schizophrenia, Neurosis, Other).
// irrCAC README, "Computing agreement coefficients from the distribution of raters by subject & category".
const DISTRIB_6_RATERS = fromCounts([
  [0, 0, 0, 6, 0],
  [0, 3, 0, 0, 3],
  [0, 1, 4, 0, 1],
  [0, 0, 0, 0, 6],
  [0, 3, 0, 3, 0],
  [2, 0, 4, 0, 0],
  [0, 0, 4, 0, 2],
  [2, 0, 3, 1, 0],
  [2, 0, 0, 4, 0],
  [0, 0, 0, 0, 6],
  [1, 0, 0, 5, 0],
  [1, 1, 0, 4, 0],
  [0, 3, 3, 0, 0],
  [1, 0, 0, 5, 0],
  [0, 2, 0, 3, 1],
]);

// irrCAC dataset `cont3x3abstractors`: 2 abstractors × 100 pregnant women, 3 categories
// (Ectopic, AIU, NIU), as a contingency table. irrCAC README, "Computing agreement
// Coefficients from Contingency tables".
const CONT_3X3_ABSTRACTORS = fromContingency([
  [13, 0, 0],
  [0, 20, 7],
  [0, 4, 56],
]);

describe("percent agreement", () => {
  it("matches irrCAC pa.coeff.raw(cac.raw4raters) = 0.8181818 (missing ratings)", () => {
    // irrCAC README: pa.coeff.raw(cac.raw4raters) → pa 0.8181818
    const r = percentAgreement(RAW_4_RATERS, 5);
    expect(r.value).toBeCloseTo(0.8181818, 7);
    expect(r.pe).toBe(0);
    expect(r).toMatchObject({ items: 11, ratedItems: 12, ratings: 41, weights: "identity" });
  });

  it("matches irrCAC pa.coeff.raw(cac.raw4raters, weights = 'quadratic') = 0.9753788", () => {
    // irrCAC vignette "Weighted Chance-corrected Agreement Coefficients" (vignettes/weighting),
    // section "Weighting for a dataset of raw ratings".
    expect(percentAgreement(RAW_4_RATERS, 5, "quadratic").value).toBeCloseTo(0.9753788, 7);
  });

  it("matches irrCAC on distrib.6raters (0.5511111) and cont3x3abstractors (0.89; quadratic 0.9725)", () => {
    // irrCAC README: gwet.ac1.dist(distrib.6raters) pa 0.5511111; pa2.table(cont3x3abstractors) 0.89.
    expect(percentAgreement(DISTRIB_6_RATERS, 5).value).toBeCloseTo(0.5511111, 7);
    expect(percentAgreement(CONT_3X3_ABSTRACTORS, 3).value).toBeCloseTo(0.89, 7);
    // irrCAC weighting vignette: pa2.table(cont3x3abstractors, quadratic.weights(1:3)) = 0.9725.
    expect(percentAgreement(CONT_3X3_ABSTRACTORS, 3, "quadratic").value).toBeCloseTo(0.9725, 7);
  });
});

describe("Fleiss' kappa", () => {
  it("matches Wikipedia's worked example: 10 subjects × 14 raters, 5 categories, κ = 0.210", () => {
    // https://en.wikipedia.org/wiki/Fleiss%27_kappa, "Worked example": P̄ = 0.378, P̄e = 0.213, κ = 0.210.
    const r = fleissKappa(
      fromCounts([
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
      ]),
      5,
    );
    expect(r.value).toBeCloseTo(0.21, 3);
    expect(r.pa).toBeCloseTo(0.378, 3);
    expect(r.pe).toBeCloseTo(0.213, 3);
  });

  it("matches irrCAC fleiss.kappa.dist(distrib.6raters) = 0.4139265 (pe 0.2340741)", () => {
    // irrCAC README, distribution-of-raters section.
    const r = fleissKappa(DISTRIB_6_RATERS, 5);
    expect(r.value).toBeCloseTo(0.4139265, 7);
    expect(r.pe).toBeCloseTo(0.2340741, 7);
  });

  it("matches irrCAC fleiss.kappa.raw(cac.raw4raters) = 0.76117 with missing ratings (pe 0.2387153)", () => {
    // irrCAC README, raw-ratings section: coeff.val 0.76117 (5 decimals), pe 0.2387153.
    const r = fleissKappa(RAW_4_RATERS, 5);
    expect(r.value).toBeCloseTo(0.76117, 5);
    expect(r.pa).toBeCloseTo(0.8181818, 7);
    expect(r.pe).toBeCloseTo(0.2387153, 7);
  });

  it("equals Scott's pi for two raters: irrCAC scott2.table(cont3x3abstractors) = 0.7962397", () => {
    // irrCAC README, contingency-table section (Fleiss' kappa with 2 raters is Scott's pi).
    expect(fleissKappa(CONT_3X3_ABSTRACTORS, 3).value).toBeCloseTo(0.7962397, 7);
  });
});

describe("Krippendorff's alpha", () => {
  it("matches Krippendorff (2011): nominal α = 0.743 on 4 observers × 12 units with missing values", () => {
    // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", 4-observer example: α_nominal = .743.
    const r = krippendorffAlpha(KRIPPENDORFF_2011_UNITS, 5, "nominal");
    expect(r.value).toBeCloseTo(0.743, 3);
    // 41 values, less unit 12's single (unpairable) value.
    expect(r).toMatchObject({ pairableRatings: 40, ratings: 41, items: 11, ratedItems: 12 });
  });

  it("matches Krippendorff (2011): ordinal α = 0.815 and interval α = 0.849 on the same data", () => {
    // Krippendorff (2011), same example, other metrics: α_ordinal = .815, α_interval = .849
    // (ratio .797 is not implemented). The ordinal value is also the one the `krippendorff`
    // Python package tests against (pln-fing-udelar/fast-krippendorff, tests/test_krippendorff.py).
    expect(krippendorffAlpha(KRIPPENDORFF_2011_UNITS, 5, "ordinal").value).toBeCloseTo(0.815, 3);
    expect(krippendorffAlpha(KRIPPENDORFF_2011_UNITS, 5, "interval").value).toBeCloseTo(0.849, 3);
  });

  it("matches irrCAC krippen.alpha.raw(cac.raw4raters) = 0.74342, quadratic 0.84911", () => {
    // irrCAC README (unweighted: coeff.val 0.74342) and weighting vignette (quadratic: 0.84911);
    // quadratic weights on equally spaced categories are Krippendorff's interval metric.
    expect(krippendorffAlpha(RAW_4_RATERS, 5, "nominal").value).toBeCloseTo(0.74342, 5);
    expect(krippendorffAlpha(RAW_4_RATERS, 5, "interval").value).toBeCloseTo(0.84911, 5);
  });

  it("matches irrCAC on complete data: distrib.6raters 0.4204384 (quadratic 0.259511), cont3x3abstractors 0.7972585 (quadratic 0.8926487)", () => {
    // irrCAC README (krippen.alpha.dist, krippen2.table) and weighting vignette (quadratic weights).
    expect(krippendorffAlpha(DISTRIB_6_RATERS, 5, "nominal").value).toBeCloseTo(0.4204384, 7);
    expect(krippendorffAlpha(DISTRIB_6_RATERS, 5, "interval").value).toBeCloseTo(0.259511, 6);
    expect(krippendorffAlpha(CONT_3X3_ABSTRACTORS, 3, "nominal").value).toBeCloseTo(0.7972585, 7);
    expect(krippendorffAlpha(CONT_3X3_ABSTRACTORS, 3, "interval").value).toBeCloseTo(0.8926487, 7);
  });

  it("matches the 3 coders × 15 units example (Wikipedia 'Krippendorff's alpha', computational example): nominal 0.691, interval 0.811", () => {
    // Values to 6 decimals as asserted by the `krippendorff` Python package's test suite
    // (pln-fing-udelar/fast-krippendorff, tests/test_krippendorff.py: 0.691358, 0.810845),
    // which uses this example; the article prints 0.691 and 0.811.
    const coders = [
      [_, _, _, _, _, 3, 4, 1, 2, 1, 1, 3, 3, _, 3],
      [1, _, 2, 1, 3, 3, 4, 3, _, _, _, _, _, _, _],
      [_, _, 2, 1, 3, 4, 4, _, 2, 1, 1, 3, 3, _, 4],
    ];
    const units = zeroBased(coders[0]!.map((_unit, j) => coders.map((c) => c[j]!)));
    expect(krippendorffAlpha(units, 4, "nominal").value).toBeCloseTo(0.691358, 6);
    expect(krippendorffAlpha(units, 4, "interval").value).toBeCloseTo(0.810845, 6);
  });
});

describe("Gwet's AC1", () => {
  it("matches irrCAC gwet.ac1.raw(cac.raw4raters) = 0.77544 with missing ratings (pa 0.8181818, pe 0.1903212)", () => {
    // irrCAC README, raw-ratings section.
    const r = gwetAC1(RAW_4_RATERS, 5);
    expect(r.value).toBeCloseTo(0.77544, 5);
    expect(r.pa).toBeCloseTo(0.8181818, 7);
    expect(r.pe).toBeCloseTo(0.1903212, 7);
    expect(gwetAC2(RAW_4_RATERS, 5, "identity").value).toBe(r.value);
  });

  it("matches irrCAC on distrib.6raters (0.4448007, pe 0.1914815) and cont3x3abstractors (0.8493305)", () => {
    // irrCAC README: gwet.ac1.dist(distrib.6raters), gwet.ac1.table(cont3x3abstractors).
    const r = gwetAC1(DISTRIB_6_RATERS, 5);
    expect(r.value).toBeCloseTo(0.4448007, 7);
    expect(r.pe).toBeCloseTo(0.1914815, 7);
    expect(gwetAC1(CONT_3X3_ABSTRACTORS, 3).value).toBeCloseTo(0.8493305, 7);
  });
});

describe("Gwet's AC2", () => {
  it("matches irrCAC gwet.ac1.raw(cac.raw4raters, weights = 'quadratic') = 0.914 (pa 0.9753788, pe 0.7137044)", () => {
    // irrCAC weighting vignette, "Weighting for a dataset of raw ratings": coeff.val 0.914
    // (0.91400 to the 5 decimals irrCAC rounds to).
    const r = gwetAC2(RAW_4_RATERS, 5, "quadratic");
    expect(r.value).toBeCloseTo(0.914, 5);
    expect(r.pa).toBeCloseTo(0.9753788, 7);
    expect(r.pe).toBeCloseTo(0.7137044, 7);
  });

  it("matches irrCAC quadratic AC2 on distrib.6raters (0.4837438) and cont3x3abstractors (0.9402369)", () => {
    // irrCAC weighting vignette: gwet.ac1.dist(distrib.6raters, quadratic) pa 0.8544444, pe 0.7180556;
    // gwet.ac1.table(cont3x3abstractors, quadratic) 0.9402369.
    const r = gwetAC2(DISTRIB_6_RATERS, 5, "quadratic");
    expect(r.value).toBeCloseTo(0.4837438, 7);
    expect(r.pa).toBeCloseTo(0.8544444, 7);
    expect(r.pe).toBeCloseTo(0.7180556, 7);
    expect(gwetAC2(CONT_3X3_ABSTRACTORS, 3, "quadratic").value).toBeCloseTo(0.9402369, 7);
  });

  it("matches irrCAC linear (0.859) and ordinal (0.899) AC2 on cac.raw4raters", () => {
    // Published by the irrCAC Python port's test suite, which reproduces the R package's output
    // (afergadis/irrCAC, test/unit/irrCAC/raw/test_gwet.py, 3 decimals):
    //   linear:  pa 0.939, pe 0.571, AC2 0.859;  ordinal: pa 0.968, pe 0.685, AC2 0.899.
    const linear = gwetAC2(RAW_4_RATERS, 5, "linear");
    expect([linear.pa, linear.pe, linear.value].map((v) => Number(v.toFixed(3)))).toEqual([0.939, 0.571, 0.859]);
    const ordinal = gwetAC2(RAW_4_RATERS, 5, "ordinal");
    expect([ordinal.pa, ordinal.pe, ordinal.value].map((v) => Number(v.toFixed(3)))).toEqual([0.968, 0.685, 0.899]);
  });
});

describe("weights", () => {
  it("match irrCAC's weight generators for 3 categories", () => {
    // irrCAC weighting vignette, "The different weights": linear 0.5, ordinal 0.6666667,
    // quadratic 0.75 between adjacent categories of 1:3.
    expect(agreementWeights(3, "identity")).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(agreementWeights(3, "linear")).toEqual([
      [1, 0.5, 0],
      [0.5, 1, 0.5],
      [0, 0.5, 1],
    ]);
    expect(agreementWeights(3, "quadratic")).toEqual([
      [1, 0.75, 0],
      [0.75, 1, 0.75],
      [0, 0.75, 1],
    ]);
    const ordinal = agreementWeights(3, "ordinal");
    expect(ordinal[0]![1]).toBeCloseTo(0.6666667, 7);
    expect(ordinal[0]![2]).toBe(0);
    expect(ordinal[1]![1]).toBe(1);
  });
});

describe("on the preference scale, 2-3 annotators per pair", () => {
  // Hand-computed (not a published value): three pairs on the 8-point scale.
  //   pair 1: three annotators, "A negligibly better", "B negligibly better" twice → [3, 4, 4]
  //   pair 2: two annotators, both "A significantly better"                         → [0, 0]
  //   pair 3: one annotator, "B significantly better"                                → [7]
  // Percent agreement over pairs with ≥ 2 labels: pair 1 has 2·1 agreeing ordered pairs of
  //   3·2 → 1/3; pair 2 → 1. p_a = (1/3 + 1)/2 = 2/3.
  // π over the 3 labelled pairs: π0 = 1/3, π3 = (1/3)/3 = 1/9, π4 = (2/3)/3 = 2/9, π7 = 1/3.
  // AC1: p_e = 1/(8−1) · Σ π(1−π) = 1/7 · (2/9 + 8/81 + 14/81 + 2/9) = 1/7 · 58/81 = 58/567;
  //   AC1 = (2/3 − 58/567)/(1 − 58/567) = (378 − 58)/(567 − 58) = 320/509.
  // Fleiss: p_e = Σ π² = (9 + 1 + 4 + 9)/81 = 23/81; κ = (54 − 23)/(81 − 23) = 31/58.
  // Krippendorff nominal: pair 1 (m−1 = 2) adds o_34 = o_43 = 1·2/2 = 1, o_44 = 2·1/2 = 1;
  //   pair 2 (m−1 = 1) adds o_00 = 2. n_0 = 2, n_3 = 1, n_4 = 2, n.. = 5.
  //   Σ_{c≠k} o_ck = 2; Σ_{c≠k} n_c n_k = 5² − (4 + 1 + 4) = 16; α = 1 − (5 − 1)·2/16 = 1/2.
  const labels = [
    { item: "pair-1", rater: "ann", category: preferenceScalePoint("A", "NEGLIGIBLY_BETTER_OR_UNSURE") },
    { item: "pair-1", rater: "bob", category: preferenceScalePoint("B", "NEGLIGIBLY_BETTER_OR_UNSURE") },
    { item: "pair-1", rater: "cy", category: preferenceScalePoint("B", "NEGLIGIBLY_BETTER_OR_UNSURE") },
    { item: "pair-2", rater: "bob", category: preferenceScalePoint("A", "SIGNIFICANTLY_BETTER") },
    { item: "pair-2", rater: "dee", category: preferenceScalePoint("A", "SIGNIFICANTLY_BETTER") },
    { item: "pair-3", rater: "ann", category: preferenceScalePoint("B", "SIGNIFICANTLY_BETTER") },
  ];

  it("builds a rater-per-column matrix from long-format labels", () => {
    const { matrix, itemIds, raterIds } = ratingsMatrixFromLabels(labels);
    expect(itemIds).toEqual(["pair-1", "pair-2", "pair-3"]);
    expect(raterIds).toEqual(["ann", "bob", "cy", "dee"]);
    expect(matrix).toEqual([
      [3, 4, 4, null],
      [null, 0, null, 0],
      [7, null, null, null],
    ]);
  });

  it("gives the hand-computed values, whichever layout the rows use", () => {
    const { matrix } = ratingsMatrixFromLabels(labels);
    const ragged = [[3, 4, 4], [0, 0], [7]];
    for (const m of [matrix, ragged]) {
      expect(percentAgreement(m, PREFERENCE_SCALE_SIZE).value).toBeCloseTo(2 / 3, 12);
      expect(gwetAC1(m, PREFERENCE_SCALE_SIZE).value).toBeCloseTo(320 / 509, 12);
      expect(fleissKappa(m, PREFERENCE_SCALE_SIZE).value).toBeCloseTo(31 / 58, 12);
      expect(krippendorffAlpha(m, PREFERENCE_SCALE_SIZE).value).toBeCloseTo(0.5, 12);
    }
  });

  it("rejects a rater labelling the same pair twice", () => {
    expect(() => ratingsMatrixFromLabels([...labels, { item: "pair-2", rater: "dee", category: 1 }])).toThrow(
      /Rater dee labelled item pair-2 more than once/,
    );
  });
});

describe("agreementReport", () => {
  it("collects every coefficient, matching the published values on cac.raw4raters", () => {
    const report = agreementReport(RAW_4_RATERS, 5);
    expect(report).toMatchObject({ q: 5, items: 11, ratedItems: 12, ratings: 41 });
    expect(report.percentAgreement).toBeCloseTo(0.8181818, 7); // irrCAC README
    expect(report.fleissKappa).toBeCloseTo(0.76117, 5); // irrCAC README
    expect(report.gwetAC1).toBeCloseTo(0.77544, 5); // irrCAC README
    expect(report.gwetAC2.quadratic).toBeCloseTo(0.914, 5); // irrCAC weighting vignette
    expect(report.krippendorffAlpha.nominal).toBeCloseTo(0.743, 3); // Krippendorff (2011)
    expect(report.krippendorffAlpha.ordinal).toBeCloseTo(0.815, 3); // Krippendorff (2011)
    expect(report.krippendorffAlpha.interval).toBeCloseTo(0.849, 3); // Krippendorff (2011)
    expect(report.gwetAC2.linear).toBeCloseTo(0.859, 3); // afergadis/irrCAC tests
    expect(report.gwetAC2.ordinal).toBeCloseTo(0.899, 3); // afergadis/irrCAC tests
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it("reports undefined coefficients as null", () => {
    const report = agreementReport([[2], [5], [null, 1]], 8);
    expect(report).toEqual({
      q: 8,
      items: 0,
      ratedItems: 3,
      ratings: 3,
      percentAgreement: null,
      fleissKappa: null,
      krippendorffAlpha: { nominal: null, ordinal: null, interval: null },
      gwetAC1: null,
      gwetAC2: { linear: null, quadratic: null, ordinal: null },
    });
  });
});

describe("edge cases", () => {
  it("all raters agree → AC1 = 1 and percent agreement = 1", () => {
    const m = [[2, 2, 2], [5, 5], [0, 0, null]];
    expect(gwetAC1(m, 8).value).toBe(1);
    expect(percentAgreement(m, 8).value).toBe(1);
    expect(gwetAC2(m, 8, "quadratic").value).toBe(1);
    expect(fleissKappa(m, 8).value).toBe(1);
    expect(krippendorffAlpha(m, 8, "ordinal").value).toBe(1);
  });

  it("every rating in one category → AC1 = 1 while kappa and alpha are undefined (the kappa paradox, METHOD.md §5)", () => {
    const m = [[3, 3], [3, 3, 3], [3]];
    expect(gwetAC1(m, 8)).toMatchObject({ value: 1, pa: 1, pe: 0 });
    expect(fleissKappa(m, 8).value).toBeNaN();
    expect(krippendorffAlpha(m, 8).value).toBeNaN();
  });

  it("a single rating per item → every coefficient is NaN, without throwing", () => {
    const m = [[1, null, null], [null, 4, null], [null, null, 6]];
    for (const r of [
      percentAgreement(m, 8),
      fleissKappa(m, 8),
      gwetAC1(m, 8),
      gwetAC2(m, 8, "linear"),
      krippendorffAlpha(m, 8, "nominal"),
      krippendorffAlpha(m, 8, "interval"),
    ]) {
      expect(r.value).toBeNaN();
      expect(r.items).toBe(0);
      expect(r.ratedItems).toBe(3);
    }
  });

  it("an empty matrix, or items nobody rated, give NaN", () => {
    expect(gwetAC1([], 2).value).toBeNaN();
    expect(fleissKappa([[null, null], []], 2).value).toBeNaN();
    expect(krippendorffAlpha([[undefined, undefined]], 2).value).toBeNaN();
    expect(percentAgreement([], 2)).toMatchObject({ items: 0, ratedItems: 0, ratings: 0 });
  });

  it("treats undefined and holes in sparse rows as missing", () => {
    const sparse: (number | null)[] = [];
    sparse[2] = 1;
    sparse[5] = 1;
    expect(percentAgreement([sparse, [0, undefined, 0]], 2)).toMatchObject({ value: 1, items: 2, ratings: 4 });
  });

  it("does not depend on the order of ratings within an item", () => {
    const shuffled = RAW_4_RATERS.map((row) => [...row].reverse());
    expect(agreementReport(shuffled, 5)).toEqual(agreementReport(RAW_4_RATERS, 5));
  });

  it("throws on categories out of range or not integers", () => {
    expect(() => gwetAC1([[0, 8]], 8)).toThrow("Rating at item 0, slot 1 is 8: expected an integer category 0..7 or null.");
    expect(() => gwetAC1([[0, 1], [-1, 1]], 8)).toThrow(/item 1, slot 0 is -1/);
    expect(() => fleissKappa([[1.5, 1]], 8)).toThrow(/is 1.5/);
    expect(() => krippendorffAlpha([[Number.NaN, 1]], 8)).toThrow(/expected an integer category/);
    expect(() => percentAgreement([["1" as unknown as number, 1]], 8)).toThrow(/is "1"/);
  });

  it("throws on malformed matrices, q, weights or metric", () => {
    expect(() => gwetAC1("nope" as unknown as RatingsMatrix, 8)).toThrow(/must be an array of rows/);
    expect(() => gwetAC1([[0, 1], 3 as unknown as number[]], 8)).toThrow(/row 1 must be an array/);
    expect(() => gwetAC1([[0, 0]], 1)).toThrow(/integer ≥ 2, got 1/);
    expect(() => gwetAC1([[0, 0]], 2.5)).toThrow(/integer ≥ 2, got 2.5/);
    expect(() => gwetAC2([[0, 0]], 3, "cubic" as "linear")).toThrow(/Unknown weights kind "cubic"/);
    expect(() => krippendorffAlpha([[0, 0]], 3, "ratio" as "nominal")).toThrow(/Unknown Krippendorff metric "ratio"/);
    expect(() => ratingsMatrixFromLabels([{ item: 1, rater: 1, category: -2 }])).toThrow(/non-negative integer/);
  });
});

describe("from category counts", () => {
  it("gives the report of the matrix its rows stand for, items with the same counts given once with their number", () => {
    // Items as ratings on the 8-point scale, some repeated, with 2 to 4 ratings each.
    const items = [[0, 0, 7], [3, 4], [3, 4], [1, 1, 1, 2], [6, 7], [3, 4], [0, 0, 7], [5, 5]];
    const rows = [
      { counts: [2, 0, 0, 0, 0, 0, 0, 1], items: 2 },
      { counts: [0, 0, 0, 1, 1, 0, 0, 0], items: 3 },
      { counts: [0, 3, 1, 0, 0, 0, 0, 0], items: 1 },
      { counts: [0, 0, 0, 0, 0, 0, 1, 1], items: 1 },
      { counts: [0, 0, 0, 0, 0, 2, 0, 0], items: 1 },
      { counts: [0, 0, 0, 0, 0, 0, 0, 0], items: 4 },
    ];
    const fromCounts = agreementReportOfCounts(rows, 8);
    const fromMatrix = agreementReport(items, 8);
    expect({ items: fromCounts.items, ratedItems: fromCounts.ratedItems, ratings: fromCounts.ratings }).toEqual({ items: 8, ratedItems: 8, ratings: 20 });
    const flat = (r: typeof fromCounts) => [r.percentAgreement, r.fleissKappa, r.gwetAC1, ...Object.values(r.krippendorffAlpha), ...Object.values(r.gwetAC2)];
    flat(fromCounts).forEach((v, i) => expect(v).toBeCloseTo(flat(fromMatrix)[i]!, 12));
  });

  it("throws on rows of the wrong length or counts that are not whole", () => {
    expect(() => agreementReportOfCounts([{ counts: [1, 1], items: 1 }], 8)).toThrow(/8 non-negative integer counts/);
    expect(() => agreementReportOfCounts([{ counts: [1.5, 1], items: 1 }], 2)).toThrow(/Counts row 0/);
  });
});
