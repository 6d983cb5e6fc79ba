// Reading dialogues back out of the preference formats the platform exports (and that open
// datasets use): Anthropic HH-RLHF transcripts, Llama 2 chat strings, and conversational
// message lists. Pure functions; each refusal says what is wrong, so an importer can report the
// line and the field.
import { type ChatDialogue, type ChatTurn, turnOrderProblem } from "../prompts/dialogue";
import { B_INST, B_SYS, E_INST, E_SYS } from "../prompts/llama2-chat";

export class DialogueFormatError extends Error {}

export type PreferencePair = { dialogue: ChatDialogue; chosen: string; rejected: string };

const HH_TURN = /\n\nHuman: |\n\nAssistant: /g;

/** "\n\nHuman: …\n\nAssistant: …" into turns. */
export function splitHhTranscript(transcript: string): ChatTurn[] {
  if (!transcript.startsWith("\n\nHuman: ")) {
    throw new DialogueFormatError('an HH-RLHF transcript starts with "\\n\\nHuman: "');
  }
  const turns: ChatTurn[] = [];
  const markers = [...transcript.matchAll(HH_TURN)];
  markers.forEach((marker, i) => {
    const start = marker.index! + marker[0].length;
    const end = markers[i + 1]?.index ?? transcript.length;
    turns.push({ role: marker[0].includes("Human") ? "USER" : "ASSISTANT", content: transcript.slice(start, end) });
  });
  const problem = turnOrderProblem(turns, { prompt: false });
  if (problem?.kind === "out-of-order") {
    throw new DialogueFormatError(`turn ${problem.position + 1} of the transcript is ${problem.role === "USER" ? "Human" : "Assistant"}; Human and Assistant must alternate`);
  }
  return turns;
}

const HUMAN = "\n\nHuman: ";
const ASSISTANT = "\n\nAssistant: ";

/**
 * The dialogue is what `chosen` and `rejected` share before their last Assistant turn.
 *
 * The usual row is read in one pass over its shared prefix: the last Assistant marker of each
 * transcript splits off its response, the two prefixes are compared as strings, and only one
 * is split into turns. Anything unusual goes the long way, which names the problem.
 */
export function hhPreferencePair(chosen: string, rejected: string): PreferencePair {
  const a = chosen.lastIndexOf(ASSISTANT);
  const b = rejected.lastIndexOf(ASSISTANT);
  if (a > 0 && b > 0 && chosen.lastIndexOf(HUMAN) < a && rejected.lastIndexOf(HUMAN) < b && a === b && chosen.startsWith(rejected.slice(0, b))) {
    try {
      const prompt = splitHhTranscript(chosen.slice(0, a));
      if (prompt.at(-1)?.role === "USER") return { dialogue: { systemPrompt: null, turns: prompt }, chosen: chosen.slice(a + ASSISTANT.length), rejected: rejected.slice(b + ASSISTANT.length) };
    } catch {
      // the long way below says what is wrong
    }
  }
  return hhPreferencePairInFull(chosen, rejected);
}

function hhPreferencePairInFull(chosen: string, rejected: string): PreferencePair {
  const a = splitHhTranscript(chosen);
  const b = splitHhTranscript(rejected);
  const last = (turns: ChatTurn[], field: string) => {
    if (turns.at(-1)?.role !== "ASSISTANT") throw new DialogueFormatError(`${field}: the transcript must end with an Assistant turn`);
    return turns.at(-1)!.content;
  };
  const response = { chosen: last(a, "chosen"), rejected: last(b, "rejected") };
  const prompt = a.slice(0, -1);
  if (JSON.stringify(prompt) !== JSON.stringify(b.slice(0, -1))) {
    throw new DialogueFormatError("chosen and rejected must share the dialogue before their last Assistant turn");
  }
  return { dialogue: { systemPrompt: null, turns: prompt }, ...response };
}

/** The inverse of llama2ChatText: "<s>[INST] … [/INST] … </s><s>[INST] … [/INST]" into a dialogue. */
export function parseLlama2Chat(text: string): ChatDialogue {
  const exchanges = text.split("<s>").slice(1);
  if (!text.startsWith("<s>") || exchanges.length === 0) throw new DialogueFormatError("a Llama 2 chat string starts with <s>[INST]");
  const turns: ChatTurn[] = [];
  let systemPrompt: string | null = null;
  exchanges.forEach((exchange, i) => {
    const isLast = i === exchanges.length - 1;
    if (!exchange.startsWith(`${B_INST} `)) throw new DialogueFormatError(`exchange ${i + 1} does not start with ${B_INST}`);
    const close = exchange.indexOf(` ${E_INST}`);
    if (close === -1) throw new DialogueFormatError(`exchange ${i + 1} has no ${E_INST}`);
    let user = exchange.slice(B_INST.length + 1, close);
    if (i === 0 && user.startsWith(B_SYS)) {
      const end = user.indexOf(E_SYS);
      if (end === -1) throw new DialogueFormatError("the system prompt has no closing <</SYS>>");
      systemPrompt = user.slice(B_SYS.length, end);
      user = user.slice(end + E_SYS.length);
    }
    turns.push({ role: "USER", content: user });
    const rest = exchange.slice(close + E_INST.length + 1);
    if (isLast) {
      if (rest !== "") throw new DialogueFormatError("a Llama 2 prompt ends with [/INST]");
    } else {
      if (!rest.startsWith(" ") || !rest.endsWith(" </s>")) throw new DialogueFormatError(`exchange ${i + 1}'s answer must be " {answer} </s>"`);
      turns.push({ role: "ASSISTANT", content: rest.slice(1, -" </s>".length) });
    }
  });
  return { systemPrompt, turns };
}

type Message = { role: string; content: string };

function messagesToDialogue(messages: Message[], field: string): ChatDialogue {
  const system = messages[0]?.role === "system" ? messages[0].content : null;
  const turns = messages.slice(system === null ? 0 : 1).map((m, i): ChatTurn => {
    const role = m.role === "user" ? "USER" : m.role === "assistant" ? "ASSISTANT" : null;
    if (!role) throw new DialogueFormatError(`${field}[${i}].role: expected user or assistant, got ${JSON.stringify(m.role)}`);
    return { role, content: m.content };
  });
  return { systemPrompt: system, turns };
}

/**
 * TRL conversational rows: explicit (`prompt` messages, one assistant message in each of
 * `chosen` and `rejected`) or implicit (the whole conversation in each; the dialogue is what
 * they share before the last assistant message).
 */
export function conversationalPreferencePair(row: { prompt?: Message[]; chosen: Message[]; rejected: Message[] }): PreferencePair {
  const answer = (messages: Message[], field: string) => {
    const last = messages.at(-1);
    if (last?.role !== "assistant") throw new DialogueFormatError(`${field}: the last message must be the assistant's`);
    return last.content;
  };
  const chosen = answer(row.chosen, "chosen");
  const rejected = answer(row.rejected, "rejected");
  if (row.prompt) {
    if (row.chosen.length !== 1 || row.rejected.length !== 1) {
      throw new DialogueFormatError("with an explicit prompt, chosen and rejected hold one assistant message each");
    }
    return { dialogue: messagesToDialogue(row.prompt, "prompt"), chosen, rejected };
  }
  const shared = row.chosen.slice(0, -1);
  if (JSON.stringify(shared) !== JSON.stringify(row.rejected.slice(0, -1))) {
    throw new DialogueFormatError("chosen and rejected must share the conversation before their last assistant message");
  }
  return { dialogue: messagesToDialogue(shared, "chosen"), chosen, rejected };
}
