// The tiny model through the real runtime: node-llama-cpp's prebuilt CPU binaries load it,
// tokenize the Llama 2 chat markers as the real tokenizer does, generate and embed.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { getLlama } from "node-llama-cpp";
import { describe, expect, it } from "vitest";
import { TINY_LLAMA2, writeTinyLlama2 } from "./tiny-llama2";

describe("tiny Llama 2 in node-llama-cpp", () => {
  it("loads, tokenizes like Llama 2, generates and embeds", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tiny-llama2-")), "tiny.gguf");
    writeTinyLlama2(file);
    // Prebuilt binaries only: never a download or a build at test time.
    const llama = await getLlama({ build: "never", gpu: false });
    const model = await llama.loadModel({ modelPath: file });
    try {
      expect(model.trainContextSize).toBe(TINY_LLAMA2.context);
      expect(model.tokenize("[INST] hello [/INST]")).toEqual([518, 25580, 29962, 22172, 518, 29914, 25580, 29962]);

      const context = await model.createContext({ contextSize: 256, threads: 1 });
      const sequence = context.getSequence();
      const generated: number[] = [];
      for await (const token of sequence.evaluate(model.tokenize("<s>[INST] hello [/INST]", true), { temperature: 0 })) {
        generated.push(token);
        if (generated.length === 8) break;
      }
      expect(generated).toHaveLength(8);
      expect(generated.every((t) => Number.isInteger(t) && t >= 0 && t < 32000)).toBe(true);
      await context.dispose();

      const embedding = await model.createEmbeddingContext({ contextSize: 128, threads: 1 });
      const { vector } = await embedding.getEmbeddingFor("hello world");
      expect(vector).toHaveLength(TINY_LLAMA2.embedding);
      expect(vector.some((v) => v !== 0)).toBe(true);
      await embedding.dispose();
    } finally {
      await model.dispose();
    }
  });
});
