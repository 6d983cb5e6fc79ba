// The policy served over HTTP by an OpenAI-compatible server: vLLM, TGI, llama.cpp's
// llama-server, Ollama. Tested against the real llama-server (openai-backend.test.ts).
//
// The Llama 2 format: we send the dialogue as chat messages (system, user, assistant) to
// /v1/chat/completions and the server applies its chat template, because only the server knows its
// tokenizer (how BOS/EOS are added, whether "<s>" in text becomes a token). A Llama 2 chat checkpoint
// from Hugging Face (vLLM, TGI) carries Meta's template in tokenizer_config.json, and a GGUF
// converted from it carries it as tokenizer.chat_template. A GGUF without a template gets
// llama-server's default, ChatML, which a Llama 2 model was never trained on: start llama-server
// with `--jinja --chat-template-file workers/policy/llama-server/llama2-chat.jinja` (Meta's
// template; the test checks the model then gets exactly Meta's reference token ids). llama.cpp's
// built-in `--no-jinja --chat-template llama2-sys` is right for single-turn dialogues only (it
// drops the spaces around earlier answers and the BOS between exchanges). Ollama's llama2 models
// ship the template.
//
// Every generation is streamed (SSE), whether or not the caller wants onText: it is the only way
// to learn each sample's token count when n > 1 (usage counts all samples together; the count is
// llama-server's `timings.predicted_n` where sent, else one per content chunk), and an idle
// timeout can then tell a slow generation from a dead server.
import llamaTokenizer from "llama-tokenizer-js";
import pLimit, { type LimitFunction } from "p-limit";
import pRetry from "p-retry";
import type { ChatDialogue, EmbedInput, EmbedOptions, EmbeddingPooling, GenerateRequest, Generation, PolicyBackend, PolicySource, PolicyTokenizer } from "./policy-backend";

export type OpenAiOptions = {
  /** The server, with or without the trailing /v1 (e.g. http://gpu-1:8000 or http://gpu-1:8000/v1). */
  baseUrl: string;
  /** The served model's name (vLLM and Ollama need it; llama-server ignores it). */
  modelName?: string | null;
  /** Sent as a bearer token (vLLM --api-key, llama-server --api-key). */
  apiKey?: string | null;
  /** Requests in flight at once from this process; default 4 (llama-server's default slot count). */
  concurrency?: number;
  /** No response, or no new data in a stream, for this long fails the request; default 120 s. */
  timeoutMs?: number;
  /** Retries after a 429, a 5xx or a connection error, with exponential backoff; default 3. */
  retries?: number;
  /** First backoff; it doubles each retry (with jitter); default 500 ms. */
  minBackoffMs?: number;
};

/** A failure worth retrying: 429, 5xx, a refused or reset connection. */
class RetryableError extends Error {}

export class PolicyServerError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "PolicyServerError";
  }
}

/** Chat messages in the OpenAI format, system prompt first. */
export function chatMessages(dialogue: ChatDialogue) {
  return [
    ...(dialogue.systemPrompt ? [{ role: "system" as const, content: dialogue.systemPrompt }] : []),
    ...dialogue.turns.map((turn) => ({ role: turn.role === "USER" ? ("user" as const) : ("assistant" as const), content: turn.content })),
  ];
}

type ChunkChoice = { index: number; delta?: { content?: string | null }; finish_reason?: string | null };

function isConnectionError(error: unknown) {
  // fetch (undici) wraps socket errors as TypeError("fetch failed") with the system error as cause.
  const code = (error as { cause?: { code?: string } })?.cause?.code ?? (error as { code?: string })?.code;
  return typeof code === "string" && /^(ECONNREFUSED|ECONNRESET|EPIPE|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_SOCKET|UND_ERR_CLOSED)$/.test(code);
}

/** Inputs per /v1/embeddings request, within a server's batch and body limits. */
const EMBED_REQUEST_INPUTS = 32;

export class OpenAiBackend implements PolicyBackend {
  readonly description: string;
  readonly source: PolicySource;
  /** The server pools as it was started (llama-server --pooling, vLLM's pooler config). */
  readonly embedPoolings: readonly EmbeddingPooling[] = [];
  readonly embeddingDims = null;
  private readonly root: string;
  private readonly limit: LimitFunction;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly minBackoffMs: number;

  constructor(private readonly options: OpenAiOptions) {
    const url = new URL(options.baseUrl);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`baseUrl must be an http(s) URL, got ${options.baseUrl}`);
    this.root = url.href.replace(/\/+$/, "").replace(/\/v1$/, "");
    this.limit = pLimit(options.concurrency ?? 4);
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.retries = options.retries ?? 3;
    this.minBackoffMs = options.minBackoffMs ?? 500;
    this.description = `${this.root}${options.modelName ? ` ${options.modelName}` : ""}`;
    this.source = { backend: "OPENAI_COMPATIBLE", baseUrl: this.root, modelName: options.modelName ?? null };
  }

  /**
   * Llama 2's SentencePiece tokenizer, run here: the OpenAI API has no tokenize endpoint, and every
   * Llama 2 checkpoint (7B to 70B, chat or not) shares the vocabulary. With Meta's chat template
   * the server feeds a chat completion exactly these ids (openai-backend.test.ts).
   */
  tokenizer(): PolicyTokenizer {
    return { encode: (text) => llamaTokenizer.encode(text, false) as number[], bos: 1, eos: 2 };
  }

  /**
   * One POST with retries; `read` consumes the response body. A retry happens only before any of
   * the body was handed to `read` (a stream cut halfway is an error, not a silent restart).
   */
  private request<T>(path: string, body: object, signal: AbortSignal | undefined, read: (response: Response, idle: () => void) => Promise<T>): Promise<T> {
    return this.limit(() =>
      pRetry(() => this.attempt(path, body, signal, read), {
        retries: this.retries,
        minTimeout: this.minBackoffMs,
        factor: 2,
        randomize: true,
        signal,
        shouldRetry: ({ error }) => error instanceof RetryableError,
      }).catch((error: unknown) => {
        // The last attempt's error, as a plain error naming the server.
        if (error instanceof RetryableError) throw new PolicyServerError(`${error.message} (after ${this.retries + 1} attempt${this.retries ? "s" : ""})`);
        throw error;
      }),
    );
  }

  private async attempt<T>(path: string, body: object, signal: AbortSignal | undefined, read: (response: Response, idle: () => void) => Promise<T>): Promise<T> {
    signal?.throwIfAborted();
    const url = `${this.root}${path}`;
    const controller = new AbortController();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    // An idle timer: restarted by the response and by every chunk of a stream.
    const idle = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.timeoutMs);
    };
    const onAbort = () => controller.abort(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    idle();
    try {
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
          },
          body: JSON.stringify(body),
          signal: controller.signal,
          // The API key goes to the configured server only: a redirect is an error, not followed.
          redirect: "manual",
        });
      } catch (error) {
        if (timedOut) throw new PolicyServerError(`Policy server ${this.root} did not answer POST ${path} within ${this.timeoutMs} ms.`);
        if (signal?.aborted) throw signal.reason;
        if (isConnectionError(error)) {
          throw new RetryableError(`Cannot reach the policy server ${this.root} (POST ${path}): ${(error as { cause?: Error }).cause?.message ?? String(error)}`);
        }
        throw error;
      }
      idle();
      if (response.status >= 300 && response.status < 400) {
        void response.body?.cancel().catch(() => {});
        throw new PolicyServerError(
          `Policy server ${this.root} answered ${response.status} (a redirect${response.headers.get("location") ? ` to ${response.headers.get("location")}` : ""}) to POST ${path}; redirects are not followed, so the API key only ever goes to the configured URL. Set the variant's base URL to the server's own address.`,
          response.status,
        );
      }
      if (!response.ok) {
        const text = (await response.text().catch(() => "")).slice(0, 500);
        const message = `Policy server ${this.root} answered ${response.status} ${response.statusText} to POST ${path}${text ? `: ${text}` : ""}`;
        if (response.status === 429 || response.status >= 500) throw new RetryableError(message);
        throw new PolicyServerError(message, response.status);
      }
      try {
        return await read(response, idle);
      } catch (error) {
        if (timedOut) throw new PolicyServerError(`Policy server ${this.root} sent nothing for ${this.timeoutMs} ms during POST ${path}.`);
        if (signal?.aborted) throw signal.reason;
        if (error instanceof PolicyServerError) throw error;
        // The connection broke mid-answer: not retried, since part of the answer was already streamed.
        throw new PolicyServerError(`Policy server ${this.root} broke off its answer to POST ${path}: ${error instanceof Error ? error.message : String(error)}`);
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }

  generate(request: GenerateRequest): Promise<Generation[]> {
    const { n, sampling, onText, signal } = request;
    if (!Number.isInteger(n) || n < 1) return Promise.reject(new Error(`n must be a positive integer, got ${n}.`));
    const body = {
      ...(this.options.modelName ? { model: this.options.modelName } : { model: "default" }),
      messages: chatMessages(request.dialogue),
      n,
      temperature: sampling.temperature,
      top_p: sampling.topP,
      max_tokens: sampling.maxTokens,
      ...(sampling.seed === undefined ? {} : { seed: sampling.seed }),
      stream: true,
    };
    return this.request("/v1/chat/completions", body, signal, async (response, idle) => {
      const started = Date.now();
      const samples = Array.from({ length: n }, () => ({ text: "", tokenCount: 0, finishReason: undefined as string | undefined, durationMs: 0 }));
      for await (const data of serverSentEvents(response, idle)) {
        // Events already read in the same network chunk keep coming after an abort: stop here,
        // so the caller hears no text once it has aborted.
        signal?.throwIfAborted();
        if (data === "[DONE]") break;
        const chunk = parseJson(data, this.root) as { choices?: ChunkChoice[]; error?: { message?: string }; timings?: { predicted_n?: number } };
        if (chunk.error) throw new PolicyServerError(`Policy server ${this.root} failed during generation: ${chunk.error.message ?? data}`);
        for (const choice of chunk.choices ?? []) {
          const sample = samples[choice.index];
          if (!sample) throw new PolicyServerError(`Policy server ${this.root} sent sample ${choice.index}, but only ${n} were asked for.`);
          const content = choice.delta?.content;
          if (content) {
            sample.text += content;
            sample.tokenCount++; // servers stream one token per chunk (llama-server, vLLM, TGI)
            onText?.(choice.index, sample.text);
          }
          if (choice.finish_reason) {
            sample.finishReason = choice.finish_reason;
            sample.durationMs = Date.now() - started;
            // llama-server tells the exact count with each sample's last chunk (it sends the bytes
            // of a character split over tokens in one chunk, so chunks can undercount).
            if (typeof chunk.timings?.predicted_n === "number") sample.tokenCount = chunk.timings.predicted_n;
          }
        }
      }
      return samples.map((sample, index): Generation => {
        if (!sample.finishReason) throw new PolicyServerError(`Policy server ${this.root} ended the stream before sample ${index} finished.`);
        return {
          text: sample.text,
          tokenCount: sample.tokenCount,
          finishReason: sample.finishReason === "length" ? "length" : "stop",
          durationMs: sample.durationMs,
        };
      });
    });
  }

  /**
   * Texts, or token ids (the OpenAI API takes arrays of ids as `input`; llama-server and vLLM feed
   * them to the model as they are, without adding BOS). The pooling is the server's.
   */
  async embed(inputs: EmbedInput[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const { pooling, signal } = options;
    if (pooling !== undefined) {
      throw new Error(`${this.root} pools embeddings as its server was started (llama-server --pooling, vLLM's pooler config); "${pooling}" cannot be chosen per request.`);
    }
    const vectors: Float32Array[] = [];
    // Requests of one kind of input each (the API takes strings or id arrays, not a mix).
    for (let first = 0; first < inputs.length; ) {
      const text = typeof inputs[first] === "string";
      let end = first + 1;
      while (end < inputs.length && end - first < EMBED_REQUEST_INPUTS && (typeof inputs[end] === "string") === text) end++;
      const slice = inputs.slice(first, end);
      const input = slice.map((item) => (typeof item === "string" ? item : [...item.tokens]));
      const body = { ...(this.options.modelName ? { model: this.options.modelName } : { model: "default" }), input };
      const result = await this.request("/v1/embeddings", body, signal, async (response) => {
        return parseJson(await response.text(), this.root) as { data?: { index: number; embedding: number[] }[] };
      });
      const data = result.data;
      if (!Array.isArray(data) || data.length !== input.length) {
        throw new PolicyServerError(`Policy server ${this.root} returned ${Array.isArray(data) ? data.length : "no"} embeddings for ${input.length} inputs.`);
      }
      for (const item of [...data].sort((a, b) => a.index - b.index)) {
        if (!Array.isArray(item.embedding) || (item.embedding.length > 0 && Array.isArray(item.embedding[0]))) {
          throw new PolicyServerError(`Policy server ${this.root} returned per-token embeddings: start it with a pooling (llama-server --pooling mean or last).`);
        }
        vectors.push(Float32Array.from(item.embedding));
      }
      first = end;
    }
    return vectors;
  }

  async close() {
    this.limit.clearQueue();
  }
}

function parseJson(text: string, server: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new PolicyServerError(`Policy server ${server} sent something that is not JSON: ${text.slice(0, 200)}`);
  }
}

/** The `data:` payloads of a text/event-stream response, one per event. */
async function* serverSentEvents(response: Response, onData: () => void): AsyncGenerator<string> {
  if (!response.body) return;
  const decoder = new TextDecoder();
  let buffer = "";
  let data: string[] = [];
  for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
    onData();
    buffer += decoder.decode(bytes, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, "");
      buffer = buffer.slice(newline + 1);
      if (line === "") {
        if (data.length) yield data.join("\n");
        data = [];
      } else if (line.startsWith("data:")) {
        data.push(line.slice(5).replace(/^ /, ""));
      } else if (line.startsWith("error:")) {
        throw new PolicyServerError(`Policy server stream error: ${line.slice(6).trim()}`);
      }
    }
  }
  if (data.length) yield data.join("\n");
}
