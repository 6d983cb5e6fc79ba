// Pooled embeddings of token ids, on node-llama-cpp's embedding context, with the pooling chosen
// per call and a prefix shared by consecutive inputs evaluated once.
//
// What llama.cpp gives: a context created for embeddings pools with the model's pooling type
// (runtime.ts loads every model with mean pooling), and the pooled vector of a decode covers only
// the tokens of that decode: llama.cpp clears it before each llama_decode and writes it per
// ubatch. node-llama-cpp's getEmbeddingFor evaluates an input in batches of the context's batch
// size and reads the vector once at the end, so an input longer than one batch would be pooled
// over its last batch only. Here each input is evaluated in chunks of at most one batch, one
// decode each, and the chunk means are combined weighted by their lengths; a causal model's hidden
// state at a token depends only on the tokens before it, so that is the mean over the whole input.
// A last chunk of one token gives that token's own hidden state: last-token pooling, from the same
// context (tested against llama.cpp's LLAMA_POOLING_TYPE_LAST).
//
// Because chunk sums are kept, the tokens a sequence already holds can be reused: an input that
// starts with the tokens of the previous one up to a chunk boundary continues from there. A
// `sharedPrefix` hint puts a boundary after the prompt, so response B of a pair reuses the prompt
// evaluated for response A. The vector of an input does not depend on what came before it: its
// chunks are cut at the same places either way.
//
// This reads two internals of node-llama-cpp 3.22 (the context's sequence and its native
// getEmbedding); `internalsOf` checks they are there and says so if an upgrade removes them.
import type { LlamaContextSequence, LlamaEmbeddingContext, Token } from "node-llama-cpp";
import type { EmbeddingPooling } from "../policy-backend";

type NativeContext = { getEmbedding(inputTokensLength: number, maxVectorSize?: number): Float64Array };
type Internals = { _sequence: LlamaContextSequence; _llamaContext: { _ctx: NativeContext; contextSize: number; batchSize: number } };

function internalsOf(context: LlamaEmbeddingContext): Internals {
  const internals = context as unknown as Partial<Internals>;
  if (!internals._sequence || typeof internals._llamaContext?._ctx?.getEmbedding !== "function") {
    throw new Error("This node-llama-cpp has no embedding sequence or native getEmbedding (written for 3.22): workers/policy/llama-cpp/embedding.ts needs updating.");
  }
  return internals as Internals;
}

/** A chunk boundary of the held tokens: the sum of the hidden states of the tokens before `at`. */
type Mark = { at: number; sum: Float64Array };

export class SequenceEmbedder {
  private readonly sequence: LlamaContextSequence;
  private readonly native: NativeContext;
  readonly contextSize: number;
  readonly batchSize: number;
  /** The tokens the sequence holds, and the chunk boundaries among them (the first at 0). */
  private held: number[] = [];
  private marks: Mark[];
  /** Tokens evaluated and tokens reused from the sequence, since creation (for benchmarks). */
  readonly counts = { evaluated: 0, reused: 0, decodes: 0 };

  constructor(
    context: LlamaEmbeddingContext,
    readonly dims: number,
    /** Chunks are at most this long (at most the context's batch size). */
    chunkSize?: number,
  ) {
    const { _sequence, _llamaContext } = internalsOf(context);
    this.sequence = _sequence;
    this.native = _llamaContext._ctx;
    this.contextSize = _llamaContext.contextSize;
    this.batchSize = Math.min(chunkSize ?? _llamaContext.batchSize, _llamaContext.batchSize);
    this.marks = [{ at: 0, sum: new Float64Array(dims) }];
  }

  /**
   * The pooled vector of `tokens`. Not reentrant: one call at a time (the backend queues them).
   * `reuse: false` evaluates every token again (for measuring what reuse gains).
   */
  async embed(tokens: readonly number[], pooling: EmbeddingPooling, sharedPrefix = 0, reuse = true): Promise<Float32Array> {
    const n = tokens.length;
    if (n === 0) throw new Error("Cannot embed an empty input.");
    // llama.cpp keeps one cell of a sequence free.
    if (n >= this.contextSize) throw new Error(`The input (${n} tokens) does not fit the embedding context of ${this.contextSize} tokens (POLICY_CONTEXT_SIZE).`);
    let common = 0;
    if (reuse) while (common < this.held.length && common < n && this.held[common] === tokens[common]) common++;
    // At least the last token is evaluated again: the vector comes from the last decode.
    const limit = Math.min(common, n - 1);
    let keep = 0;
    while (keep + 1 < this.marks.length && this.marks[keep + 1]!.at <= limit) keep++;
    const start = this.marks[keep]!.at;
    this.marks.length = keep + 1;
    this.held.length = start;
    if (this.sequence.nextTokenIndex > start) await this.sequence.eraseContextTokenRanges([{ start, end: this.sequence.nextTokenIndex }]);
    this.counts.reused += start;

    const cuts = new Set<number>([n]);
    if (sharedPrefix > start && sharedPrefix < n) cuts.add(sharedPrefix);
    if (pooling === "last" && n - 1 > start) cuts.add(n - 1);
    let at = start;
    let last: Float64Array | undefined;
    for (const cut of [...cuts].sort((a, b) => a - b)) {
      while (at < cut) {
        const end = Math.min(cut, at + this.batchSize);
        const chunk = tokens.slice(at, end) as Token[];
        try {
          await this.sequence.evaluateWithoutGeneratingNewTokens(chunk);
        } catch (error) {
          // What the sequence holds is unknown now: start afresh next time.
          this.forget();
          throw error;
        }
        this.counts.decodes++;
        this.counts.evaluated += chunk.length;
        last = this.native.getEmbedding(chunk.length);
        if (last.length !== this.dims) throw new Error(`The model returned a ${last.length}-dimensional embedding, expected ${this.dims}.`);
        const sum = Float64Array.from(this.marks.at(-1)!.sum);
        for (let i = 0; i < sum.length; i++) sum[i]! += last[i]! * chunk.length;
        this.held.push(...chunk);
        this.marks.push({ at: end, sum });
        at = end;
      }
    }
    if (pooling === "last") return Float32Array.from(last!);
    const total = this.marks.at(-1)!.sum;
    return Float32Array.from(total, (x) => x / n);
  }

  /** Drops what the sequence holds (its tokens are erased on the next call). */
  forget() {
    this.held = [];
    this.marks.length = 1;
  }
}
