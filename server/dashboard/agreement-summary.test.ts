import { describe, expect, it } from "vitest";
import { summariseAgreement, type Label } from "./agreement-summary";

const label = (pairId: string, chosen: "A" | "B", strength: Label["strength"], protocol: Label["protocol"] = "HELPFULNESS"): Label => ({
  pairId,
  protocol,
  chosen,
  strength,
});

describe("agreement summary", () => {
  it("computes per protocol over pairs with two or more labels only", () => {
    const summaries = summariseAgreement([
      // p1: both say A better -> full agreement on both scales
      label("p1", "A", "BETTER"),
      label("p1", "A", "BETTER"),
      // p2: A vs B -> disagreement on both scales
      label("p2", "A", "SLIGHTLY_BETTER"),
      label("p2", "B", "SLIGHTLY_BETTER"),
      // p3: a single label carries no agreement information
      label("p3", "B", "BETTER"),
      // a safety pair where both agree
      label("s1", "B", "SIGNIFICANTLY_BETTER", "SAFETY"),
      label("s1", "B", "SIGNIFICANTLY_BETTER", "SAFETY"),
    ]);
    expect(summaries.map((s) => [s.protocol, s.pairs, s.labels])).toEqual([
      ["HELPFULNESS", 2, 4],
      ["SAFETY", 1, 2],
    ]);
    const helpfulness = summaries[0]!;
    // Two pairs, one in full agreement and one not: observed agreement 1/2 on both scales.
    expect(helpfulness.binary.percentAgreement).toBeCloseTo(0.5, 12);
    expect(helpfulness.preference.percentAgreement).toBeCloseTo(0.5, 12);
    // Binary: pi_A = (1 + 1/2)/2 = 0.75, pi_B = 0.25; AC1 p_e = 1/(2-1) * (0.75*0.25 + 0.25*0.75) = 0.375;
    // AC1 = (0.5 - 0.375) / (1 - 0.375) = 0.2.
    expect(helpfulness.binary.gwetAC1).toBeCloseTo(0.2, 12);
    expect(summaries[1]!.binary.percentAgreement).toBe(1);
  });

  it("returns nothing when no pair has two labels", () => {
    expect(summariseAgreement([label("p1", "A", "BETTER")])).toEqual([]);
  });
});

describe("agreement summary from the database", () => {
  it("reads only pairs labelled twice or more within the filters", async () => {
    const { prisma } = await import("../db/prisma");
    const { makeBatch } = await import("../testing/batches");
    const { makeAnnotators } = await import("../testing/fixtures");
    const { agreementSummary } = await import("./agreement-summary");
    const { pairIds } = await makeBatch({ pairs: 3, overlap: 2, protocol: (i) => (i === 2 ? "SAFETY" : "HELPFULNESS") });
    const [u1, u2] = await makeAnnotators(2);
    const add = (pairId: string, annotatorId: string, chosen: "A" | "B") =>
      prisma.comparison.create({ data: { pairId, annotatorId, chosen, strength: "BETTER", leftSide: "A", timeOnTaskMs: 1 } });
    await add(pairIds[0]!, u1!.id, "A");
    await add(pairIds[0]!, u2!.id, "A");
    await add(pairIds[1]!, u1!.id, "B"); // single label: no agreement information
    await add(pairIds[2]!, u1!.id, "A");
    await add(pairIds[2]!, u2!.id, "B");
    const all = await agreementSummary(prisma);
    expect(all.map((s) => [s.protocol, s.pairs, s.labels, s.binary.percentAgreement])).toEqual([
      ["HELPFULNESS", 1, 2, 1],
      ["SAFETY", 1, 2, 0],
    ]);
    expect((await agreementSummary(prisma, { protocol: "SAFETY" })).map((s) => s.protocol)).toEqual(["SAFETY"]);
  });
});
