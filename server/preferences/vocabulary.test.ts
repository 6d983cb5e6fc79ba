import { Protocol, SafetyLabel, Side, Strength } from "@prisma/client";
import { describe, expect, it } from "vitest";
import {
  PROTOCOL_VALUES,
  SAFETY_LABEL_VALUES,
  SIDE_VALUES,
  STRENGTH_VALUES,
  STRENGTHS,
  STRENGTHS_BY_RANK,
  marginOf,
  safetyLabelByKey,
  sqlMargin,
  sqlStrengthRank,
  strengthByKey,
} from "./vocabulary";

describe("the preference vocabulary", () => {
  it("has exactly the values of the Prisma enums", () => {
    expect([...STRENGTH_VALUES].sort()).toEqual(Object.values(Strength).sort());
    expect([...SAFETY_LABEL_VALUES].sort()).toEqual(Object.values(SafetyLabel).sort());
    expect([...PROTOCOL_VALUES].sort()).toEqual(Object.values(Protocol).sort());
    expect([...SIDE_VALUES].sort()).toEqual(Object.values(Side).sort());
    expect(STRENGTHS.map((s) => s.value)).toEqual([...STRENGTH_VALUES]);
  });

  it("orders the strengths strongest first, with Llama 2's margins (METHOD.md §2)", () => {
    expect(STRENGTHS.map((s) => s.rank)).toEqual([4, 3, 2, 1]);
    expect(STRENGTHS_BY_RANK).toEqual(["NEGLIGIBLY_BETTER_OR_UNSURE", "SLIGHTLY_BETTER", "BETTER", "SIGNIFICANTLY_BETTER"]);
    expect(STRENGTHS.map((s) => marginOf(s.value, "small"))).toEqual([1, 2 / 3, 1 / 3, 0]);
    expect(STRENGTHS.map((s) => marginOf(s.value, "large"))).toEqual([3, 2, 1, 0]);
    expect(STRENGTHS.map((s) => marginOf(s.value, "none"))).toEqual([0, 0, 0, 0]);
  });

  it("gives each strength and safety label its own key", () => {
    expect(Object.keys(strengthByKey)).toEqual(["1", "2", "3", "4"]);
    expect(safetyLabelByKey).toEqual({ q: "CHOSEN_SAFE_OTHER_UNSAFE", w: "BOTH_SAFE", e: "BOTH_UNSAFE" });
  });

  it("generates SQL from the same table", () => {
    expect(sqlStrengthRank("c.strength")).toBe(
      "CASE c.strength WHEN 'SIGNIFICANTLY_BETTER' THEN 4 WHEN 'BETTER' THEN 3 WHEN 'SLIGHTLY_BETTER' THEN 2 WHEN 'NEGLIGIBLY_BETTER_OR_UNSURE' THEN 1 END",
    );
    expect(sqlMargin("x", "large")).toContain("WHEN 'BETTER' THEN 2 ");
  });
});
