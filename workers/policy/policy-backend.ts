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

export interface PolicyBackend {
  /** For logs and provenance, e.g. "llama.cpp tiny-llama2.gguf" or "http://gpu-1:8000 llama-2-7b-chat". */
  readonly description: string;
  /** `n` samples for one dialogue, in order. */
  generate(request: GenerateRequest): Promise<Generation[]>;
  /** One pooled vector per text (mean of the last hidden states), for reward-model features. */
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
  /** Frees the model, contexts and connections. */
  close(): Promise<void>;
}

/** How to reach a policy: a PolicyVariant row's backend fields, or the defaults from the environment. */
export type PolicyBackendConfig =
  | { backend: "LLAMA_CPP"; modelPath: string; threads?: number }
  | { backend: "OPENAI_COMPATIBLE"; baseUrl: string; modelName?: string | null; apiKey?: string | null };
