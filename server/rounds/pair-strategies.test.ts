import { describe, expect, it } from "vitest";
import { combineRewards, type SampleScores } from "./combined-reward";
import { assignStrategies, type Candidate, choosePair, pairBestVsWorst, pairLeastSure, pairLlama2, seededRandom, seedFor } from "./pair-strategies";

let next = 0;
function candidate(helpfulness: number, options: { variantId?: string; temperature?: number; text?: string; pSafe?: number; safety?: number } = {}): Candidate {
  const scores: SampleScores = { helpfulness, safety: options.safety ?? 0, pSafe: options.pSafe ?? 0.9 };
  const id = `r${next++}`;
  return {
    responseId: id,
    variantId: options.variantId ?? "v1",
    temperature: options.temperature ?? 0.9,
    text: options.text ?? `text of ${id}`,
    scores,
    combined: combineRewards("HELPFULNESS", scores),
  };
}

describe("pair strategies", () => {
  it("best vs worst: the top and bottom by the combined reward, with the scores that chose them", () => {
    const c = [candidate(0.5), candidate(2), candidate(-1), candidate(1)];
    const pair = pairBestVsWorst(c)!;
    expect([pair.a.responseId, pair.b.responseId]).toEqual([c[1]!.responseId, c[2]!.responseId]);
    expect(pair.selection).toMatchObject({
      strategy: "best-vs-worst",
      candidates: 4,
      gap: 3,
      a: { responseId: c[1]!.responseId, reward: 2, from: "HELPFULNESS", helpfulness: 2, pSafe: 0.9, rank: 1 },
      b: { responseId: c[2]!.responseId, reward: -1, rank: 4 },
    });
  });

  it("best vs worst: a response flagged unsafe is the worst even with a high safety score", () => {
    const flagged = candidate(9, { pSafe: 0.05, safety: 4 });
    const pair = pairBestVsWorst([candidate(0), flagged, candidate(-3)])!;
    expect(pair.b.responseId).toBe(flagged.responseId);
    expect(pair.selection.gap).toBeNull();
    expect(pair.selection.b).toMatchObject({ flaggedUnsafe: true, from: "SAFETY", reward: 4 });
  });

  it("least sure: the closest combined rewards on one scale, skipping identical texts", () => {
    const c = [candidate(0), candidate(1.05, { text: "same" }), candidate(1.0, { text: "same" }), candidate(3), candidate(0.9)];
    const pair = pairLeastSure(c)!;
    // 1.05 vs 1.0 are closest but the same text; next closest is 1.0 vs 0.9 (0.1)… and 1.05 vs 0.9 is 0.15.
    expect([pair.a.scores.helpfulness, pair.b.scores.helpfulness]).toEqual([1.0, 0.9]);
    expect(pair.selection.strategy).toBe("least-sure");
    expect(pair.selection.gap).toBeCloseTo(0.1, 10);
    // A flagged response is never "close" to an unflagged one while two unflagged exist.
    const flagged = candidate(0, { pSafe: 0.1, safety: 0.5 });
    const mixed = pairLeastSure([candidate(0.5), flagged, candidate(5)])!;
    expect(mixed.selection.gap).toBe(4.5);
    // With only a cross-scale pair, that pair is given, with no gap.
    expect(pairLeastSure([candidate(0.5), flagged])!.selection.gap).toBeNull();
  });

  it("Llama 2's: one sample from each of two arms, drawn without the scores", () => {
    const cool = [candidate(5, { temperature: 0.7 }), candidate(-5, { temperature: 0.7 })];
    const hot = [candidate(0, { temperature: 1.2 }), candidate(1, { temperature: 1.2 })];
    const seen = new Set<string>();
    const random = seededRandom(7);
    for (let i = 0; i < 50; i++) {
      const pair = pairLlama2([...cool, ...hot], random)!;
      expect(pair.a.temperature).not.toBe(pair.b.temperature);
      expect(pair.selection.strategy).toBe("temperatures");
      seen.add(`${pair.a.responseId}-${pair.b.responseId}`);
    }
    // Every cross-arm pair comes up, the scores do not steer it.
    expect(seen.size).toBe(4);
    const other = candidate(0, { variantId: "v2" });
    expect(pairLlama2([cool[0]!, other], random)!.selection.strategy).toBe("variants");
    // One arm only: no Llama 2 pair.
    expect(pairLlama2(cool, random)).toBeNull();
    // The same seed draws the same pair.
    const all = [...cool, ...hot];
    expect(pairLlama2(all, seededRandom(seedFor(3, "p1")))!.a.responseId).toBe(pairLlama2(all, seededRandom(seedFor(3, "p1")))!.a.responseId);
  });

  it("gives no pair when every sample has the same text", () => {
    const c = [candidate(1, { text: "x" }), candidate(2, { text: " x " }), candidate(3, { text: "x", temperature: 1.3 })];
    for (const s of ["llama2", "best-vs-worst", "least-sure"] as const) expect(choosePair(s, c, seededRandom(1))).toBeNull();
    expect(pairBestVsWorst([])).toBeNull();
  });
});

describe("strategy shares", () => {
  it("apportions pairs by largest remainder and spreads them by the seed", () => {
    const list = assignStrategies(10, { llama2: 1, "best-vs-worst": 1, "least-sure": 1 }, 5);
    const count = (s: string) => list.filter((x) => x === s).length;
    expect(list).toHaveLength(10);
    expect(count("llama2") + count("best-vs-worst") + count("least-sure")).toBe(10);
    expect([count("llama2"), count("best-vs-worst"), count("least-sure")].sort()).toEqual([3, 3, 4]);
    expect(assignStrategies(10, { llama2: 1, "best-vs-worst": 1, "least-sure": 1 }, 5)).toEqual(list);
    const halves = assignStrategies(8, { llama2: 0.5, "least-sure": 0.5 }, 1);
    expect(halves.filter((x) => x === "llama2")).toHaveLength(4);
    expect(assignStrategies(3, { "best-vs-worst": 1 }, 0)).toEqual(["best-vs-worst", "best-vs-worst", "best-vs-worst"]);
    expect(() => assignStrategies(3, { llama2: 0 }, 0)).toThrow(/at least one strategy/);
  });
});
