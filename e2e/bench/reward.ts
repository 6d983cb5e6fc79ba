// `npm run bench -- reward`: the reward model against its limits, in two parts run one after the
// other: quality (reward-quality.ts: the trainer on Bradley–Terry data with a known true reward)
// and features (reward-features.ts, when present: the feature step of a training job on a real
// model). Last line: one JSON object built from both parts' results.
// BENCH_REWARD_SWEEP=1 runs the learning-rate × batch-size sweep instead (how the defaults were chosen).
import { benchRewardQuality, benchRewardSweep } from "./reward-quality";

/** What the features part returns: the embed_* keys of the last line. */
export type RewardFeaturesResult = {
  embed_job_tokens_per_s: number;
  embed_raw_tokens_per_s: number;
  embed_ratio: number;
  cached_rerun_speedup: number;
} & Record<string, unknown>;

// The features part is its own module, loaded only if it exists yet; its default export or
// `benchRewardFeatures` returns the embed_* figures.
async function features(): Promise<RewardFeaturesResult | null> {
  const specifier = "./reward-features";
  let mod: { benchRewardFeatures?: () => Promise<RewardFeaturesResult> };
  try {
    mod = (await import(/* @vite-ignore */ specifier)) as typeof mod;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" || /Cannot find module/.test(String(error))) {
      console.log("reward features: e2e/bench/reward-features.ts is not there yet; embed_* left null");
      return null;
    }
    throw error;
  }
  return mod.benchRewardFeatures ? mod.benchRewardFeatures() : null;
}

export async function benchReward(): Promise<void> {
  if (process.env.BENCH_REWARD_SWEEP === "1") {
    await benchRewardSweep();
    return;
  }
  const quality = await benchRewardQuality();
  const embed = await features();
  const { margins: _margins, ...qualityKeys } = quality;
  console.log(
    JSON.stringify({
      bench: "reward",
      ...qualityKeys,
      embed_job_tokens_per_s: embed?.embed_job_tokens_per_s ?? null,
      embed_raw_tokens_per_s: embed?.embed_raw_tokens_per_s ?? null,
      embed_ratio: embed?.embed_ratio ?? null,
      cached_rerun_speedup: embed?.cached_rerun_speedup ?? null,
      margins: quality.margins,
      ...(embed ? Object.fromEntries(Object.entries(embed).filter(([k]) => !k.startsWith("embed_") && k !== "cached_rerun_speedup")) : {}),
    }),
  );
}
