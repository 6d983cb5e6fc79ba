// The Llama 2 chat format, implemented once: the policy backends and reward features build their
// token ids with it, imports read it, and the export SQL mirrors it (a test keeps them in step).
//
// Meta's reference (llama/generation.py, chat_completion): the system prompt is folded into
// the first user message between <<SYS>> markers; each earlier exchange is encoded as
// BOS + "[INST] {user} [/INST] {assistant} " + EOS, and the last user message as
// BOS + "[INST] {user} [/INST]". Hugging Face's chat template renders the same as text with
// "<s>" and "</s>" in place of the BOS and EOS ids.

import { type ChatDialogue, turnOrderProblem } from "./dialogue";

export type { ChatDialogue, ChatTurn } from "./dialogue";

export const B_INST = "[INST]";
export const E_INST = "[/INST]";
export const B_SYS = "<<SYS>>\n";
export const E_SYS = "\n<</SYS>>\n\n";

/** User and assistant turns in order, the system prompt folded into the first user turn. */
function exchanges(dialogue: ChatDialogue): { user: string; assistant?: string }[] {
  const { turns } = dialogue;
  const problem = turnOrderProblem(turns, { prompt: true });
  if (problem?.kind === "out-of-order") throw new Error(`Turn ${problem.position} must be ${problem.role === "USER" ? "ASSISTANT" : "USER"}, not ${problem.role}.`);
  if (problem) throw new Error("A Llama 2 dialogue alternates user and assistant turns and ends with a user turn.");
  const result: { user: string; assistant?: string }[] = [];
  for (let i = 0; i < turns.length; i += 2) {
    let user = turns[i]!.content;
    if (i === 0 && dialogue.systemPrompt) user = `${B_SYS}${dialogue.systemPrompt}${E_SYS}${user}`;
    result.push({ user: user.trim(), assistant: turns[i + 1]?.content.trim() });
  }
  return result;
}

/** Token ids as Meta's reference builds them; `encode` is the SentencePiece encoder without BOS. */
export function llama2ChatTokens(
  dialogue: ChatDialogue,
  encode: (text: string) => number[],
  ids: { bos: number; eos: number } = { bos: 1, eos: 2 },
): number[] {
  return exchangeTokens(exchanges(dialogue), encode, ids);
}

/**
 * A prompt and an answer to it, the answer encoded as one more completed exchange
 * (BOS + "[INST] {user} [/INST] {answer} " + EOS): the ids the policy reads for this answer when
 * the dialogue goes on, and what Hugging Face's template renders for a dialogue ending with the
 * assistant. Reward-model features read these. With the Llama 2 tokenizer the prompt's own ids
 * (llama2ChatTokens) come first: "[/INST]" ends in "]", which no token joins to the "▁" that
 * starts the answer.
 */
export function llama2AnsweredTokens(
  dialogue: ChatDialogue,
  answer: string,
  encode: (text: string) => number[],
  ids: { bos: number; eos: number } = { bos: 1, eos: 2 },
): number[] {
  const all = exchanges(dialogue);
  all[all.length - 1]!.assistant = answer.trim();
  return exchangeTokens(all, encode, ids);
}

function exchangeTokens(all: { user: string; assistant?: string }[], encode: (text: string) => number[], ids: { bos: number; eos: number }) {
  const tokens: number[] = [];
  for (const { user, assistant } of all) {
    if (assistant === undefined) {
      tokens.push(ids.bos, ...encode(`${B_INST} ${user} ${E_INST}`));
    } else {
      tokens.push(ids.bos, ...encode(`${B_INST} ${user} ${E_INST} ${assistant} `), ids.eos);
    }
  }
  return tokens;
}

/** The prompt as text, as Hugging Face's Llama 2 chat template renders it. */
export function llama2ChatText(dialogue: ChatDialogue): string {
  return exchanges(dialogue)
    .map(({ user, assistant }) => `<s>${B_INST} ${user} ${E_INST}${assistant === undefined ? "" : ` ${assistant} </s>`}`)
    .join("");
}

/**
 * The prompt as text for a tokenizer that adds BOS itself (Hugging Face's Llama tokenizer does,
 * and TRL tokenises with it): the template without its leading "<s>", so that BOS is not there
 * twice. The "</s><s>" between exchanges stays: they are the text of EOS and BOS there. What the
 * standard-style exports write.
 */
export function llama2ChatTextForTokenizer(dialogue: ChatDialogue): string {
  return llama2ChatText(dialogue).slice("<s>".length);
}
