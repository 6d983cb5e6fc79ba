// The one interface every policy backend implements: the local GGUF through node-llama-cpp
// (llama-cpp-backend.ts) and OpenAI-compatible servers such as vLLM, TGI, llama.cpp's
// llama-server or Ollama (openai-backend.ts). Jobs (pair generation, prompt writing, rejection
// sampling, reward features) only ever see this interface, so the same job runs on the tiny
// test model, a real llama-2-7b-chat GGUF or a served 70B.
import type { ChatDialogue } from "../../server/prompts/llama2-chat";

export type { ChatDialogue, ChatTurn } from "../../server/prompts/llama2-chat";

export type SamplingParams = {
  temperature: number;
  topP: number;
  maxTokens: number;
  /**
   * Same seed, same settings, same n, same backend: the same samples (where the backend can
   * promise it). Sample i of n is drawn with seed + i, as llama-server does, so samples differ.
   * Without a seed each call draws a random one.
   */
  seed?: number;
};

export type GenerateRequest = {
  /** User and assistant turns, ending with a user turn; the system prompt goes into <<SYS>>. */
  dialogue: ChatDialogue;
  sampling: SamplingParams;
  /** How many independent samples of the same dialogue (K in rejection sampling). */
  n: number;
  /** Called as text arrives, with the whole text so far of sample `index` (for streaming UIs). */
  onText?: (index: number, textSoFar: string) => void;
  /** Aborting stops generation; the promise then rejects with an AbortError. */
  signal?: AbortSignal;
};

export type Generation = {
  text: string;
  tokenCount: number;
  /** "stop": the model ended its answer; "length": maxTokens was reached. */
  finishReason: "stop" | "length";
  durationMs: number;
};

/**
 * How the last hidden states of an input become one vector. "mean": their average over every
 * token. "last": the last token's, which is what a scalar head on a causal LM reads (Llama 2's
 * reward models).
 */
export type EmbeddingPooling = "mean" | "last";

/**
 * What `embed` reads: text, which the backend tokenizes with BOS first (as any embedding API
 * does), or token ids fed to the model as they are (BOS and EOS as ids: a chat-formatted input).
 * `sharedPrefix`: how many leading ids other inputs of the call are likely to share (the prompt
 * of responses A and B); a backend that can keep that prefix evaluated between inputs does, and
 * the vectors are the same either way.
 */
export type EmbedInput = string | { tokens: readonly number[]; sharedPrefix?: number };

export type EmbedOptions = {
  /** Default "mean". A served model pools as its server was started (see embedPoolings). */
  pooling?: EmbeddingPooling;
  signal?: AbortSignal;
};

/** What a backend's outputs come from, for provenance and for keying cached embeddings. */
export type PolicySource =
  | { backend: "LLAMA_CPP"; modelPath: string; loaded?: { size: number; mtimeMs: number } }
  | { backend: "OPENAI_COMPATIBLE"; baseUrl: string; modelName: string | null };

/** The model's tokenizer: SentencePiece ids without BOS or EOS, and those two ids. */
export type PolicyTokenizer = { encode(text: string): number[]; bos: number; eos: number };

export interface PolicyBackend {
  /** For logs and provenance, e.g. "llama.cpp tiny-llama2.gguf" or "http://gpu-1:8000 llama-2-7b-chat". */
  readonly description: string;
  readonly source: PolicySource;
  /**
   * The poolings `embed` can apply. Empty for a served model: its server pools as it was started
   * (llama-server --pooling, vLLM's pooler config), and `embed` must then be called without one.
   */
  readonly embedPoolings: readonly EmbeddingPooling[];
  /** The width of `embed`'s vectors when known without asking the model (llama.cpp: the model's). */
  readonly embeddingDims: number | null;
  /** The ids this model reads text as (the policy's own tokenizer, or Llama 2's for a server). */
  tokenizer(): PolicyTokenizer;
  /** `n` samples for one dialogue, in order. */
  generate(request: GenerateRequest): Promise<Generation[]>;
  /** One pooled vector of the last hidden states per input, in order, for reward-model features. */
  embed(inputs: EmbedInput[], options?: EmbedOptions): Promise<Float32Array[]>;
  /** Frees the model, contexts and connections. */
  close(): Promise<void>;
}

/** How to reach a policy: a PolicyVariant row's backend fields, or the defaults from the environment. */
export type PolicyBackendConfig =
  | { backend: "LLAMA_CPP"; modelPath: string; threads?: number }
  | { backend: "OPENAI_COMPATIBLE"; baseUrl: string; modelName?: string | null; apiKey?: string | null };
