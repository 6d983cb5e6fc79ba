// The tiny Llama 2 through the real node-llama-cpp runtime (CPU here): the chat format's token ids
// reach the model, n samples run in parallel, seeds, maxTokens, streaming, abort, embeddings.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import llamaTokenizer from "llama-tokenizer-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { llama2AnsweredTokens, llama2ChatTokens } from "../../server/prompts/llama2-chat";
import { defaultThreads, LlamaCppBackend } from "./llama-cpp-backend";
import { ensureTinyModel } from "./open-backend";
import { multiTurnDialogue } from "./testing/dialogues";

const dialogue = multiTurnDialogue;
const sampling = { temperature: 0.8, topP: 0.9, maxTokens: 24 };

let backend: LlamaCppBackend;

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "llama-cpp-backend-"));
  backend = await LlamaCppBackend.open({ modelPath: ensureTinyModel(dir) });
});
afterAll(() => backend?.close());

describe("llama.cpp backend on the tiny Llama 2", () => {
  it("sends the Llama 2 chat format as the reference tokenizer's ids, BOS and EOS as ids", () => {
    const expected = llama2ChatTokens(dialogue, (text) => llamaTokenizer.encode(text, false) as number[]);
    const tokens = backend.promptTokens(dialogue);
    expect(tokens).toEqual(expected);
    // Two exchanges: BOS … EOS for the answered one, BOS … [/INST] for the last.
    expect(tokens.filter((t) => t === 1)).toHaveLength(2);
    expect(tokens.filter((t) => t === 2)).toHaveLength(1);
    expect(llamaTokenizer.decode(tokens.slice(-4) as number[], false)).toBe("[/INST]");
  });

  it("generates n = 4 samples in parallel, streaming each, stopping at maxTokens", async () => {
    const streamed = new Map<number, string[]>();
    const samples = await backend.generate({
      dialogue,
      n: 4,
      sampling: { ...sampling, seed: 11 },
      onText: (index, text) => streamed.set(index, [...(streamed.get(index) ?? []), text]),
    });
    expect(samples).toHaveLength(4);
    for (const [index, sample] of samples.entries()) {
      // Random weights rarely pick EOS: every sample runs to maxTokens.
      expect(sample).toMatchObject({ tokenCount: sampling.maxTokens, finishReason: "length" });
      expect(sample.text.length).toBeGreaterThan(0);
      expect(sample.durationMs).toBeGreaterThanOrEqual(0);
      const texts = streamed.get(index)!;
      expect(texts.length).toBeGreaterThan(1);
      expect(texts.at(-1)).toBe(sample.text);
      // Each streamed text extends the previous one.
      texts.slice(1).forEach((text, k) => expect(text.startsWith(texts[k]!)).toBe(true));
    }
    // Four different seeds, four different samples.
    expect(new Set(samples.map((s) => s.text)).size).toBe(4);
  });

  it("decodes each step as one batch of every running sequence, after one batch of the shared prompt", async () => {
    // A look inside node-llama-cpp (test only): what goes into each llama.cpp batch.
    await backend.generate({ dialogue, n: 1, sampling: { ...sampling, maxTokens: 1 } }); // the context exists
    const { context } = await (backend as unknown as { context: Promise<{ context: object }> }).context;
    const target = context as { _ctx: object };
    const native = target._ctx;
    const batches: number[][] = [];
    let batch: number[] = [];
    target._ctx = new Proxy(native, {
      get(object, property) {
        const value = Reflect.get(object, property) as unknown;
        if (typeof value !== "function") return value;
        if (property === "addToBatch") {
          return (...args: unknown[]) => {
            batch.push((args[2] as Uint32Array).length);
            return value.apply(object, args);
          };
        }
        if (property === "decodeBatch") {
          return () => {
            batches.push(batch);
            batch = [];
            return value.apply(object, []);
          };
        }
        return value.bind(object);
      },
    });
    try {
      await backend.generate({ dialogue, n: 4, sampling: { ...sampling, maxTokens: 10, seed: 2 } });
    } finally {
      target._ctx = native;
    }
    const prompt = backend.promptTokens(dialogue);
    // The prompt but its last token, once, on one sequence; then 10 steps of 4 sequences × 1 token
    // (the last prompt token, then each sampled token but the tenth).
    expect(batches).toEqual([[prompt.length - 1], ...Array(10).fill([1, 1, 1, 1])]);
  });

  it("gives the same samples for the same seed and different ones for another", async () => {
    const run = (seed: number) => backend.generate({ dialogue, n: 4, sampling: { ...sampling, seed } });
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    expect(b.map((s) => s.text)).toEqual(a.map((s) => s.text));
    expect(c.map((s) => s.text)).not.toEqual(a.map((s) => s.text));
    // Seeds go seed, seed + 1, …: sample 1 of seed 5 is sample 0 of seed 6.
    expect(c[0]!.text).toBe(a[1]!.text);
  });

  it("runs more samples than sequences in rounds, and honours a short maxTokens", async () => {
    const samples = await backend.generate({ dialogue, n: 6, sampling: { ...sampling, maxTokens: 3, seed: 1 } });
    expect(samples.map((s) => [s.tokenCount, s.finishReason])).toEqual(Array(6).fill([3, "length"]));
  });

  it("is deterministic at temperature 0, whatever the seed", async () => {
    const [a, b] = await backend.generate({ dialogue, n: 2, sampling: { ...sampling, temperature: 0, seed: 1 } });
    const [c] = await backend.generate({ dialogue, n: 1, sampling: { ...sampling, temperature: 0, seed: 99 } });
    expect(b!.text).toBe(a!.text);
    expect(c!.text).toBe(a!.text);
  });

  it("runs concurrent requests side by side (responses A and B stream together)", async () => {
    const events: string[] = [];
    const one = (side: string, seed: number) =>
      backend
        .generate({ dialogue, n: 1, sampling: { ...sampling, maxTokens: 40, seed }, onText: () => events.push(side) })
        .then((samples) => (events.push(`${side} done`), samples));
    await Promise.all([one("A", 1), one("B", 2)]);
    // B streamed before A finished: they did not wait for each other (and both did stream).
    expect(events).toEqual(expect.arrayContaining(["A", "B", "A done", "B done"]));
    expect(events.indexOf("B")).toBeLessThan(events.indexOf("A done"));
    expect(events.indexOf("A")).toBeLessThan(events.indexOf("B done"));
  });

  it("stops at the end of the step it was aborted in, and the next generation works", async () => {
    const controller = new AbortController();
    const n = 4;
    let calls = 0;
    const aborted = backend.generate({
      dialogue,
      n,
      sampling: { ...sampling, maxTokens: 1000, seed: 3 },
      signal: controller.signal,
      onText: () => {
        if (++calls === 8) controller.abort();
      },
    });
    await expect(aborted).rejects.toMatchObject({ name: "AbortError" });
    // The signal is read between steps: at most the other sequences' texts of that step follow.
    expect(calls).toBeGreaterThanOrEqual(8);
    expect(calls).toBeLessThanOrEqual(8 + n - 1);
    const atRejection = calls;
    const after = await backend.generate({ dialogue, n, sampling: { ...sampling, seed: 11 } });
    expect(after.every((s) => s.tokenCount === sampling.maxTokens)).toBe(true);
    // Nothing of the aborted generation ran on meanwhile.
    expect(calls).toBe(atRejection);
  });

  it("refuses a prompt plus maxTokens longer than the context, and bad n", async () => {
    await expect(backend.generate({ dialogue, n: 1, sampling: { ...sampling, maxTokens: 5000 } })).rejects.toThrow(/exceeds the context/);
    await expect(backend.generate({ dialogue, n: 0, sampling })).rejects.toThrow(/n must be a positive integer/);
  });

  it("embeds each text as one mean-pooled vector of the model's width", async () => {
    const [a, b, again] = await backend.embed(["The cat sat on the mat.", "Completely different words here", "The cat sat on the mat."]);
    expect(a).toHaveLength(64);
    expect(again).toEqual(a);
    expect(b).not.toEqual(a);
    expect(a!.every(Number.isFinite)).toBe(true);
  });

  it("embeds token ids as they are, pooled by mean or by the last token", async () => {
    const { encode, bos, eos } = backend.tokenizer();
    const tokens = llama2AnsweredTokens(dialogue, "Bleu.", encode, { bos, eos });
    const [mean, last, text, ids] = [
      ...(await backend.embed([{ tokens }])),
      ...(await backend.embed([{ tokens }], { pooling: "last" })),
      ...(await backend.embed(["The cat sat on the mat.", { tokens: [bos, ...encode("The cat sat on the mat.")] }], { pooling: "mean" })),
    ];
    expect(backend.embeddingDims).toBe(64);
    expect(backend.embedPoolings).toEqual(["mean", "last"]);
    expect(mean).toHaveLength(64);
    expect(last).toHaveLength(64);
    expect(last).not.toEqual(mean);
    // A text is its ids with BOS first.
    expect(ids).toEqual(text);
    await expect(backend.embed([{ tokens }], { pooling: "max" as never })).rejects.toThrow('Unknown pooling "max": use mean or last.');
    expect(backend.source).toEqual({
      backend: "LLAMA_CPP",
      modelPath: expect.stringMatching(/tiny-llama2\.gguf$/),
      loaded: { size: fs.statSync(backend.source.modelPath).size, mtimeMs: fs.statSync(backend.source.modelPath).mtimeMs },
    });
  });

  it("defaults to one thread for a model that fits in cache and every core for a big one", () => {
    const saved = process.env.POLICY_THREADS;
    delete process.env.POLICY_THREADS;
    try {
      expect(defaultThreads(8e6, 2)).toBe(1);
      expect(defaultThreads(268e6, 2)).toBe(2);
      process.env.POLICY_THREADS = "3";
      expect(defaultThreads(8e6, 2)).toBe(3);
    } finally {
      if (saved === undefined) delete process.env.POLICY_THREADS;
      else process.env.POLICY_THREADS = saved;
    }
    expect(backend.threads).toBeGreaterThan(0);
  });
});
