// Choosing the variant that computes features: a llama.cpp variant's extractor works, and every
// way of having none says what is wrong with each variant.
import fs from "node:fs";
import http from "node:http";
import type net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../server/db/prisma";
import { ensureTinyModel } from "../policy/default-policy";
import { backendForVariant, closePolicyBackends } from "../policy/open-backend";
import { OpenAiBackend } from "../policy/openai-backend";
import { extract } from "./extractor";
import { extractorForVariant, extractorWithKey, type FeatureVariant, pickFeatureExtractor } from "./for-variant";
import { modelFileSha256 } from "./model-hash";
import { unloadPolicyModel } from "../policy/llama-cpp/runtime";
import { TINY_LLAMA2, writeTinyLlama2 } from "../policy/tiny-llama2/tiny-llama2";

let modelPath: string;
let dir: string;
let refusing: http.Server;
let refusingUrl: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "features-variant-"));
  modelPath = ensureTinyModel(dir);
  // A served model whose server was started without embeddings (llama-server answers 501).
  refusing = http.createServer((_, res) => res.writeHead(501, "Not Implemented").end('{"error":{"message":"This server does not support embeddings. Start it with `--embeddings`"}}'));
  await new Promise<void>((resolve) => refusing.listen(0, "127.0.0.1", resolve));
  refusingUrl = `http://127.0.0.1:${(refusing.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  await closePolicyBackends();
  await new Promise((resolve) => refusing.close(resolve));
});

const hash = (file: string) => modelFileSha256(file, { cacheDir: path.join(dir, "hashes") });
/** Served variants without retries (the refusing server would be asked four times). */
const open = (variant: FeatureVariant) =>
  variant.backend === "OPENAI_COMPATIBLE" ? Promise.resolve(new OpenAiBackend({ baseUrl: variant.baseUrl!, modelName: variant.modelName, retries: 0 })) : backendForVariant(variant);
const defaults = { temperature: 0.7, topP: 0.9, maxTokens: 64 };

describe("extractor for a policy variant", () => {
  it("builds a llama.cpp variant's extractor, which embeds, with the variant for provenance", async () => {
    const variant = await prisma.policyVariant.create({ data: { name: "features-tiny", backend: "LLAMA_CPP", modelPath, defaults } });
    const extractor = await extractorForVariant(variant, { pooling: "last", hash });
    expect(extractor.variantId).toBe(variant.id);
    expect(extractor.identity).toMatchObject({ pooling: "last", model: { sha256: (await hash(modelPath)).sha256 } });
    const [vector] = await extract(extractor, [{ dialogue: { turns: [{ role: "USER", content: "Hi" }] }, response: "Hello." }]);
    expect(vector).toHaveLength(64);
    // The default pooling, and the same through the picker.
    expect((await pickFeatureExtractor(prisma, { variantId: variant.id, hash })).identity.pooling).toBe("mean");
    await expect(extractorForVariant(variant, { pooling: "server", hash })).rejects.toThrow(
      'Policy variant "features-tiny" cannot compute reward features: it runs here and pools as asked: choose pooling "mean" or "last".',
    );
    await prisma.policyVariant.update({ where: { id: variant.id }, data: { retiredAt: new Date() } });
  });

  it("names the variant and the reason when it cannot embed", async () => {
    const missing = { id: "v1", name: "gone", backend: "LLAMA_CPP" as const, modelPath: path.join(dir, "gone.gguf"), baseUrl: null, modelName: null };
    await expect(extractorForVariant(missing, { hash })).rejects.toThrow(
      `Policy variant "gone" cannot compute reward features: The policy model file ${path.join(dir, "gone.gguf")} does not exist on this worker.`,
    );
    const served = { id: "v2", name: "served", backend: "OPENAI_COMPATIBLE" as const, modelPath: null, baseUrl: refusingUrl, modelName: "llama-2-7b-chat" };
    await expect(extractorForVariant(served, { open })).rejects.toThrow(/Policy variant "served" cannot compute reward features: .*501 Not Implemented.*--embeddings/);
    await expect(extractorForVariant(served, { open, pooling: "last" })).rejects.toThrow(
      'Policy variant "served" cannot compute reward features: it is served (' + refusingUrl + ' llama-2-7b-chat), and a server pools as it was started; choose pooling "server"',
    );
    await expect(pickFeatureExtractor(prisma, { variantId: "nope" })).rejects.toThrow("No policy variant with id nope.");
  });

  it("picks a variant in service that can embed, and says why none can", async () => {
    await expect(pickFeatureExtractor(prisma, { hash })).rejects.toThrow("No policy variant can compute reward features: none is in service.");
    const served = await prisma.policyVariant.create({ data: { name: "served-no-embeddings", backend: "OPENAI_COMPATIBLE", baseUrl: refusingUrl, defaults } });
    const gone = await prisma.policyVariant.create({ data: { name: "gone-file", backend: "LLAMA_CPP", modelPath: path.join(dir, "gone.gguf"), defaults } });
    const error = await pickFeatureExtractor(prisma, { hash, open }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^No policy variant can compute reward features\. "gone-file": The policy model file .* does not exist on this worker\.; "served-no-embeddings": .*501 Not Implemented/);
    // With a pooling asked for, a served variant is not even tried.
    expect(((await pickFeatureExtractor(prisma, { hash, open, pooling: "last" }).catch((e: Error) => e)) as Error).message).toContain(
      '"served-no-embeddings" is served and pools as its server was started',
    );
    const tiny = await prisma.policyVariant.create({ data: { name: "tiny-in-service", backend: "LLAMA_CPP", modelPath, defaults } });
    expect((await pickFeatureExtractor(prisma, { hash, open })).variantId).toBe(tiny.id);
    await prisma.policyVariant.deleteMany({ where: { id: { in: [served.id, gone.id, tiny.id] } } });
  });

  it("finds again the extractor a reward model was trained with, by its key, and refuses when the weights changed", async () => {
    const file = path.join(dir, "trained-with.gguf");
    fs.copyFileSync(modelPath, file);
    const variant = await prisma.policyVariant.create({ data: { name: "trained-with", backend: "LLAMA_CPP", modelPath: file, defaults, retiredAt: new Date() } });
    const trained = await extractorForVariant(variant, { pooling: "last", hash });
    // Retired since, but still the one recorded: found.
    const again = await extractorWithKey(prisma, trained.key, { variantId: variant.id, hash });
    expect(again.key).toBe(trained.key);
    expect(again.variantId).toBe(variant.id);
    // Another variant in service over the same weights serves as well when the recorded one is gone.
    const twin = await prisma.policyVariant.create({ data: { name: "same-weights", backend: "LLAMA_CPP", modelPath, defaults } });
    expect((await extractorWithKey(prisma, trained.key, { variantId: "deleted", hash })).variantId).toBe(twin.id);
    await prisma.policyVariant.delete({ where: { id: twin.id } });
    // The file replaced by other weights while this worker holds the old ones in memory: refused.
    await closePolicyBackends();
    writeTinyLlama2(file, TINY_LLAMA2, 99);
    fs.utimesSync(file, new Date(), new Date(Date.now() + 10_000));
    await expect(extractorWithKey(prisma, trained.key, { variantId: variant.id, hash })).rejects.toThrow(
      /^No policy variant gives the features .* any more .*: "trained-with": The model file .*trained-with\.gguf changed since this worker loaded it: restart the worker/,
    );
    // A restarted worker loads the new weights: their identity is another, named in the refusal.
    await closePolicyBackends();
    await unloadPolicyModel(file);
    await expect(extractorWithKey(prisma, trained.key, { variantId: variant.id, hash })).rejects.toThrow(
      /^No policy variant gives the features .* any more .*: "trained-with" gives \{.*"pooling":"last"/,
    );
    await expect(extractorWithKey(prisma, "not json")).rejects.toThrow("Not a feature extractor key: not json");
  });
});
