// The policy as a local GGUF file run by node-llama-cpp (llama.cpp): CPU here, CUDA where the
// machine has it (see llama-cpp/runtime.ts). The n samples of one dialogue run as parallel
// sequences of one context, stepped together so every decode step is one batch of all the
// sequences still running: llama.cpp reads the weights once per step for all of them, which is
// where batching wins on a model whose weights do not fit in cache (bench: `npm run bench -- generate`).
import os from "node:os";
import type { LlamaContext, LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import pLimit from "p-limit";
import { llama2ChatTokens } from "../../server/prompts/llama2-chat";
import { loadedModelVersion, loadPolicyModel } from "./llama-cpp/runtime";
import { stepTogether } from "./llama-cpp/lockstep";
import { sharePromptState } from "./llama-cpp/prompt-state";
import { SequenceEmbedder } from "./llama-cpp/embedding";
import { SequencePool } from "./llama-cpp/sequence-pool";
import type { EmbedInput, EmbedOptions, EmbeddingPooling, GenerateRequest, Generation, PolicyBackend, PolicySource, PolicyTokenizer } from "./policy-backend";
import { config } from "../../server/config/config";

export type LlamaCppOptions = {
  modelPath: string;
  /** CPU threads per decode; default: see defaultThreads. */
  threads?: number;
  /** Sequences per context: n samples run in rounds of this many. */
  parallel?: number;
  /** Tokens per sequence (prompt + answer); default the model's trained context, at most POLICY_CONTEXT_SIZE or 4096. */
  contextSize?: number;
  /**
   * Tokens per decode when embedding; default EMBED_BATCH_SIZE. A longer input is evaluated in
   * several decodes (the vector is the same); llama.cpp's scratch memory grows with this.
   */
  embedBatchSize?: number;
};

export const EMBED_BATCH_SIZE = 1024;

export const DEFAULT_PARALLEL = 4;

/**
 * Threads for a model, unless POLICY_THREADS or the config says otherwise. Measured with
 * `npm run bench -- generate` on this 2-core machine (tokens/s, 4 samples batched / 1 at a time):
 * the tiny model (17 MB, fits in cache) 487 / 310 on one thread and 407 / 99 on two, since a
 * step is so short that waking and joining a second thread costs more than it saves; the
 * 134M-parameter F16 model (268 MB, memory-bound) 99 / 55 on one and 120 / 40 on two. Batched
 * generation (pair generation, rejection sampling) is what workers mostly do, so a model past the
 * caches gets node-llama-cpp's count of math cores. The 64 MB line lies between the two measured
 * sizes; set POLICY_THREADS when a model in between matters.
 */
export function defaultThreads(modelBytes: number, cores: number = os.availableParallelism()) {
  const configured = config().POLICY_THREADS;
  if (configured) return configured;
  return modelBytes < 64 * 1024 * 1024 ? 1 : Math.max(1, cores);
}

/**
 * Text of the tokens generated so far. llama.cpp drops the leading space SentencePiece marks the
 * first word with, as SentencePiece's own decode (Meta's reference) does.
 */
function textOf(model: LlamaModel, tokens: Token[]) {
  return model.detokenize(tokens);
}

type SampleState = { tokens: Token[]; finishReason?: "stop" | "length"; durationMs?: number; lastText: string };

export class LlamaCppBackend implements PolicyBackend {
  readonly description: string;
  readonly threads: number;
  private readonly parallel: number;
  private context?: Promise<{ context: LlamaContext; pool: SequencePool<LlamaContextSequence> }>;
  private embedder?: Promise<{ embedder: SequenceEmbedder; dispose: () => Promise<void> }>;
  private readonly embedding = pLimit(1);
  readonly source: Extract<PolicySource, { backend: "LLAMA_CPP" }>;
  readonly embedPoolings: readonly EmbeddingPooling[] = ["mean", "last"];
  readonly embeddingDims: number;

  private constructor(
    private readonly model: LlamaModel,
    private readonly options: LlamaCppOptions,
  ) {
    this.threads = options.threads ?? defaultThreads(model.size, model.llama.cpuMathCores);
    this.parallel = options.parallel ?? DEFAULT_PARALLEL;
    this.description = `llama.cpp ${options.modelPath} (${model.llama.gpu || "cpu"}, ${this.threads} thread${this.threads === 1 ? "" : "s"})`;
    this.source = { backend: "LLAMA_CPP", modelPath: options.modelPath, loaded: loadedModelVersion(options.modelPath) };
    this.embeddingDims = model.embeddingVectorSize;
  }

  static async open(options: LlamaCppOptions) {
    return new LlamaCppBackend(await loadPolicyModel(options.modelPath), options);
  }

  /**
   * Tokens per sequence: the model's trained context, at most POLICY_CONTEXT_SIZE (default 4096,
   * Llama 2's). The KV cache holds `parallel` times this many tokens: lower it for a large model
   * on a small GPU.
   */
  private contextSize() {
    const configured = this.options.contextSize ?? config().POLICY_CONTEXT_SIZE;
    return Math.min(configured, this.model.trainContextSize);
  }

  /** One context with `parallel` sequences, created on first use and kept. */
  private generationContext() {
    this.context ??= this.model
      .createContext({ sequences: this.parallel, contextSize: this.contextSize(), threads: this.threads })
      .then((context) => ({ context, pool: new SequencePool(Array.from({ length: this.parallel }, () => context.getSequence())) }))
      .catch((error: unknown) => {
        this.context = undefined;
        throw error;
      });
    return this.context;
  }

  tokenizer(): PolicyTokenizer {
    const { bos, eos } = this.model.tokens;
    if (bos === null || eos === null) throw new Error(`${this.options.modelPath} has no BOS/EOS token: not a Llama 2 vocabulary.`);
    return { encode: (text) => this.model.tokenize(text, false) as number[], bos, eos };
  }

  /** The chat-formatted prompt as token ids (BOS/EOS as ids, never as text). */
  promptTokens(dialogue: GenerateRequest["dialogue"]): Token[] {
    const { encode, bos, eos } = this.tokenizer();
    return llama2ChatTokens(dialogue, encode, { bos, eos }) as Token[];
  }

  async generate(request: GenerateRequest): Promise<Generation[]> {
    const { n, signal } = request;
    if (!Number.isInteger(n) || n < 1) throw new Error(`n must be a positive integer, got ${n}.`);
    const { maxTokens } = request.sampling;
    if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new Error(`maxTokens must be a positive integer, got ${maxTokens}.`);
    const prompt = this.promptTokens(request.dialogue);
    // llama.cpp keeps one cell free in a sequence.
    if (prompt.length + maxTokens >= this.contextSize()) {
      throw new Error(`The prompt (${prompt.length} tokens) plus maxTokens (${maxTokens}) exceeds the context of ${this.contextSize()} tokens.`);
    }
    // Without a seed the samples still need different seeds (node-llama-cpp would default every
    // sequence to the current second, making parallel samples identical).
    const seed = request.sampling.seed ?? Math.floor(Math.random() * 2 ** 31);
    const { pool } = await this.generationContext();
    const results: Generation[] = [];
    // Rounds of up to `parallel` samples, each on sequences of its own: concurrent requests
    // (responses A and B of a pair) run side by side as long as sequences are free.
    for (let first = 0; first < n; first += this.parallel) {
      signal?.throwIfAborted();
      const sequences = await pool.acquire(Math.min(this.parallel, n - first), signal);
      try {
        results.push(...(await this.generateRound(sequences, prompt, request, seed + first, first)));
      } finally {
        pool.release(sequences);
      }
    }
    return results;
  }

  private async generateRound(sequences: LlamaContextSequence[], prompt: Token[], request: GenerateRequest, seed: number, firstIndex: number) {
    const { sampling, signal, onText } = request;
    // The prompt but its last token is evaluated once and shared; each sequence then evaluates
    // the last token itself, which gives it the logits to sample its first token from.
    const started = Date.now();
    await sharePromptState(sequences[0]!, sequences, prompt.slice(0, -1));
    const last = prompt.at(-1)!;
    const samples: SampleState[] = sequences.map(() => ({ tokens: [], lastText: "" }));
    const generators = sequences.map((sequence, i) =>
      sequence.evaluate([last], {
        temperature: sampling.temperature,
        topP: sampling.topP,
        topK: 0, // Llama 2's protocol samples with temperature and top-p only.
        seed: seed + i,
      }),
    );
    const finish = (i: number, reason: "stop" | "length") => {
      const sample = samples[i]!;
      sample.finishReason = reason;
      sample.durationMs = Date.now() - started;
      if (onText) {
        const text = textOf(this.model, sample.tokens);
        if (text !== sample.lastText) onText(firstIndex + i, text);
      }
    };
    await stepTogether(
      generators,
      (i, token) => {
        const sample = samples[i]!;
        sample.tokens.push(token);
        if (sample.tokens.length >= sampling.maxTokens) {
          finish(i, "length");
          return "stop";
        }
        if (onText) {
          // Wait for the rest of a character split over byte tokens.
          const text = textOf(this.model, sample.tokens);
          if (text !== sample.lastText && !text.endsWith("\uFFFD")) {
            sample.lastText = text;
            onText(firstIndex + i, text);
          }
        }
        return "continue";
      },
      (i) => finish(i, "stop"), // an end-of-generation token (EOS)
      signal,
    );
    return samples.map(
      (sample): Generation => ({
        text: textOf(this.model, sample.tokens),
        tokenCount: sample.tokens.length,
        finishReason: sample.finishReason!,
        durationMs: sample.durationMs!,
      }),
    );
  }

  /** The embedder, on an embedding context created on first use and kept. */
  private sequenceEmbedder() {
    this.embedder ??= (async () => {
      const contextSize = this.contextSize();
      const batchSize = Math.min(contextSize, this.options.embedBatchSize ?? EMBED_BATCH_SIZE);
      const context = await this.model.createEmbeddingContext({ contextSize, batchSize, threads: this.threads });
      return { embedder: new SequenceEmbedder(context, this.model.embeddingVectorSize), dispose: () => context.dispose() };
    })().catch((error: unknown) => {
      this.embedder = undefined;
      throw error;
    });
    return this.embedder;
  }

  /** Text as the model reads it for an embedding: BOS first (and EOS where the model asks for it). */
  private textTokens(text: string): number[] {
    const { encode, bos, eos } = this.tokenizer();
    return [bos, ...encode(text), ...(this.model.tokens.shouldAppendEosToken ? [eos] : [])];
  }

  /**
   * Inputs one after another on one sequence (a decode reads the model's weights once for all its
   * tokens, so a whole input per decode is what the hardware does best here). Calls are queued.
   */
  embed(inputs: EmbedInput[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const { pooling = "mean", signal } = options;
    if (!this.embedPoolings.includes(pooling)) return Promise.reject(new Error(`Unknown pooling "${String(pooling)}": use ${this.embedPoolings.join(" or ")}.`));
    return this.embedding(async () => {
      const { embedder } = await this.sequenceEmbedder();
      const vectors: Float32Array[] = [];
      for (const input of inputs) {
        signal?.throwIfAborted();
        if (typeof input === "string") vectors.push(await embedder.embed(this.textTokens(input), pooling));
        else vectors.push(await embedder.embed(input.tokens, pooling, input.sharedPrefix));
      }
      return vectors;
    });
  }

  /** Tokens evaluated and reused by `embed` so far (for benchmarks). */
  async embedCounts() {
    return { ...(await this.sequenceEmbedder()).embedder.counts };
  }

  async close() {
    const { context, embedder } = this;
    this.context = undefined;
    this.embedder = undefined;
    const open = await context?.catch(() => undefined);
    open?.pool.close();
    await open?.context.dispose();
    await (await embedder?.catch(() => undefined))?.dispose();
  }
}
