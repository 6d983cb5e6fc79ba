// The feature step through the real PostgreSQL cache and the real tiny Llama 2: what reaches the
// model is counted by an extractor wrapped around the real one (the cache itself is the real one).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../server/db/prisma";
import { findFeatureSpace } from "../../server/features/feature-cache";
import { ensureTinyModel } from "../policy/default-policy";
import { LlamaCppBackend } from "../policy/llama-cpp-backend";
import { extract, type PolicyEmbeddingExtractor, policyEmbeddingExtractor } from "./extractor";
import { modelFileSha256 } from "./model-hash";
import { type FeatureProgress, featuresFor } from "./pipeline";
import { CountingExtractor, pairInputs } from "./testing/inputs";

let dir: string;
let backend: LlamaCppBackend;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "features-pipeline-"));
  backend = await LlamaCppBackend.open({ modelPath: ensureTinyModel(dir) });
});
afterAll(() => backend?.close());

const hash = (file: string) => modelFileSha256(file, { cacheDir: path.join(dir, "hashes") });
/** A real extractor whose identity is its own (a tag in the model field), so tests do not share a cache. */
async function extractor(tag: string, pooling: "mean" | "last" = "mean"): Promise<PolicyEmbeddingExtractor> {
  return policyEmbeddingExtractor(backend, { pooling, hash: async (file) => ({ ...(await hash(file)), sha256: `${(await hash(file)).sha256}-${tag}` }) });
}

function maxDifference(a: Float32Array[], b: Float32Array[]) {
  expect(a.map((v) => v.length)).toEqual(b.map((v) => v.length));
  let most = 0;
  a.forEach((v, i) => v.forEach((x, k) => (most = Math.max(most, Math.abs(x - b[i]![k]!)))));
  return most;
}

describe("featuresFor", () => {
  it("embeds each distinct input once, caches it, and embeds nothing on a second run", async () => {
    const real = await extractor("second-run");
    const inputs = pairInputs(6);
    inputs.push(inputs[0]!, inputs[3]!); // repeats
    const counting = new CountingExtractor(real);
    const progress: FeatureProgress[] = [];
    const first = await featuresFor(prisma, counting, inputs, { embedBatch: 4, readBatch: 5, onProgress: (p) => progress.push(p) });
    expect(first.vectors).toHaveLength(14);
    expect(first.dims).toBe(64);
    expect(first.stats).toMatchObject({ inputs: 14, unique: 12, cached: 0, embedded: 12, written: 12 });
    expect(counting.embedded).toBe(12);
    expect(first.vectors[12]).toBe(first.vectors[0]);
    expect(first.stats.tokens).toBe(inputs.reduce((sum, input) => sum + real.format(input).tokens.length, 0));
    expect(progress.at(-1)).toEqual({ done: 14, total: 14, cached: 0, embedded: 12 });
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));
    const space = await findFeatureSpace(prisma, real.key);
    expect(space?.dims).toBe(64);
    expect(await prisma.featureVector.count({ where: { spaceId: space!.id } })).toBe(12);

    const again = new CountingExtractor(real);
    const second = await featuresFor(prisma, again, inputs);
    expect(again.calls).toBe(0);
    expect(second.stats).toMatchObject({ unique: 12, cached: 12, embedded: 0, written: 0 });
    // Bit for bit what was embedded (float32 in, float32 out).
    expect(second.vectors).toEqual(first.vectors);
  });

  it("embeds only what the cache lacks when part of the inputs were done before", async () => {
    const real = await extractor("partial");
    const inputs = pairInputs(5);
    await featuresFor(prisma, real, inputs.slice(0, 4));
    const counting = new CountingExtractor(real);
    const result = await featuresFor(prisma, counting, inputs, { embedBatch: 2, readBatch: 3 });
    expect(counting.embedded).toBe(6);
    expect(result.stats).toMatchObject({ cached: 4, embedded: 6 });
    expect(result.vectors.every((v) => v?.length === 64)).toBe(true);
  });

  it("gives the vectors of embedding each input alone, one after another, with and without overlap", async () => {
    const inputs = pairInputs(5, " (overlap)");
    const real = await extractor("overlap", "last");
    const pipelined = await featuresFor(prisma, real, inputs, { embedBatch: 3, readBatch: 4 });
    const sequential: Float32Array[] = [];
    for (const input of inputs) sequential.push(...(await extract(real, [input])));
    expect(maxDifference(pipelined.vectors, sequential)).toBeLessThan(1e-5);
    // And a fresh backend, nothing reused from the sequence, for good measure.
    const other = await LlamaCppBackend.open({ modelPath: ensureTinyModel(dir), parallel: 1 });
    try {
      const alone = await policyEmbeddingExtractor(other, { pooling: "last", hash });
      const fresh = [];
      for (const input of [...inputs].reverse()) fresh.unshift(...(await extract(alone, [input])));
      expect(maxDifference(pipelined.vectors, fresh)).toBeLessThan(1e-5);
    } finally {
      await other.close();
    }
  });

  it("refuses vectors of another width than those cached under the same identity", async () => {
    const real = await extractor("dims");
    const inputs = pairInputs(2);
    await featuresFor(prisma, real, inputs.slice(0, 2));
    // The same identity, but the model now gives 32 values (found after the first batch).
    const truncated = new CountingExtractor(real, (v) => v.slice(0, 32), null);
    await expect(featuresFor(prisma, truncated, inputs)).rejects.toThrow(
      `The feature extractor ${real.key} now gives 32-dimensional vectors, but the vectors cached under the same identity have 64`,
    );
    expect(truncated.calls).toBe(1);
    // Known beforehand: refused before the model is asked anything.
    const told = new CountingExtractor(real, (v) => v.slice(0, 32), 32);
    await expect(featuresFor(prisma, told, inputs)).rejects.toThrow("now gives 32-dimensional vectors");
    expect(told.calls).toBe(0);
    const space = await findFeatureSpace(prisma, real.key);
    expect(await prisma.featureVector.count({ where: { spaceId: space!.id } })).toBe(2);
  });

  it("stops when aborted, keeps the whole vectors written so far, and the next run does the rest", async () => {
    const real = await extractor("abort");
    const inputs = pairInputs(8);
    const controller = new AbortController();
    const run = featuresFor(prisma, real, inputs, {
      embedBatch: 2,
      signal: controller.signal,
      onProgress: (p) => p.embedded >= 4 && controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ name: "AbortError" });
    const space = await findFeatureSpace(prisma, real.key);
    const written = await prisma.featureVector.count({ where: { spaceId: space!.id } });
    expect(written).toBeGreaterThanOrEqual(4);
    expect(written).toBeLessThan(16);
    const counting = new CountingExtractor(real);
    const rest = await featuresFor(prisma, counting, inputs);
    expect(counting.embedded).toBe(16 - written);
    expect(rest.stats.cached).toBe(written);
  });

  it("fails with the error of a later chunk's read while an earlier chunk embeds, and keeps what was written", async () => {
    const real = await extractor("bad-input");
    const inputs = pairInputs(4);
    // Ends with the assistant: not a prompt, so formatting it (in the read of the second chunk) throws.
    inputs[5] = { dialogue: { turns: [{ role: "USER", content: "Hi" }, { role: "ASSISTANT", content: "Hello" }] }, response: "x" };
    const counting = new CountingExtractor(real);
    await expect(featuresFor(prisma, counting, inputs, { readBatch: 4, embedBatch: 2 })).rejects.toThrow(/ends with a user turn/);
    expect(counting.calls).toBeGreaterThanOrEqual(1);
    const space = await findFeatureSpace(prisma, real.key);
    expect(await prisma.featureVector.count({ where: { spaceId: space!.id } })).toBe(counting.embedded);
  });

  it("returns nothing for no inputs, without touching the model", async () => {
    const counting = new CountingExtractor(await extractor("empty"));
    expect(await featuresFor(prisma, counting, [])).toMatchObject({ vectors: [], dims: 64, stats: { inputs: 0, embedded: 0 } });
    expect(counting.calls).toBe(0);
  });
});
