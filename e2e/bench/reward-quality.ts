// The quality part of `npm run bench -- reward`: the project's trainer (workers/reward/train.ts)
// at its defaults on Bradley–Terry comparisons with a known true reward, against the limit that
// reward sets. 20,000 pairs of 256-dimensional features, split 90/10, strengths from the quartiles
// of the true reward gap (synthetic.ts). The model is judged by its expected accuracy, the mean of
// σ(true gap) in the direction it ranks each test pair, which has none of the noise of sampled
// labels; the Bayes-optimal accuracy is the mean of max(p, 1 − p), p = σ(true gap). Then the same
// at 4,096 dimensions (Llama 2 7B's hidden size) for speed, over a pool of shared responses.
//
// BENCH_REWARD_SWEEP=1 instead sweeps the learning rate and batch size (how the defaults were chosen).
import { STRENGTHS, type MarginKind, type Strength } from "../../server/preferences/vocabulary";
import { evaluatePairs, scorePairs } from "../../workers/reward/evaluate";
import { rankingLoss, sigmoid } from "../../workers/reward/loss";
import { bradleyTerryDataset, type SyntheticPair } from "../../workers/reward/synthetic";
import { loadTensorflow } from "../../workers/reward/tf-backend";
import { DEFAULT_BATCH_SIZE, defaultLearningRate, rewardTrainingSettingsSchema, trainRewardHead } from "../../workers/reward/train";

const PAIRS = Number(process.env.BENCH_REWARD_PAIRS ?? 20_000);
const DIMS = 256;
const SPEED_DIMS = 4096;
const SPEED_PAIRS = Number(process.env.BENCH_REWARD_SPEED_PAIRS ?? 20_000);
const SEED = Number(process.env.BENCH_REWARD_SEED ?? 1);

export type RewardQualityResult = {
  pairs: number;
  dims: number;
  accuracy: number;
  accuracy_by_strength: Record<string, number | null>;
  expected_accuracy: number;
  bayes_accuracy: number;
  ratio: number;
  test_nll: number;
  true_nll: number;
  margins: Record<MarginKind, { expected_accuracy: number; ratio: number; test_nll: number; accuracy_by_strength: Record<string, number | null> }>;
  train_pairs_per_s: number;
  train_pairs_per_s_4096: number;
  backend: string;
};

type Judged = {
  accuracy: number;
  byStrength: Record<string, number | null>;
  expected: number;
  nll: number;
};

function judge(test: readonly SyntheticPair[], scores: { scoreChosen: number; scoreRejected: number; strength: Strength }[]): Judged {
  let expected = 0;
  for (let i = 0; i < test.length; i++) {
    const d = scores[i]!.scoreChosen - scores[i]!.scoreRejected;
    const p = sigmoid(test[i]!.trueGap);
    expected += d > 0 ? p : d < 0 ? 1 - p : 0.5;
  }
  const evaluation = evaluatePairs(scores);
  return {
    accuracy: evaluation.overall.accuracy!,
    byStrength: Object.fromEntries(evaluation.byStrength.map((s) => [s.strength, s.accuracy])),
    expected: expected / test.length,
    nll: evaluation.nll!,
  };
}

function limits(test: readonly SyntheticPair[]) {
  let bayes = 0;
  let nll = 0;
  for (const pair of test) {
    const p = sigmoid(pair.trueGap);
    bayes += Math.max(p, 1 - p);
    nll += rankingLoss(pair.trueGap, 0);
  }
  return { bayes: bayes / test.length, nll: nll / test.length };
}

const fmt = (x: number, digits = 4) => x.toFixed(digits);
const strengthLine = (byStrength: Record<string, number | null>) =>
  STRENGTHS.map((s) => `${s.name.toLowerCase()} ${byStrength[s.value] === null ? "–" : fmt(100 * byStrength[s.value]!, 1)}`).join(", ");

async function sweep() {
  const data = bradleyTerryDataset({ pairs: PAIRS, dims: DIMS, seed: SEED });
  const { bayes } = limits(data.test);
  console.log(`sweep: ${PAIRS} pairs × ${DIMS} dims, bayes ${fmt(bayes)}`);
  const rates = (process.env.BENCH_REWARD_SWEEP_LRS ?? "1e-3,3e-3,1e-2,3e-2,1e-1").split(",").map(Number);
  const batches = (process.env.BENCH_REWARD_SWEEP_BATCHES ?? "32,64,128,512").split(",").map(Number);
  const dims = Number(process.env.BENCH_REWARD_SWEEP_DIMS ?? DIMS);
  // Above 256 dimensions the pairs share a pool of responses, as the speed run's do, to fit in memory.
  const sweepData = dims === DIMS ? data : bradleyTerryDataset({ pairs: PAIRS, dims, seed: SEED, responsePool: 4000 });
  const sweepBayes = limits(sweepData.test).bayes;
  if (dims !== DIMS) console.log(`  at ${dims} dims: bayes ${fmt(sweepBayes)}`);
  for (const batchSize of batches) {
    for (const learningRate of rates) {
      const { head, seconds } = await trainRewardHead(sweepData.train, { settings: { learningRate, batchSize, seed: SEED } });
      const judged = judge(sweepData.test, scorePairs(head, sweepData.test));
      console.log(
        `  dims ${dims} batch ${batchSize} lr ${learningRate}: ratio ${fmt(judged.expected / sweepBayes)} nll ${fmt(judged.nll)} (${fmt(seconds, 1)} s)`,
      );
    }
  }
}

export async function benchRewardQuality(): Promise<RewardQualityResult> {
  const { backend } = await loadTensorflow();
  console.log(`reward quality: ${PAIRS} Bradley–Terry pairs × ${DIMS} dims, seed ${SEED}, backend ${backend}`);
  const defaultMargin = rewardTrainingSettingsSchema.parse({}).margin;
  console.log(
    `  defaults: linear head, margin ${defaultMargin}, lr ${defaultLearningRate(DIMS)} (0.16/√dims), batch ${DEFAULT_BATCH_SIZE}, ` +
      `1 epoch, cosine to 10%, warmup 3% (≥ 5)`,
  );
  const data = bradleyTerryDataset({ pairs: PAIRS, dims: DIMS, seed: SEED });
  const limit = limits(data.test);
  console.log(`  ${data.train.length} train / ${data.test.length} test; bayes accuracy ${fmt(limit.bayes)}, true NLL ${fmt(limit.nll)}`);

  // Warm-up (the WASM module's compilation, V8's JIT), so that pairs/s is the trainer's own.
  await trainRewardHead(data.train.slice(0, 2000), { settings: { seed: SEED } });

  const margins = {} as RewardQualityResult["margins"];
  let defaults: (Judged & { pairsPerSecond: number }) | null = null;
  for (const margin of ["none", "small", "large"] as const) {
    const trained = await trainRewardHead(data.train, { settings: { seed: SEED, margin } });
    const judged = judge(data.test, scorePairs(trained.head, data.test));
    margins[margin] = {
      expected_accuracy: judged.expected,
      ratio: judged.expected / limit.bayes,
      test_nll: judged.nll,
      accuracy_by_strength: judged.byStrength,
    };
    console.log(
      `  margin ${margin}: expected accuracy ${fmt(judged.expected)} (ratio ${fmt(judged.expected / limit.bayes)}), ` +
        `sampled ${fmt(judged.accuracy)}, test NLL ${fmt(judged.nll)}; ${fmt(trained.pairsPerSecond, 0)} pairs/s`,
    );
    console.log(`    by strength: ${strengthLine(judged.byStrength)}`);
    if (margin === defaultMargin) defaults = { ...judged, pairsPerSecond: trained.pairsPerSecond };
  }

  // 2,000 distinct responses (33 MB) shared by the pairs: one vector per response would need 650 MB.
  const speedData = bradleyTerryDataset({ pairs: SPEED_PAIRS, dims: SPEED_DIMS, seed: SEED, responsePool: 2000, testFraction: 0 });
  const speed = await trainRewardHead(speedData.train, { settings: { seed: SEED } });
  console.log(`  ${SPEED_DIMS} dims: ${speedData.train.length} pairs in ${fmt(speed.seconds, 2)} s, ${fmt(speed.pairsPerSecond, 0)} pairs/s`);

  const d = defaults!;
  return {
    pairs: PAIRS,
    dims: DIMS,
    accuracy: d.accuracy,
    accuracy_by_strength: d.byStrength,
    expected_accuracy: d.expected,
    bayes_accuracy: limit.bayes,
    ratio: d.expected / limit.bayes,
    test_nll: d.nll,
    true_nll: limit.nll,
    margins,
    train_pairs_per_s: d.pairsPerSecond,
    train_pairs_per_s_4096: speed.pairsPerSecond,
    backend,
  };
}

export { sweep as benchRewardSweep };
