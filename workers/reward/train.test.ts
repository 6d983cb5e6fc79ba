import { describe, expect, it } from "vitest";
import { STRENGTHS, STRENGTH_VALUES } from "../../server/preferences/vocabulary";
import { evaluatePairs, scorePairs } from "./evaluate";
import { bradleyTerryDataset } from "./synthetic";
import { loadTensorflow } from "./tf-backend";
import { defaultLearningRate, RewardTrainingInputError, trainRewardHead, type RewardPair, type TrainingProgress } from "./train";

// Small enough for a shared CI core, large enough that the head has something to learn.
const data = bradleyTerryDataset({ pairs: 3000, dims: 32, seed: 7, gapScale: 3, sources: ["team", "imported"] });

describe("trainRewardHead", () => {
  it("loads a backend once and says which (wasm here: tfjs-node-gpu is not installed)", async () => {
    const first = await loadTensorflow();
    const second = await loadTensorflow();
    expect(second).toBe(first);
    expect(["node-gpu", "wasm", "cpu"]).toContain(first.backend);
    if (!process.env.REWARD_TF_BACKEND) expect(first.backend === "node-gpu" || first.backend === "wasm").toBe(true);
  });

  it("learns Bradley–Terry pairs clearly above chance, with accuracy rising with strength", async () => {
    const progress: TrainingProgress[] = [];
    const result = await trainRewardHead(data.train, { test: data.test, onProgress: (p) => void progress.push(p) });
    const evaluation = evaluatePairs(scorePairs(result.head, data.test), { margin: result.settings.margin });

    expect(evaluation.overall.accuracy).toBeGreaterThan(0.75);
    const byRank = [...evaluation.byStrength].reverse().map((s) => s.accuracy!); // weakest first
    expect(byRank[3]).toBeGreaterThan(byRank[0]! + 0.2);
    for (let i = 1; i < 4; i++) expect(byRank[i]).toBeGreaterThan(byRank[i - 1]! - 0.03);
    expect(evaluation.byStrength.reduce((sum, s) => sum + s.count, 0)).toBe(evaluation.count);
    expect(evaluation.bySource.map((s) => s.source)).toEqual(["imported", "team"]);
    expect(evaluation.bySource.reduce((sum, s) => sum + s.count, 0)).toBe(evaluation.count);

    // One epoch at the defaults, a progress report per step, the test curve at ten points.
    expect(result.settings).toMatchObject({ epochs: 1, batchSize: 64, margin: "small", learningRate: defaultLearningRate(32) });
    expect(result.totalSteps).toBe(Math.ceil(data.train.length / 64));
    expect(progress.map((p) => p.step)).toEqual(Array.from({ length: result.totalSteps }, (_, i) => i + 1));
    expect(progress[0]!.learningRate).toBeCloseTo(defaultLearningRate(32) / 5, 9);
    expect(progress.at(-1)!.learningRate).toBeCloseTo(defaultLearningRate(32) / 10, 9);
    expect(result.curve).toHaveLength(10);
    expect(result.curve.at(-1)!.step).toBe(result.totalSteps);
    expect(result.curve.at(-1)!.testAccuracy).toBeCloseTo(evaluation.overall.accuracy!, 2);
    expect(result.curve.at(-1)!.testLoss!).toBeLessThan(result.curve[0]!.testLoss!);
    expect(progress.filter((p) => p.testLoss !== undefined)).toHaveLength(10);
    expect(result.head.training).toMatchObject({ backend: result.backend, seed: 0, trainPairs: data.train.length, steps: result.totalSteps });
  });

  it("gives the same model for the same seed, and another for another seed", async () => {
    const train = data.train.slice(0, 800);
    const settings = { head: { kind: "mlp", hidden: 8 }, weightDecay: 0.01, batchSize: 32 } as const;
    const a = await trainRewardHead(train, { settings: { ...settings, seed: 3 } });
    const b = await trainRewardHead(train, { settings: { ...settings, seed: 3 } });
    const c = await trainRewardHead(train, { settings: { ...settings, seed: 4 } });
    expect(a.backend).toBe(b.backend);
    const weights = (r: typeof a) => (r.head.weights.kind === "mlp" ? [...r.head.weights.w1, ...r.head.weights.b1, ...r.head.weights.w2] : []);
    expect(weights(a)).toEqual(weights(b));
    expect(weights(a)).not.toEqual(weights(c));
    const vectors = data.test.slice(0, 50).map((p) => p.chosen);
    expect(a.head.score(vectors)).toEqual(b.head.score(vectors));

    const linear1 = await trainRewardHead(train, { settings: { seed: 9 } });
    const linear2 = await trainRewardHead(train, { settings: { seed: 9 } });
    expect(linear1.head.score(vectors)).toEqual(linear2.head.score(vectors));
  });

  it("applies decoupled weight decay: a larger decay leaves smaller weights", async () => {
    const train = data.train.slice(0, 800);
    const norm = async (weightDecay: number) => {
      const { head } = await trainRewardHead(train, { settings: { weightDecay, learningRate: 0.05, batchSize: 8 } });
      return Math.hypot(...(head.weights.kind === "linear" ? head.weights.w : []));
    };
    expect(await norm(1)).toBeLessThan(0.8 * (await norm(0)));
  });

  it("a small MLP head learns too", async () => {
    const result = await trainRewardHead(data.train, { settings: { head: { kind: "mlp", hidden: 16 } } });
    expect(evaluatePairs(scorePairs(result.head, data.test)).overall.accuracy).toBeGreaterThan(0.7);
  });

  it("stops between steps when aborted, with the signal's reason", async () => {
    const controller = new AbortController();
    let steps = 0;
    const training = trainRewardHead(data.train, {
      settings: { batchSize: 8 },
      signal: controller.signal,
      onProgress: (p) => {
        steps = p.step;
        if (p.step === 3) controller.abort(new Error("cancelled by the admin"));
      },
    });
    await expect(training).rejects.toThrow("cancelled by the admin");
    expect(steps).toBe(3);

    // Aborted from outside (a timer set at step 2) while it runs: the event loop gets its turn
    // between steps, so the timer fires long before the epoch ends and training stops at the
    // next step.
    const timer = new AbortController();
    let last = 0;
    let firedAt: number | null = null;
    const onProgress = (p: { step: number }) => {
      last = p.step;
      if (p.step === 2) setTimeout(() => ((firedAt = last), timer.abort()), 0);
    };
    await expect(trainRewardHead(data.train, { settings: { batchSize: 1 }, signal: timer.signal, onProgress })).rejects.toThrow();
    expect(firedAt).not.toBeNull();
    expect(firedAt!).toBeGreaterThanOrEqual(2);
    expect(firedAt!).toBeLessThan(data.train.length);
    expect(last - firedAt!).toBeLessThanOrEqual(1);
    const { tf } = await loadTensorflow();
    const before = tf.memory().numTensors;
    await expect(trainRewardHead(data.train, { signal: AbortSignal.abort() })).rejects.toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("frees every tensor it made", async () => {
    const { tf } = await loadTensorflow();
    const before = tf.memory().numTensors;
    await trainRewardHead(data.train.slice(0, 300), { test: data.test.slice(0, 100), settings: { head: { kind: "mlp", hidden: 4 }, weightDecay: 0.1 } });
    expect(tf.memory().numTensors).toBe(before);
  });

  it("refuses bad input with a message that says what and where", async () => {
    const v = (n: number, x = 0) => new Float32Array(n).fill(x);
    const pair = (chosen: Float32Array, rejected: Float32Array): RewardPair => ({ chosen, rejected, strength: "BETTER" });
    await expect(trainRewardHead([])).rejects.toThrow(RewardTrainingInputError);
    await expect(trainRewardHead([])).rejects.toThrow("The training split has no pairs.");
    await expect(trainRewardHead([pair(v(4), v(4)), pair(v(4), v(5))])).rejects.toThrow("training pair 1: the rejected vector has 5 dimensions, the others 4.");
    await expect(trainRewardHead([pair(v(4), v(4, NaN))])).rejects.toThrow("training pair 0: the rejected vector has a non-finite value at 0.");
    await expect(trainRewardHead([pair(v(0), v(0))])).rejects.toThrow("feature vectors are empty");
    await expect(trainRewardHead([pair(v(4), v(4))], { test: [pair(v(3), v(3))] })).rejects.toThrow("test pair 0: the chosen vector has 3 dimensions, the others 4.");
    await expect(trainRewardHead([{ ...pair(v(4), v(4)), strength: "MUCH_BETTER" as never }])).rejects.toThrow('unknown strength "MUCH_BETTER"');
    await expect(trainRewardHead([pair(v(4), v(4))], { settings: { batchSize: 0 } })).rejects.toThrow();
  });

  it("trains on constant features without dividing by zero", async () => {
    const pairs: RewardPair[] = Array.from({ length: 20 }, (_, i) => ({
      chosen: Float32Array.from([1, i % 3, 5]),
      rejected: Float32Array.from([1, (i + 1) % 3, 5]),
      strength: STRENGTH_VALUES[i % 4]!,
    }));
    const { head } = await trainRewardHead(pairs);
    expect(Array.from(head.standardization.std)[0]).toBe(1);
    expect(Array.from(head.standardization.std)[2]).toBe(1);
    for (const s of head.score(pairs.map((p) => p.chosen))) expect(Number.isFinite(s)).toBe(true);
    expect(STRENGTHS).toHaveLength(4);
  });
});
