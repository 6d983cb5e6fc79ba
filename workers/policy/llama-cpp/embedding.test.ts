// Pooled embeddings of token ids on the tiny Llama 2: chunked means are the whole input's mean,
// a one-token last chunk is llama.cpp's own last-token pooling, and a reused prefix changes nothing.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LlamaEmbeddingContext, LlamaModel, Token } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { llama2AnsweredTokens } from "../../../server/prompts/llama2-chat";
import { ensureTinyModel } from "../default-policy";
import { multiTurnDialogue } from "../testing/dialogues";
import { SequenceEmbedder } from "./embedding";
import { llamaRuntime, loadPolicyModel } from "./runtime";

let model: LlamaModel;
let lastPooled: LlamaModel;
const contexts: LlamaEmbeddingContext[] = [];
let modelPath: string;

beforeAll(async () => {
  modelPath = ensureTinyModel(fs.mkdtempSync(path.join(os.tmpdir(), "embedding-")));
  model = await loadPolicyModel(modelPath);
  // The same file with llama.cpp's last-token pooling (LLAMA_POOLING_TYPE_LAST = 3), as reference.
  lastPooled = await (await llamaRuntime()).loadModel({ modelPath, metadataOverrides: { llama: { pooling_type: 3 } } as never });
});
afterAll(async () => {
  for (const context of contexts) await context.dispose();
  await lastPooled?.dispose();
});

async function embedder(chunkSize?: number, from = model) {
  const context = await from.createEmbeddingContext({ contextSize: 512, batchSize: 512, threads: 1 });
  contexts.push(context);
  return { embedder: new SequenceEmbedder(context, from.embeddingVectorSize, chunkSize), context };
}

const encode = (text: string) => model.tokenize(text, false) as number[];
const answered = (answer: string) => llama2AnsweredTokens(multiTurnDialogue, answer, encode);
const prompt = () => answered("x").length - encode("x ").length - 1;

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>) {
  expect(a.length).toBe(b.length);
  let most = 0;
  for (let i = 0; i < a.length; i++) most = Math.max(most, Math.abs(a[i]! - b[i]!));
  return most;
}

describe("SequenceEmbedder", () => {
  it("gives the mean over every token however the input is cut into decodes", async () => {
    const tokens = answered("Bleu, and then a few more words so that the answer is long enough to cut.");
    const { embedder: whole, context } = await embedder();
    const { embedder: chunked } = await embedder(7);
    const a = await whole.embed(tokens, "mean");
    const b = await chunked.embed(tokens, "mean");
    expect(a).toHaveLength(model.embeddingVectorSize);
    expect(whole.counts.decodes).toBe(1);
    expect(chunked.counts.decodes).toBe(Math.ceil(tokens.length / 7));
    // Equal up to the rounding of different batch shapes (the K/V cache is F16); a mean over the
    // last chunk only would be off by the size of the values themselves.
    expect(maxDifference(a, b)).toBeLessThan(1e-3);
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(0.1);
    // node-llama-cpp's own call, which fits one decode here, agrees.
    const reference = (await context.getEmbeddingFor([...tokens] as Token[])).vector;
    expect(maxDifference(a, reference)).toBeLessThan(1e-5);
  });

  it("gives the last token's hidden state for last pooling, as llama.cpp's LLAMA_POOLING_TYPE_LAST does", async () => {
    const tokens = answered("Rouge.");
    const { embedder: one } = await embedder();
    const { context: reference } = await embedder(undefined, lastPooled);
    const last = await one.embed(tokens, "last");
    const expected = (await reference.getEmbeddingFor([...tokens] as Token[])).vector;
    expect(maxDifference(last, expected)).toBeLessThan(1e-4);
    const mean = await one.embed(tokens, "mean");
    expect(maxDifference(last, mean)).toBeGreaterThan(0.01);
  });

  it("evaluates a shared prompt once for consecutive responses, with the same vectors as alone", async () => {
    const a = answered("Bleu.");
    const b = answered("Vert, like the grass.");
    const shared = prompt();
    expect(b.slice(0, shared)).toEqual(a.slice(0, shared));
    for (const pooling of ["mean", "last"] as const) {
      const { embedder: together } = await embedder();
      await together.embed(a, pooling, shared);
      const reused = await together.embed(b, pooling, shared);
      expect(together.counts.reused).toBe(shared);
      expect(together.counts.evaluated).toBe(a.length + b.length - shared);
      const { embedder: alone } = await embedder();
      const fresh = await alone.embed(b, pooling, shared);
      expect(alone.counts.reused).toBe(0);
      expect(maxDifference(reused, fresh)).toBeLessThan(1e-5);
      // Without reuse, every token again.
      const again = await together.embed(a, pooling, shared, false);
      expect(together.counts.reused).toBe(shared);
      expect(maxDifference(again, await alone.embed(a, pooling, shared))).toBeLessThan(1e-5);
    }
  });

  it("the same input twice evaluates only its last token again", async () => {
    const tokens = answered("Jaune.");
    const { embedder: one } = await embedder();
    const first = await one.embed(tokens, "last", prompt());
    const second = await one.embed(tokens, "last", prompt());
    expect(maxDifference(first, second)).toBeLessThan(1e-5);
    expect(one.counts.reused).toBe(tokens.length - 1);
  });

  it("refuses an empty input and one longer than the context", async () => {
    const { embedder: one } = await embedder();
    await expect(one.embed([], "mean")).rejects.toThrow("Cannot embed an empty input.");
    await expect(one.embed(Array(600).fill(100), "mean")).rejects.toThrow("The input (600 tokens) does not fit the embedding context of 512 tokens");
    expect(await one.embed(answered("Ok."), "mean")).toHaveLength(model.embeddingVectorSize);
  });
});
