import { describe, expect, it } from "vitest";
import { RewardHead, RewardHeadFormatError } from "./head";
import { bradleyTerryDataset } from "./synthetic";
import { loadTensorflow } from "./tf-backend";
import { trainRewardHead } from "./train";

const data = bradleyTerryDataset({ pairs: 600, dims: 24, seed: 11 });
const vectors = data.test.flatMap((p) => [p.chosen, p.rejected]);

describe("RewardHead", () => {
  it("round-trips through its artifact and scores identically (linear and MLP, with calibration and meta)", async () => {
    for (const head of [{ kind: "linear" } as const, { kind: "mlp", hidden: 6 } as const]) {
      const { head: trained } = await trainRewardHead(data.train, { settings: { head, seed: 5 }, meta: { extractor: { variant: "tiny", pooling: "last" } } });
      const calibrated = trained.withCalibration({ kind: "platt", a: 1.25, b: -0.5, positives: 10, negatives: 4 });
      const bytes = calibrated.serialize();
      const loaded = RewardHead.parse(bytes);
      expect(loaded.score(vectors)).toEqual(calibrated.score(vectors));
      expect(loaded.probabilities(loaded.score(vectors))).toEqual(calibrated.probabilities(calibrated.score(vectors)));
      expect(loaded.architecture).toEqual(head);
      expect(loaded.inputDim).toBe(24);
      expect(loaded.calibration).toEqual(calibrated.calibration);
      expect(loaded.meta).toEqual({ extractor: { variant: "tiny", pooling: "last" } });
      expect(loaded.training).toEqual(JSON.parse(JSON.stringify(calibrated.training)));
      expect(loaded.training.seed).toBe(5);
      expect(Array.from(loaded.standardization.mean)).toEqual(Array.from(trained.standardization.mean));
      // Again from the string form, and a second round trip gives the same bytes.
      expect(RewardHead.parse(new TextDecoder().decode(bytes)).serialize()).toEqual(bytes);
    }
  });

  it("scores as the trained network does in TensorFlow.js", async () => {
    const { tf } = await loadTensorflow();
    const { head } = await trainRewardHead(data.train, { settings: { head: { kind: "mlp", hidden: 5 } } });
    if (head.weights.kind !== "mlp") throw new Error("expected an MLP");
    const { w1, b1, w2 } = head.weights;
    const { mean, std } = head.standardization;
    const reference = tf.tidy(() => {
      const x = tf.div(tf.sub(tf.tensor2d(vectors.flatMap((v) => Array.from(v)), [vectors.length, 24]), tf.tensor1d(mean)), tf.tensor1d(std));
      return tf.matMul(tf.relu(tf.add(tf.matMul(x, tf.tensor2d(w1, [24, 5])), tf.tensor1d(b1))), tf.tensor2d(w2, [5, 1])).dataSync();
    });
    const scores = head.score(vectors);
    for (let i = 0; i < vectors.length; i++) expect(scores[i]).toBeCloseTo(reference[i]!, 4);
  });

  it("has no probability without a calibration, and refuses vectors of another size", async () => {
    const { head } = await trainRewardHead(data.train.slice(0, 50));
    expect(head.probabilities([0, 1])).toBeNull();
    expect(() => head.score([new Float32Array(23)])).toThrow("Vector 0 has 23 dimensions; this reward head reads 24.");
    const probabilities = head.withCalibration({ kind: "platt", a: 2, b: 0, positives: 1, negatives: 1 }).probabilities([0, 1])!;
    expect(probabilities[0]).toBeCloseTo(0.5, 6);
    expect(probabilities[1]).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
  });

  it("refuses an artifact that is not one, saying why", async () => {
    const { head } = await trainRewardHead(data.train.slice(0, 50));
    const json = JSON.parse(new TextDecoder().decode(head.serialize()));
    expect(() => RewardHead.parse("not json")).toThrow(RewardHeadFormatError);
    expect(() => RewardHead.parse(JSON.stringify({ ...json, format: "onnx" }))).toThrow("format");
    expect(() => RewardHead.parse(JSON.stringify({ ...json, inputDim: 25 }))).toThrow("standardization.mean has 24 values, expected 25");
    expect(() => RewardHead.parse(JSON.stringify({ ...json, weights: { kind: "linear", w: "AAAAAA==" } }))).toThrow("weights.w has 1 values, expected 24");
    expect(() => RewardHead.parse(JSON.stringify({ ...json, architecture: { kind: "mlp", hidden: 3 } }))).toThrow(RewardHeadFormatError);
  });
});
