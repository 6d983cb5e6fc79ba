// Sharing one evaluated prompt between parallel sequences. node-llama-cpp 3.22 copies a
// sequence's KV cache to another only through an internal method (its decision contexts use it);
// this module is the one place that touches it, checks it is there, and falls back to evaluating
// the prompt again when it is not (a newer node-llama-cpp, a model whose state cannot be copied).
// prompt-state.test.ts checks that a copied prompt continues exactly as an evaluated one.
import type { LlamaContextSequence, Token } from "node-llama-cpp";

type WithCopy = {
  _copyStateFromOtherSequence?: (other: LlamaContextSequence, upToTokenIndex: number) => Promise<boolean>;
};

/** Whether this node-llama-cpp can copy a sequence's state (the internal method exists). */
export function canCopySequenceState(sequence: LlamaContextSequence) {
  return typeof (sequence as unknown as WithCopy)._copyStateFromOtherSequence === "function";
}

/**
 * Makes each of `targets` hold `tokens` in its KV cache: `source` evaluates them once (a batch of
 * the whole prompt), then its state is copied to the others; a target the copy fails for evaluates
 * the tokens itself. All sequences must belong to one context. Returns how many targets were copied.
 */
export async function sharePromptState(source: LlamaContextSequence, targets: LlamaContextSequence[], tokens: Token[]): Promise<number> {
  await source.clearHistory();
  if (tokens.length > 0) await source.evaluateWithoutGeneratingNewTokens(tokens);
  let copied = 0;
  const fallback: LlamaContextSequence[] = [];
  for (const target of targets) {
    if (target === source) continue;
    if (tokens.length > 0 && canCopySequenceState(target) && (await copyState(target, source, tokens))) copied++;
    else fallback.push(target);
  }
  // The ones that could not copy evaluate the prompt together (one batch for all of them).
  await Promise.all(
    fallback.map(async (target) => {
      await target.clearHistory();
      if (tokens.length > 0) await target.evaluateWithoutGeneratingNewTokens(tokens);
    }),
  );
  return copied;
}

async function copyState(target: LlamaContextSequence, source: LlamaContextSequence, tokens: Token[]) {
  try {
    const ok = await (target as unknown as Required<WithCopy>)._copyStateFromOtherSequence(source, tokens.length);
    // Belt and braces: the target must now hold exactly the prompt.
    return ok && target.nextTokenIndex === tokens.length && target.contextTokens.every((token, i) => token === tokens[i]);
  } catch {
    return false;
  }
}
