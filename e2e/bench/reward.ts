// `npm run bench -- reward`: the reward model against its limits, in two parts run one after the
// other: quality (reward-quality.ts: the trainer on Bradley–Terry data with a known true reward)
// and features (reward-features.ts: the feature step of a training job on a real model). Last
// line: one JSON object built from both parts' results. BENCH_REWARD_PARTS=quality (or features)
// runs one part only; the other's keys are then null.
// BENCH_REWARD_SWEEP=1 runs the learning-rate × batch-size sweep instead (how the defaults were chosen).
import { benchRewardFeatures } from "./reward-features";
import { benchRewardQuality, benchRewardSweep } from "./reward-quality";

/** What the features part returns: the embed_* keys of the last line. */
export type RewardFeaturesResult = {
  embed_job_tokens_per_s: number;
  embed_raw_tokens_per_s: number;
  embed_ratio: number;
  cached_rerun_speedup: number;
} & Record<string, unknown>;

const QUALITY_KEYS = [
  "pairs", "dims", "accuracy", "accuracy_by_strength", "expected_accuracy", "bayes_accuracy", "ratio",
  "test_nll", "true_nll", "train_pairs_per_s", "train_pairs_per_s_4096", "backend",
] as const;

export async function benchReward(): Promise<void> {
  if (process.env.BENCH_REWARD_SWEEP === "1") {
    await benchRewardSweep();
    return;
  }
  const parts = (process.env.BENCH_REWARD_PARTS ?? "quality,features").split(",").map((p) => p.trim());
  for (const part of parts) if (part !== "quality" && part !== "features") throw new Error(`BENCH_REWARD_PARTS: unknown part "${part}" (quality, features).`);
  const quality = parts.includes("quality") ? await benchRewardQuality() : null;
  const embed = parts.includes("features") ? await benchRewardFeatures() : null;
  const { margins, ...qualityKeys } = quality ?? { margins: null };
  const nullQuality = Object.fromEntries(QUALITY_KEYS.map((k) => [k, null]));
  console.log(
    JSON.stringify({
      bench: "reward",
      ...(quality ? qualityKeys : nullQuality),
      embed_job_tokens_per_s: embed?.embed_job_tokens_per_s ?? null,
      embed_raw_tokens_per_s: embed?.embed_raw_tokens_per_s ?? null,
      embed_ratio: embed?.embed_ratio ?? null,
      cached_rerun_speedup: embed?.cached_rerun_speedup ?? null,
      margins,
      ...(embed ? Object.fromEntries(Object.entries(embed).filter(([k]) => !k.startsWith("embed_") && k !== "cached_rerun_speedup")) : {}),
    }),
  );
}
