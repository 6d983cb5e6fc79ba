// Reward-model features (DESIGN.md "Reward model design"): a (dialogue, response) becomes one
// vector. The trainer, the scoring job and rejection sampling see only FeatureExtractor, so a
// fine-tuned backbone can replace the policy's embeddings later with another implementation.
//
// The input is Meta's Llama 2 chat format as token ids: the dialogue's ids exactly as the policy
// reads them when it generates (llama2ChatTokens, through the backend's own tokenizer), then the
// response as the completed assistant turn, "{response} " and EOS (llama2AnsweredTokens). EOS is
// included: it is how the format closes a finished answer, and it makes the last token the same
// marker for every input, so last-token pooling reads the state after the whole response, as a
// reward head on a causal LM does (Hugging Face's template renders a dialogue ending with the
// assistant the same way).
import fs from "node:fs";
import type { Prisma } from "@prisma/client";
import { llama2AnsweredTokens, llama2ChatTokens } from "../../server/prompts/llama2-chat";
import type { ChatDialogue, EmbeddingPooling, PolicyBackend } from "../policy/policy-backend";
import { type ModelFileHash, modelFileSha256 } from "./model-hash";

export type FeatureInput = { dialogue: ChatDialogue; response: string };

/** A formatted input: what the content hash is taken of and the model reads. */
export type FormattedInput = {
  tokens: number[];
  /** Leading ids that are the prompt (shared by every response to it): a hint for evaluating it once. */
  sharedPrefix: number;
};

/** A JSON-serialisable description of everything a vector depends on besides the input. */
export type FeatureExtractorIdentity = { kind: string } & { [field: string]: Prisma.InputJsonValue };

export interface FeatureExtractor {
  /** Two extractors with equal identities give equal vectors for equal formatted inputs. */
  readonly identity: FeatureExtractorIdentity;
  /** The identity as canonical JSON: the cache key of its vectors (FeatureSpace.key). */
  readonly key: string;
  /** The vectors' width, or null until the first vector when the model cannot tell beforehand. */
  readonly dims: number | null;
  /** For logs: which model, which pooling. */
  readonly description: string;
  format(input: FeatureInput): FormattedInput;
  /** One vector per formatted input, in order. */
  embed(inputs: FormattedInput[], signal?: AbortSignal): Promise<Float32Array[]>;
}

/** Vectors straight from the extractor, without the cache (see pipeline.ts for the cached path). */
export async function extract(extractor: FeatureExtractor, inputs: FeatureInput[], signal?: AbortSignal): Promise<Float32Array[]> {
  return extractor.embed(
    inputs.map((input) => extractor.format(input)),
    signal,
  );
}

/** JSON with object keys sorted at every level, so equal identities give equal keys. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The format's name in identities; a change to how inputs are formatted gets a new one. */
export const LLAMA2_ANSWERED_FORMAT = "llama2-chat-answered-eos/1";

/**
 * What reward features default to. Llama 2 reads the last token because its whole network is
 * trained as the reward model; here the backbone is frozen, and its last-token state was trained
 * to predict the next token, while the mean carries every token of the response into the head.
 * "last" stays one option away for a backbone fine-tuned as a reward model.
 */
export const DEFAULT_FEATURE_POOLING: EmbeddingPooling = "mean";

/** "server": a served model pools as its server was started. */
export type FeaturePooling = EmbeddingPooling | "server";

export type PolicyEmbeddingIdentity = FeatureExtractorIdentity & {
  kind: "policy-embedding";
  format: typeof LLAMA2_ANSWERED_FORMAT;
  pooling: FeaturePooling;
  /** The weights: a GGUF by content, or a served model by server and name. */
  model: { sha256: string; bytes: number } | { baseUrl: string; modelName: string | null };
};

/** The policy model's pooled last hidden states, through a PolicyBackend's `embed`. */
export class PolicyEmbeddingExtractor implements FeatureExtractor {
  readonly key: string;
  readonly description: string;
  private knownDims: number | null;

  constructor(
    private readonly backend: PolicyBackend,
    readonly identity: PolicyEmbeddingIdentity,
    /** Not part of the identity: the variant whose backend this is, for provenance. */
    readonly variantId: string | null = null,
  ) {
    if ((identity.pooling === "server") !== (backend.embedPoolings.length === 0)) {
      throw new Error(
        identity.pooling === "server"
          ? `${backend.description} pools as the caller asks (${backend.embedPoolings.join(" or ")}): choose one.`
          : `${backend.description} pools embeddings as its server was started: the pooling is "server", not "${identity.pooling}".`,
      );
    }
    if (identity.pooling !== "server" && !backend.embedPoolings.includes(identity.pooling)) {
      throw new Error(`${backend.description} cannot pool by "${identity.pooling}" (it offers ${backend.embedPoolings.join(", ")}).`);
    }
    this.key = canonicalJson(identity);
    this.knownDims = backend.embeddingDims;
    this.description = `${backend.description}, ${identity.pooling} pooling`;
  }

  get dims() {
    return this.knownDims;
  }

  format({ dialogue, response }: FeatureInput): FormattedInput {
    const { encode, bos, eos } = this.backend.tokenizer();
    const prompt = llama2ChatTokens(dialogue, encode, { bos, eos });
    const tokens = llama2AnsweredTokens(dialogue, response, encode, { bos, eos });
    let shared = 0;
    while (shared < prompt.length && prompt[shared] === tokens[shared]) shared++;
    return { tokens, sharedPrefix: shared };
  }

  async embed(inputs: FormattedInput[], signal?: AbortSignal): Promise<Float32Array[]> {
    if (inputs.length === 0) return [];
    const pooling = this.identity.pooling === "server" ? undefined : this.identity.pooling;
    const vectors = await this.backend.embed(
      inputs.map((input) => ({ tokens: input.tokens, sharedPrefix: input.sharedPrefix })),
      { pooling, signal },
    );
    if (vectors.length !== inputs.length) throw new Error(`${this.backend.description} returned ${vectors.length} vectors for ${inputs.length} inputs.`);
    for (const vector of vectors) {
      if (vector.length === 0) throw new Error(`${this.backend.description} returned an empty embedding.`);
      this.knownDims ??= vector.length;
      if (vector.length !== this.knownDims) throw new Error(`${this.backend.description} returned vectors of ${this.knownDims} and of ${vector.length} dimensions.`);
    }
    return vectors;
  }
}

/**
 * The identity of a backend's embeddings at a pooling: a GGUF by its sha256 (computed once per
 * file version, model-hash.ts), a served model by its server and name.
 */
export async function policyEmbeddingIdentity(
  backend: PolicyBackend,
  pooling: FeaturePooling,
  options: { hash?: (modelPath: string) => Promise<ModelFileHash> } = {},
): Promise<PolicyEmbeddingIdentity> {
  const { source } = backend;
  if (source.backend === "LLAMA_CPP" && source.loaded) {
    // The hash is of the file now; the weights in memory are the file as it was when loaded.
    const now = await fs.promises.stat(source.modelPath).catch(() => null);
    if (!now || now.size !== source.loaded.size || now.mtimeMs !== source.loaded.mtimeMs) {
      throw new Error(`The model file ${source.modelPath} changed since this worker loaded it: restart the worker to compute features with the new weights.`);
    }
  }
  const model =
    source.backend === "LLAMA_CPP"
      ? await (options.hash ?? modelFileSha256)(source.modelPath)
      : { baseUrl: source.baseUrl, modelName: source.modelName };
  return { kind: "policy-embedding", format: LLAMA2_ANSWERED_FORMAT, pooling, model };
}

/** An extractor over a backend; the pooling defaults to DEFAULT_FEATURE_POOLING, or the server's. */
export async function policyEmbeddingExtractor(
  backend: PolicyBackend,
  options: { pooling?: FeaturePooling; variantId?: string | null; hash?: (modelPath: string) => Promise<ModelFileHash> } = {},
): Promise<PolicyEmbeddingExtractor> {
  const pooling = options.pooling ?? (backend.embedPoolings.length === 0 ? "server" : DEFAULT_FEATURE_POOLING);
  return new PolicyEmbeddingExtractor(backend, await policyEmbeddingIdentity(backend, pooling, options), options.variantId ?? null);
}
