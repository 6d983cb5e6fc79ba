// The policy-embedding extractor on the real tiny Llama 2: the ids it embeds are the generation
// path's, its poolings differ, and its identity follows the pooling and the model file's content.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import llamaTokenizer from "llama-tokenizer-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { llama2AnsweredTokens } from "../../server/prompts/llama2-chat";
import { ensureTinyModel } from "../policy/default-policy";
import { LlamaCppBackend } from "../policy/llama-cpp-backend";
import { multiTurnDialogue } from "../policy/testing/dialogues";
import { TINY_LLAMA2, writeTinyLlama2 } from "../policy/tiny-llama2/tiny-llama2";
import { canonicalJson, extract, LLAMA2_ANSWERED_FORMAT, policyEmbeddingExtractor } from "./extractor";
import { forgetModelHashes, hashReads, modelFileSha256 } from "./model-hash";

let dir: string;
let backend: LlamaCppBackend;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "features-extractor-"));
  backend = await LlamaCppBackend.open({ modelPath: ensureTinyModel(dir) });
});
afterAll(() => backend?.close());

const hash = (file: string) => modelFileSha256(file, { cacheDir: path.join(dir, "hashes") });

describe("policy-embedding extractor", () => {
  it("formats the dialogue as the ids the policy generates from, then the response and EOS", async () => {
    const extractor = await policyEmbeddingExtractor(backend, { hash });
    const [generated] = await backend.generate({ dialogue: multiTurnDialogue, n: 1, sampling: { temperature: 0, topP: 1, maxTokens: 12 } });
    const { tokens, sharedPrefix } = extractor.format({ dialogue: multiTurnDialogue, response: generated!.text });
    // The generation path's prompt ids, exactly, first.
    const prompt = backend.promptTokens(multiTurnDialogue);
    expect(sharedPrefix).toBe(prompt.length);
    expect(tokens.slice(0, prompt.length)).toEqual(prompt);
    // Then the response as the completed assistant turn, with EOS.
    const { encode, eos } = backend.tokenizer();
    expect(tokens.slice(prompt.length)).toEqual([...encode(`${generated!.text.trim()} `), eos]);
    // Meta's reference encoding of the same exchange, through the reference tokenizer.
    expect(tokens).toEqual(llama2AnsweredTokens(multiTurnDialogue, generated!.text, (text) => llamaTokenizer.encode(text, false) as number[]));
  });

  it("pools by mean or by the last token, at the model's width", async () => {
    const mean = await policyEmbeddingExtractor(backend, { pooling: "mean", hash });
    const last = await policyEmbeddingExtractor(backend, { pooling: "last", hash });
    const inputs = [
      { dialogue: multiTurnDialogue, response: "Rouge." },
      { dialogue: multiTurnDialogue, response: "Vert, I think." },
    ];
    const [m, l] = [await extract(mean, inputs), await extract(last, inputs)];
    expect(mean.dims).toBe(TINY_LLAMA2.embedding);
    for (const v of [...m, ...l]) expect(v).toHaveLength(TINY_LLAMA2.embedding);
    expect(l[0]).not.toEqual(m[0]);
    expect(m[1]).not.toEqual(m[0]);
    expect(l[1]).not.toEqual(l[0]);
    // The backend's own call on the same ids agrees.
    const [direct] = await backend.embed([{ tokens: mean.format(inputs[0]!).tokens }], { pooling: "last" });
    expect(Math.max(...direct!.map((x, i) => Math.abs(x - l[0]![i]!)))).toBeLessThan(1e-5);
  });

  it("has an identity that changes with the pooling and the model file's content, not its path", async () => {
    const modelPath = backend.source.backend === "LLAMA_CPP" ? backend.source.modelPath : "";
    const mean = await policyEmbeddingExtractor(backend, { pooling: "mean", hash });
    const last = await policyEmbeddingExtractor(backend, { pooling: "last", hash });
    const { sha256, bytes } = await hash(modelPath);
    expect(mean.identity).toEqual({ kind: "policy-embedding", format: LLAMA2_ANSWERED_FORMAT, pooling: "mean", model: { sha256, bytes } });
    expect(mean.key).toBe(canonicalJson(mean.identity));
    expect(last.key).not.toBe(mean.key);
    // The same weights elsewhere: the same identity. Other weights of the same shape: another.
    const copy = path.join(dir, "copy.gguf");
    fs.copyFileSync(modelPath, copy);
    const other = path.join(dir, "other.gguf");
    writeTinyLlama2(other, TINY_LLAMA2, 7);
    const open = async (file: string) => {
      const b = await LlamaCppBackend.open({ modelPath: file });
      try {
        return (await policyEmbeddingExtractor(b, { pooling: "mean", hash })).key;
      } finally {
        await b.close();
      }
    };
    expect(await open(copy)).toBe(mean.key);
    expect(await open(other)).not.toBe(mean.key);
  });

  it("hashes a model file once per version (path, size, mtime), and keeps it for the next process in the cache folder", async () => {
    const file = path.join(dir, "hashed.bin");
    fs.writeFileSync(file, "weights v1");
    const cacheDir = path.join(dir, "hash-cache");
    const sha = (text: string) => crypto.createHash("sha256").update(text).digest("hex");
    const before = hashReads.count;
    const first = await modelFileSha256(file, { cacheDir });
    expect(first).toEqual({ sha256: sha("weights v1"), bytes: 10 });
    expect(await modelFileSha256(file, { cacheDir })).toEqual(first);
    expect(hashReads.count).toBe(before + 1);
    // A new process: the cache folder answers without reading the file.
    forgetModelHashes();
    expect(await modelFileSha256(file, { cacheDir })).toEqual(first);
    expect(hashReads.count).toBe(before + 1);
    // Changed content with a new mtime: hashed again.
    fs.writeFileSync(file, "weights v2");
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect(await modelFileSha256(file, { cacheDir })).toEqual({ sha256: sha("weights v2"), bytes: 10 });
    expect(hashReads.count).toBe(before + 2);
    expect(fs.readdirSync(cacheDir)).toHaveLength(2);
    await expect(modelFileSha256(path.join(dir, "missing.gguf"))).rejects.toThrow(`The model file ${path.join(dir, "missing.gguf")} does not exist on this worker.`);
  });
});
