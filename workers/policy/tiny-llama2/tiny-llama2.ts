// A tiny Llama 2 for tests and the demo: the llama architecture, the real Llama 2 32k
// SentencePiece vocabulary (from llama-tokenizer-js, the real tokenizer's tokens and merges)
// and small deterministic random weights. No weights can be downloaded here; a real
// llama-2-7b-chat GGUF replaces this file through POLICY_MODEL_PATH.
import llamaTokenizer from "llama-tokenizer-js";
import { type MetadataValue, type Tensor, writeGguf } from "./gguf-writer";
import { createRandom } from "../../../server/random/seeded";

export type TinyLlama2Config = { embedding: number; heads: number; kvHeads: number; layers: number; feedForward: number; context: number };

export const TINY_LLAMA2: TinyLlama2Config = { embedding: 64, heads: 4, kvHeads: 4, layers: 2, feedForward: 128, context: 2048 };

/**
 * The generate benchmark's model: GPT-2-small-sized (134M parameters, 268 MB in F16), so its
 * weights do not fit in the CPU caches, as a real model's don't.
 */
export const BENCH_LLAMA2: TinyLlama2Config = { embedding: 768, heads: 12, kvHeads: 12, layers: 12, feedForward: 2048, context: 2048 };

export type WeightType = "f32" | "f16";

/** Parameters of a model of this shape (the 32k vocabulary's embedding and output included). */
export function parameterCount(config: TinyLlama2Config) {
  const n = config.embedding;
  const kv = (n / config.heads) * config.kvHeads;
  const perLayer = 2 * n + 2 * n * n + 2 * n * kv + 3 * n * config.feedForward;
  return 2 * 32000 * n + n + config.layers * perLayer;
}

// GGUF token types.
const NORMAL = 1;
const UNKNOWN = 2;
const CONTROL = 3;
const BYTE = 6;

/**
 * The Llama 2 vocabulary with the scores and types of llama.cpp's vocab-only Llama 2 GGUF,
 * which follow a rule (it matched all 32,000 entries): ids 0–258 score 0; a token made only of
 * "▁" scores −1e9; any other token i scores −(i − 259). Id 0 is UNKNOWN, 1–2 CONTROL, 3–258
 * BYTE, the rest NORMAL.
 */
export function llama2Vocabulary() {
  const tokens = (llamaTokenizer as unknown as { vocabById: string[] }).vocabById;
  if (tokens.length !== 32000) throw new Error(`expected the 32,000-token Llama 2 vocabulary, got ${tokens.length}`);
  const scores = new Float32Array(tokens.length);
  const types = new Int32Array(tokens.length);
  tokens.forEach((token, i) => {
    scores[i] = i <= 258 ? 0 : /^▁+$/.test(token) ? -1e9 : -(i - 259);
    types[i] = i === 0 ? UNKNOWN : i <= 2 ? CONTROL : i <= 258 ? BYTE : NORMAL;
  });
  return { tokens, scores, types };
}


/** Matrices are stored as `weights` says; norm vectors stay F32, as in real checkpoints. */
export function tinyLlama2Tensors(config: TinyLlama2Config, seed: number, weights: WeightType = "f32"): Tensor[] {
  const next = createRandom(seed);
  const n = config.embedding;
  const kv = (n / config.heads) * config.kvHeads;
  const scale = 1 / Math.sqrt(n);
  const matrix = (name: string, cols: number, rows: number): Tensor => {
    const data = new Float32Array(cols * rows);
    for (let i = 0; i < data.length; i++) data[i] = (next() * 2 - 1) * scale;
    return { name, dims: [cols, rows], data, type: weights };
  };
  const ones = (name: string, size: number): Tensor => ({ name, dims: [size], data: new Float32Array(size).fill(1) });
  const vocab = 32000;
  const tensors: Tensor[] = [matrix("token_embd.weight", n, vocab), ones("output_norm.weight", n), matrix("output.weight", n, vocab)];
  for (let i = 0; i < config.layers; i++) {
    tensors.push(
      ones(`blk.${i}.attn_norm.weight`, n),
      matrix(`blk.${i}.attn_q.weight`, n, n),
      matrix(`blk.${i}.attn_k.weight`, n, kv),
      matrix(`blk.${i}.attn_v.weight`, n, kv),
      matrix(`blk.${i}.attn_output.weight`, n, n),
      ones(`blk.${i}.ffn_norm.weight`, n),
      matrix(`blk.${i}.ffn_gate.weight`, n, config.feedForward),
      matrix(`blk.${i}.ffn_up.weight`, n, config.feedForward),
      matrix(`blk.${i}.ffn_down.weight`, config.feedForward, n),
    );
  }
  return tensors;
}

export function tinyLlama2Metadata(config: TinyLlama2Config): Record<string, MetadataValue> {
  const { tokens, scores, types } = llama2Vocabulary();
  return {
    "general.architecture": { type: "string", value: "llama" },
    "general.name": { type: "string", value: "tiny-llama2-chat (random weights, for tests)" },
    "llama.context_length": { type: "u32", value: config.context },
    "llama.embedding_length": { type: "u32", value: config.embedding },
    "llama.block_count": { type: "u32", value: config.layers },
    "llama.feed_forward_length": { type: "u32", value: config.feedForward },
    "llama.rope.dimension_count": { type: "u32", value: config.embedding / config.heads },
    "llama.attention.head_count": { type: "u32", value: config.heads },
    "llama.attention.head_count_kv": { type: "u32", value: config.kvHeads },
    "llama.attention.layer_norm_rms_epsilon": { type: "f32", value: 1e-5 },
    "tokenizer.ggml.model": { type: "string", value: "llama" },
    "tokenizer.ggml.tokens": { type: "string[]", value: tokens },
    "tokenizer.ggml.scores": { type: "f32[]", value: scores },
    "tokenizer.ggml.token_type": { type: "i32[]", value: types },
    "tokenizer.ggml.bos_token_id": { type: "u32", value: 1 },
    "tokenizer.ggml.eos_token_id": { type: "u32", value: 2 },
    "tokenizer.ggml.unknown_token_id": { type: "u32", value: 0 },
    "tokenizer.ggml.add_bos_token": { type: "bool", value: true },
    "tokenizer.ggml.add_eos_token": { type: "bool", value: false },
  };
}

export function writeTinyLlama2(file: string, config: TinyLlama2Config = TINY_LLAMA2, seed = 2023, weights: WeightType = "f32") {
  writeGguf(file, tinyLlama2Metadata(config), tinyLlama2Tensors(config, seed, weights));
}
