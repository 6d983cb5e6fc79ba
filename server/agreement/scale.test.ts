import { describe, expect, it } from "vitest";
import {
  BINARY_CATEGORIES,
  BINARY_SCALE_SIZE,
  PREFERENCE_SCALE_CATEGORIES,
  PREFERENCE_SCALE_SIZE,
  STRENGTHS,
  binaryChoice,
  preferenceFromScalePoint,
  preferenceScalePoint,
  type Side,
  type Strength,
} from "./scale";

describe("preference scale", () => {
  it("has 8 ordered points from A significantly better to B significantly better", () => {
    expect(PREFERENCE_SCALE_SIZE).toBe(8);
    expect(PREFERENCE_SCALE_CATEGORIES).toEqual([
      "A significantly better",
      "A better",
      "A slightly better",
      "A negligibly better / unsure",
      "B negligibly better / unsure",
      "B slightly better",
      "B better",
      "B significantly better",
    ]);
  });

  it("maps side and strength to the category index", () => {
    expect(preferenceScalePoint("A", "SIGNIFICANTLY_BETTER")).toBe(0);
    expect(preferenceScalePoint("A", "BETTER")).toBe(1);
    expect(preferenceScalePoint("A", "SLIGHTLY_BETTER")).toBe(2);
    expect(preferenceScalePoint("A", "NEGLIGIBLY_BETTER_OR_UNSURE")).toBe(3);
    expect(preferenceScalePoint("B", "NEGLIGIBLY_BETTER_OR_UNSURE")).toBe(4);
    expect(preferenceScalePoint("B", "SLIGHTLY_BETTER")).toBe(5);
    expect(preferenceScalePoint("B", "BETTER")).toBe(6);
    expect(preferenceScalePoint("B", "SIGNIFICANTLY_BETTER")).toBe(7);
  });

  it("is a bijection whose names agree with the category list", () => {
    const points = new Set<number>();
    for (const chosen of ["A", "B"] as const) {
      for (const strength of STRENGTHS) {
        const p = preferenceScalePoint(chosen, strength);
        points.add(p);
        expect(preferenceFromScalePoint(p)).toEqual({ chosen, strength });
        expect(PREFERENCE_SCALE_CATEGORIES[p]!.startsWith(`${chosen} `)).toBe(true);
      }
    }
    expect([...points].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("rejects unknown sides, strengths and points", () => {
    expect(() => preferenceScalePoint("C" as Side, "BETTER")).toThrow(/Unknown side "C"/);
    expect(() => preferenceScalePoint("A", "MUCH_BETTER" as Strength)).toThrow(/Unknown strength "MUCH_BETTER"/);
    expect(() => preferenceFromScalePoint(8)).toThrow(/out of range/);
    expect(() => preferenceFromScalePoint(-1)).toThrow(/out of range/);
    expect(() => preferenceFromScalePoint(1.5)).toThrow(/out of range/);
  });
});

describe("binary choice", () => {
  it("maps A to 0 and B to 1", () => {
    expect(BINARY_SCALE_SIZE).toBe(2);
    expect(BINARY_CATEGORIES).toEqual(["A", "B"]);
    expect(binaryChoice("A")).toBe(0);
    expect(binaryChoice("B")).toBe(1);
    expect(() => binaryChoice("LEFT" as Side)).toThrow(/Unknown side/);
  });
});
