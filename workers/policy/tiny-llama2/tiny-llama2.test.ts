// The tiny model's file, read back by an independent GGUF reader (@huggingface/gguf).
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gguf } from "@huggingface/gguf";
import llamaTokenizer from "llama-tokenizer-js";
import { describe, expect, it } from "vitest";
import { ALIGNMENT, toFloat16Bits } from "./gguf-writer";
import { BENCH_LLAMA2, parameterCount, TINY_LLAMA2, tinyLlama2Tensors, writeTinyLlama2 } from "./tiny-llama2";

describe("tiny Llama 2 GGUF", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tiny-llama2-"));
  const file = path.join(dir, "tiny.gguf");
  writeTinyLlama2(file);

  it("has the llama architecture's metadata and the Llama 2 vocabulary", async () => {
    const read = await gguf(file, { allowLocalFile: true });
    const metadata = read.metadata as unknown as Record<string, unknown>;
    const { tensorInfos } = read;
    expect(metadata.version).toBe(3);
    expect(metadata["general.architecture"]).toBe("llama");
    expect(metadata["llama.embedding_length"]).toBe(TINY_LLAMA2.embedding);
    expect(metadata["llama.block_count"]).toBe(TINY_LLAMA2.layers);
    expect(metadata["llama.attention.head_count"]).toBe(TINY_LLAMA2.heads);
    expect(metadata["tokenizer.ggml.model"]).toBe("llama");
    const tokens = metadata["tokenizer.ggml.tokens"] as string[];
    expect(tokens).toHaveLength(32000);
    // Token ids as the real tokenizer gives them ("▁hello" is 22172, "[" after a space 518).
    const ids = llamaTokenizer.encode("[INST] hello [/INST]", false) as number[];
    expect(ids.map((id) => tokens[id])).toEqual(["▁[", "INST", "]", "▁hello", "▁[", "/", "INST", "]"]);
    const scores = metadata["tokenizer.ggml.scores"] as number[];
    // 259 is "▁▁" and 29871 "▁": tokens made only of "▁" score −1e9; 260 is "▁t".
    expect([scores[0], scores[258], scores[259], scores[260], scores[22172], scores[29871]]).toEqual([0, 0, -1e9, -1, -(22172 - 259), -1e9]);
    const types = metadata["tokenizer.ggml.token_type"] as number[];
    expect([types[0], types[1], types[2], types[3], types[258], types[259]]).toEqual([2, 3, 3, 6, 6, 1]);

    // 3 global tensors + 9 per layer, F32, aligned offsets.
    expect(tensorInfos).toHaveLength(3 + 9 * TINY_LLAMA2.layers);
    const embedding = tensorInfos.find((t) => t.name === "token_embd.weight")!;
    expect(embedding.shape.map(Number)).toEqual([TINY_LLAMA2.embedding, 32000]);
    expect(tensorInfos.every((t) => Number(t.offset) % ALIGNMENT === 0 && t.dtype === 0)).toBe(true);
    const down = tensorInfos.find((t) => t.name === "blk.1.ffn_down.weight")!;
    expect(down.shape.map(Number)).toEqual([TINY_LLAMA2.feedForward, TINY_LLAMA2.embedding]);
  });

  it("is the same file for the same seed", () => {
    const again = path.join(dir, "again.gguf");
    writeTinyLlama2(again);
    const sha = (f: string) => crypto.createHash("sha256").update(fs.readFileSync(f)).digest("hex");
    expect(sha(again)).toBe(sha(file));
    expect(fs.statSync(file).size).toBeGreaterThan(2 * 32000 * TINY_LLAMA2.embedding * 4);
  });

  it("writes F16 matrices (norms stay F32) at half the size, for the bench model", async () => {
    const half = path.join(dir, "tiny-f16.gguf");
    writeTinyLlama2(half, TINY_LLAMA2, 2023, "f16");
    const read = await gguf(half, { allowLocalFile: true });
    const { tensorInfos } = read;
    expect(tensorInfos.find((t) => t.name === "token_embd.weight")!.dtype).toBe(1);
    expect(tensorInfos.find((t) => t.name === "blk.0.attn_norm.weight")!.dtype).toBe(0);
    expect(tensorInfos.every((t) => Number(t.offset) % ALIGNMENT === 0)).toBe(true);
    expect(fs.statSync(half).size).toBeLessThan(fs.statSync(file).size * 0.6);
    // The values read back from the F16 file are the F32 weights rounded.
    const embedding = tinyLlama2Tensors(TINY_LLAMA2, 2023).find((t) => t.name === "token_embd.weight")!.data;
    const info = tensorInfos.find((t) => t.name === "token_embd.weight")!;
    const start = Number(read.tensorDataOffset) + Number(info.offset);
    const bytes = fs.readFileSync(half).subarray(start, start + 16);
    for (let i = 0; i < 8; i++) expect(bytes.readUInt16LE(i * 2)).toBe(toFloat16Bits(embedding[i]!));
  });

  it("rounds to IEEE binary16 as numpy does", () => {
    expect([1, -2, 0.1, 65504, 65520, 1e-8, 5.960464477539063e-8, 6.1e-5, 0.333333, Infinity, 0].map(toFloat16Bits)).toEqual([
      0x3c00, 0xc000, 0x2e66, 0x7bff, 0x7c00, 0x0000, 0x0001, 0x03ff, 0x3555, 0x7c00, 0x0000,
    ]);
    expect(toFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
  });

  it("counts parameters as the tensors hold them; the bench model has over 100M", () => {
    const total = tinyLlama2Tensors(TINY_LLAMA2, 1).reduce((sum, t) => sum + t.data.length, 0);
    expect(parameterCount(TINY_LLAMA2)).toBe(total);
    expect(parameterCount(BENCH_LLAMA2)).toBeGreaterThan(100e6);
  });
});
