// The one use of node-llama-cpp's internal state copy: a prompt copied into a sequence must
// continue exactly as the same prompt evaluated there, and the helper must say when it copied.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LlamaContext, Token } from "node-llama-cpp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureTinyModel } from "../open-backend";
import { canCopySequenceState, sharePromptState } from "./prompt-state";
import { loadPolicyModel } from "./runtime";

let context: LlamaContext;
let single: LlamaContext;
let prompt: Token[];

beforeAll(async () => {
  const model = await loadPolicyModel(ensureTinyModel(fs.mkdtempSync(path.join(os.tmpdir(), "prompt-state-"))));
  context = await model.createContext({ sequences: 3, contextSize: 256, threads: 1 });
  single = await model.createContext({ sequences: 1, contextSize: 256, threads: 1 });
  prompt = [model.tokens.bos!, ...model.tokenize("[INST] Tell me about the sea. [/INST]", false)];
});
afterAll(async () => {
  await context?.dispose();
  await single?.dispose();
});

async function greedy(sequence: ReturnType<LlamaContext["getSequence"]>, token: Token, count: number) {
  const tokens: Token[] = [];
  for await (const next of sequence.evaluate([token], { temperature: 0 })) {
    tokens.push(next);
    if (tokens.length === count) break;
  }
  return tokens;
}

describe("sharing an evaluated prompt between sequences", () => {
  it("copies the prompt's state and the copies continue as a fresh evaluation does", async () => {
    const [a, b, c] = [context.getSequence(), context.getSequence(), context.getSequence()];
    expect(canCopySequenceState(b)).toBe(true);
    const prefix = prompt.slice(0, -1);
    expect(await sharePromptState(a, [a, b, c], prefix)).toBe(2);
    for (const sequence of [a, b, c]) expect(sequence.contextTokens).toEqual(prefix);

    const reference = single.getSequence();
    await reference.evaluateWithoutGeneratingNewTokens(prefix);
    const expected = await greedy(reference, prompt.at(-1)!, 12);
    expect(await greedy(b, prompt.at(-1)!, 12)).toEqual(expected);
    expect(await greedy(c, prompt.at(-1)!, 12)).toEqual(expected);

    // Sharing again replaces what the sequences held (the generated tokens above).
    expect(await sharePromptState(a, [a, b, c], prefix)).toBe(2);
    expect(b.contextTokens).toEqual(prefix);
    expect(await greedy(b, prompt.at(-1)!, 12)).toEqual(expected);
    for (const sequence of [a, b, c, reference]) await sequence.dispose();
  });
});
