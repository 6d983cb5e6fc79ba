// The tiny model's file, read back by an independent GGUF reader (@huggingface/gguf).
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gguf } from "@huggingface/gguf";
import llamaTokenizer from "llama-tokenizer-js";
import { describe, expect, it } from "vitest";
import { ALIGNMENT } from "./gguf-writer";
import { TINY_LLAMA2, writeTinyLlama2 } from "./tiny-llama2";

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
});
