// A trained reward head: feature standardisation, the head's weights, an optional calibration of
// its score into a probability, and how it was trained. It scores in plain JavaScript (no
// TensorFlow.js), so a scoring job needs no backend and a head read back from its artifact gives
// exactly the scores it gave before it was written.
import { z } from "zod";
import { headArchitectureSchema, type HeadArchitecture } from "../../server/reward-models/reward-models.schema";
import { sigmoid } from "./loss";

/** `linear`: r = w·x̂. `mlp`: r = w₂·relu(W₁x̂ + b₁). x̂ is the standardised feature vector. */
export { headArchitectureSchema, type HeadArchitecture };

export type HeadWeights =
  | { kind: "linear"; w: Float32Array }
  /** w1 is [inputDim × hidden], row-major (x̂ · W₁ as TensorFlow.js multiplies it). */
  | { kind: "mlp"; w1: Float32Array; b1: Float32Array; w2: Float32Array };

/** Per-dimension mean and standard deviation of the training split's feature vectors. */
export type Standardization = { mean: Float32Array; std: Float32Array };

/** P = σ(a·score + b), fitted on per-response labels (the safety model's P(safe)). */
export type PlattCalibration = {
  kind: "platt";
  a: number;
  b: number;
  /** What it was fitted on: the number of responses labelled positive (safe) and negative. */
  positives: number;
  negatives: number;
};

/** How the head was trained: stored in the artifact so a model can be traced and retrained. */
export type HeadTraining = {
  backend: string;
  seed: number;
  settings: Record<string, unknown>;
  trainPairs: number;
  steps: number;
};

export type RewardHeadInit = {
  architecture: HeadArchitecture;
  inputDim: number;
  standardization: Standardization;
  weights: HeadWeights;
  calibration?: PlattCalibration | null;
  training: HeadTraining;
  /** The caller's own JSON (extractor identity, snapshot id, …), carried in the artifact as is. */
  meta?: Record<string, unknown>;
};

export class RewardHeadFormatError extends Error {
  override name = "RewardHeadFormatError";
}

export class RewardHead {
  readonly architecture: HeadArchitecture;
  readonly inputDim: number;
  readonly standardization: Standardization;
  readonly weights: HeadWeights;
  readonly calibration: PlattCalibration | null;
  readonly training: HeadTraining;
  readonly meta: Record<string, unknown>;
  // Linear heads fold the standardisation into the weights once: r = Σ (w_j/σ_j)·x_j − Σ w_j·μ_j/σ_j.
  private readonly folded: { w: Float64Array; offset: number } | null;
  private readonly invStd: Float64Array;

  constructor(init: RewardHeadInit) {
    this.architecture = init.architecture;
    this.inputDim = init.inputDim;
    this.standardization = init.standardization;
    this.weights = init.weights;
    this.calibration = init.calibration ?? null;
    this.training = init.training;
    this.meta = init.meta ?? {};
    checkShapes(init);
    const { mean, std } = init.standardization;
    this.invStd = Float64Array.from(std, (s) => 1 / s);
    if (init.weights.kind === "linear") {
      const w = new Float64Array(this.inputDim);
      let offset = 0;
      for (let j = 0; j < this.inputDim; j++) {
        w[j] = init.weights.w[j]! * this.invStd[j]!;
        offset -= w[j]! * mean[j]!;
      }
      this.folded = { w, offset };
    } else {
      this.folded = null;
    }
  }

  /** Raw scores (higher = preferred) for a batch of feature vectors, one per response. */
  score(vectors: readonly Float32Array[]): Float32Array {
    const out = new Float32Array(vectors.length);
    const hidden = this.weights.kind === "mlp" ? new Float64Array(this.weights.b1.length) : null;
    const standardized = this.weights.kind === "mlp" ? new Float64Array(this.inputDim) : null;
    for (let i = 0; i < vectors.length; i++) {
      const x = vectors[i]!;
      if (x.length !== this.inputDim) {
        throw new RangeError(`Vector ${i} has ${x.length} dimensions; this reward head reads ${this.inputDim}.`);
      }
      out[i] = this.folded ? this.scoreLinear(x) : this.scoreMlp(x, hidden!, standardized!);
    }
    return out;
  }

  /** The calibrated probability σ(a·score + b) of each score (P(safe) for the safety model); null without a calibration. */
  probabilities(scores: ArrayLike<number>): Float32Array | null {
    const c = this.calibration;
    if (!c) return null;
    return Float32Array.from(scores as ArrayLike<number>, (s) => sigmoid(c.a * s + c.b));
  }

  /** The same head with a calibration attached (or removed with null). */
  withCalibration(calibration: PlattCalibration | null): RewardHead {
    return new RewardHead({ ...this.init(), calibration });
  }

  /** The same head with the caller's metadata merged in. */
  withMeta(meta: Record<string, unknown>): RewardHead {
    return new RewardHead({ ...this.init(), meta: { ...this.meta, ...meta } });
  }

  private init(): RewardHeadInit {
    const { architecture, inputDim, standardization, weights, calibration, training, meta } = this;
    return { architecture, inputDim, standardization, weights, calibration, training, meta };
  }

  /** The artifact: UTF-8 JSON with the float arrays as base64 little-endian float32. */
  serialize(): Uint8Array {
    const json: ArtifactJson = {
      format: ARTIFACT_FORMAT,
      version: ARTIFACT_VERSION,
      architecture: this.architecture,
      inputDim: this.inputDim,
      standardization: { mean: encodeFloats(this.standardization.mean), std: encodeFloats(this.standardization.std) },
      weights:
        this.weights.kind === "linear"
          ? { kind: "linear", w: encodeFloats(this.weights.w) }
          : { kind: "mlp", w1: encodeFloats(this.weights.w1), b1: encodeFloats(this.weights.b1), w2: encodeFloats(this.weights.w2) },
      calibration: this.calibration,
      training: this.training,
      meta: this.meta,
    };
    return new TextEncoder().encode(JSON.stringify(json));
  }

  /** Reads an artifact written by `serialize`; throws RewardHeadFormatError naming what is wrong. */
  static parse(artifact: Uint8Array | string): RewardHead {
    let raw: unknown;
    try {
      raw = JSON.parse(typeof artifact === "string" ? artifact : new TextDecoder().decode(artifact));
    } catch (error) {
      throw new RewardHeadFormatError(`Not a reward-head artifact: ${(error as Error).message}`);
    }
    const parsed = artifactSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new RewardHeadFormatError(`Not a reward-head artifact: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
    }
    const a = parsed.data;
    try {
      return new RewardHead({
        architecture: a.architecture,
        inputDim: a.inputDim,
        standardization: { mean: decodeFloats(a.standardization.mean), std: decodeFloats(a.standardization.std) },
        weights:
          a.weights.kind === "linear"
            ? { kind: "linear", w: decodeFloats(a.weights.w) }
            : { kind: "mlp", w1: decodeFloats(a.weights.w1), b1: decodeFloats(a.weights.b1), w2: decodeFloats(a.weights.w2) },
        calibration: a.calibration,
        training: a.training,
        meta: a.meta,
      });
    } catch (error) {
      if (error instanceof RangeError) throw new RewardHeadFormatError(`Not a reward-head artifact: ${error.message}`);
      throw error;
    }
  }

  private scoreLinear(x: Float32Array): number {
    const { w, offset } = this.folded!;
    let sum = offset;
    for (let j = 0; j < w.length; j++) sum += w[j]! * x[j]!;
    return sum;
  }

  private scoreMlp(x: Float32Array, hidden: Float64Array, standardized: Float64Array): number {
    const { w1, b1, w2 } = this.weights as Extract<HeadWeights, { kind: "mlp" }>;
    const { mean } = this.standardization;
    const h = b1.length;
    for (let j = 0; j < this.inputDim; j++) standardized[j] = (x[j]! - mean[j]!) * this.invStd[j]!;
    for (let k = 0; k < h; k++) hidden[k] = b1[k]!;
    for (let j = 0; j < this.inputDim; j++) {
      const xj = standardized[j]!;
      if (xj === 0) continue;
      const row = j * h;
      for (let k = 0; k < h; k++) hidden[k] = hidden[k]! + xj * w1[row + k]!;
    }
    let sum = 0;
    for (let k = 0; k < h; k++) if (hidden[k]! > 0) sum += hidden[k]! * w2[k]!;
    return sum;
  }
}

function checkShapes(init: RewardHeadInit): void {
  const d = init.inputDim;
  if (!Number.isInteger(d) || d < 1) throw new RangeError(`inputDim must be a positive integer, got ${d}`);
  const expect = (name: string, array: Float32Array, length: number) => {
    if (array.length !== length) throw new RangeError(`${name} has ${array.length} values, expected ${length}`);
  };
  expect("standardization.mean", init.standardization.mean, d);
  expect("standardization.std", init.standardization.std, d);
  for (const s of init.standardization.std) if (!(s > 0) || !Number.isFinite(s)) throw new RangeError("standardization.std must be positive and finite");
  const w = init.weights;
  if (w.kind !== init.architecture.kind) throw new RangeError(`weights are for a ${w.kind} head, architecture is ${init.architecture.kind}`);
  if (w.kind === "linear") {
    expect("weights.w", w.w, d);
  } else {
    const hidden = (init.architecture as { hidden: number }).hidden;
    expect("weights.w1", w.w1, d * hidden);
    expect("weights.b1", w.b1, hidden);
    expect("weights.w2", w.w2, hidden);
  }
}

const ARTIFACT_FORMAT = "reward-head";
const ARTIFACT_VERSION = 1;

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function encodeFloats(values: Float32Array): string {
  const copy = new Float32Array(values);
  const bytes = new Uint8Array(copy.buffer);
  if (!littleEndian) for (let i = 0; i < bytes.length; i += 4) bytes.subarray(i, i + 4).reverse();
  return Buffer.from(bytes).toString("base64");
}

function decodeFloats(base64: string): Float32Array {
  const bytes = Buffer.from(base64, "base64");
  if (bytes.length % 4 !== 0) throw new RangeError("a float array's byte length is not a multiple of 4");
  const copy = new Uint8Array(bytes); // aligned, owned
  if (!littleEndian) for (let i = 0; i < copy.length; i += 4) copy.subarray(i, i + 4).reverse();
  return new Float32Array(copy.buffer);
}

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "expected base64");

const artifactSchema = z.object({
  format: z.literal(ARTIFACT_FORMAT),
  version: z.literal(ARTIFACT_VERSION),
  architecture: headArchitectureSchema,
  inputDim: z.number().int().min(1),
  standardization: z.object({ mean: base64, std: base64 }),
  weights: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("linear"), w: base64 }),
    z.object({ kind: z.literal("mlp"), w1: base64, b1: base64, w2: base64 }),
  ]),
  calibration: z
    .object({
      kind: z.literal("platt"),
      a: z.number(),
      b: z.number(),
      positives: z.number().int().min(0),
      negatives: z.number().int().min(0),
    })
    .nullable(),
  training: z.object({
    backend: z.string(),
    seed: z.number().int(),
    settings: z.record(z.string(), z.unknown()),
    trainPairs: z.number().int().min(0),
    steps: z.number().int().min(0),
  }),
  meta: z.record(z.string(), z.unknown()),
});

type ArtifactJson = z.infer<typeof artifactSchema>;
