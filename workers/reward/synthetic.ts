// Bradley–Terry comparisons over synthetic feature vectors with a known true reward, for the
// trainer's tests and the benchmark's quality part. The features look like a language model's in
// the ways that matter to the trainer: each dimension has its own offset and scale (so the
// trainer's standardisation matters), and both responses of a pair share their prompt's component
// (which cancels in r_c − r_r, as the prompt does in a real pair).
import { STRENGTHS_BY_RANK, type Strength } from "../../server/preferences/vocabulary";
import { sigmoid } from "./loss";
import { createNormal, createRandom, deriveSeed } from "../../server/random/seeded";
import type { RewardPair } from "./train";

export type SyntheticPair = RewardPair & {
  /** r*(chosen) − r*(rejected) under the true reward; negative when the label went against it. */
  trueGap: number;
};

export type SyntheticOptions = {
  pairs: number;
  dims: number;
  seed?: number;
  /** Share held out, taken from the end. Default 0.1. */
  testFraction?: number;
  /** Standard deviation of the true reward gap between a pair's responses. Default 2. */
  gapScale?: number;
  /** Share of each response's variance that comes from its prompt. Default 0.5. */
  promptShare?: number;
  /**
   * Distinct responses to draw pairs from, for large `dims` where one vector per response would
   * not fit in memory; pairs then share responses (the prompt component is then not shared). Default: none.
   */
  responsePool?: number;
  /** Per-dimension offsets and log-scales; default spread 1 (0 gives standard normal features). */
  scaleSpread?: number;
  /** Sources to spread the pairs over round-robin, for per-source tables. Default ["synthetic"]. */
  sources?: string[];
};

export type SyntheticDataset = {
  train: SyntheticPair[];
  test: SyntheticPair[];
  dims: number;
  /** The true reward of a feature vector. */
  trueReward: (x: Float32Array) => number;
};

/**
 * Pairs whose label follows P(a preferred to b) = σ(r*(a) − r*(b)), with r* linear in the
 * features; strengths are the quartiles of |r*(a) − r*(b)| (largest quarter = significantly better).
 */
export function bradleyTerryDataset(options: SyntheticOptions): SyntheticDataset {
  const { pairs, dims } = options;
  const seed = options.seed ?? 0;
  const gapScale = options.gapScale ?? 2;
  const promptShare = options.promptShare ?? 0.5;
  const spread = options.scaleSpread ?? 1;
  const sources = options.sources ?? ["synthetic"];
  const normal = createNormal(createRandom(deriveSeed(seed, "synthetic")));
  const coin = createRandom(deriveSeed(seed, "labels"));

  const offset = Float64Array.from({ length: dims }, () => normal() * 3 * spread);
  const scale = Float64Array.from({ length: dims }, () => Math.exp(normal() * spread));
  const direction = Float64Array.from({ length: dims }, () => normal());
  const norm = Math.hypot(...direction);
  // z = (x − offset)/scale has unit variance per dimension; the gap's variance is
  // 2·(1 − promptShare)·|w|² for two answers to one prompt, so |w| is set for gapScale.
  const pairVariance = options.responsePool ? 2 : 2 * (1 - promptShare);
  const weight = Float64Array.from(direction, (d) => (d / norm) * (gapScale / Math.sqrt(pairVariance)));
  const trueReward = (x: Float32Array) => {
    let r = 0;
    for (let j = 0; j < dims; j++) r += weight[j]! * ((x[j]! - offset[j]!) / scale[j]!);
    return r;
  };
  const response = (prompt: Float64Array | null) => {
    const x = new Float32Array(dims);
    const own = prompt ? Math.sqrt(1 - promptShare) : 1;
    const shared = Math.sqrt(promptShare);
    for (let j = 0; j < dims; j++) x[j] = offset[j]! + scale[j]! * ((prompt ? shared * prompt[j]! : 0) + own * normal());
    return x;
  };

  const pool = options.responsePool ? Array.from({ length: options.responsePool }, () => response(null)) : null;
  const poolRewards = pool?.map(trueReward);
  const poolPick = createRandom(deriveSeed(seed, "pool"));
  const raw: { a: Float32Array; b: Float32Array; gap: number; source: string }[] = [];
  for (let i = 0; i < pairs; i++) {
    let a: Float32Array;
    let b: Float32Array;
    let gap: number;
    if (pool) {
      const ia = Math.floor(poolPick() * pool.length);
      let ib = Math.floor(poolPick() * (pool.length - 1));
      if (ib >= ia) ib++;
      a = pool[ia]!;
      b = pool[ib]!;
      gap = poolRewards![ia]! - poolRewards![ib]!;
    } else {
      const prompt = Float64Array.from({ length: dims }, () => normal());
      a = response(prompt);
      b = response(prompt);
      gap = trueReward(a) - trueReward(b);
    }
    raw.push({ a, b, gap, source: sources[i % sources.length]! });
  }

  const sorted = raw.map((r) => Math.abs(r.gap)).sort((x, y) => x - y);
  const quartile = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const cuts = [quartile(0.25), quartile(0.5), quartile(0.75)];
  const strengthOf = (gap: number): Strength => {
    const g = Math.abs(gap);
    const rank = g < cuts[0]! ? 0 : g < cuts[1]! ? 1 : g < cuts[2]! ? 2 : 3;
    return STRENGTHS_BY_RANK[rank]!;
  };

  const all: SyntheticPair[] = raw.map(({ a, b, gap, source }) => {
    const aWins = coin() < sigmoid(gap);
    return aWins
      ? { chosen: a, rejected: b, strength: strengthOf(gap), source, trueGap: gap }
      : { chosen: b, rejected: a, strength: strengthOf(gap), source, trueGap: -gap };
  });
  const testCount = Math.round(pairs * (options.testFraction ?? 0.1));
  return { train: all.slice(0, pairs - testCount), test: all.slice(pairs - testCount), dims, trueReward };
}
