// One file row into one record to write: a prompt, or a preference (a prompt, two responses,
// which one is chosen and how strongly). Each format is a zod schema for its row plus a
// conversion; every refusal names the field, so the importer can say "line 1234, chosen: …".
//
// Formats (named explicitly, or detected from the first row by detectFormat):
//  - prompts: `prompt` (a string: one user turn, or an HH-RLHF "\n\nHuman: …" transcript) or
//    `messages` ([{role, content}], an optional system message first, ending with the user's),
//    with optional `system`, `protocol`, `risk_category`, `attack_vector`.
//  - hh-rlhf: Anthropic transcripts `chosen` / `rejected`; their shared prefix is the prompt.
//  - trl: TRL / Hugging Face preference rows, standard (strings) or conversational (messages),
//    explicit `prompt` or implicit, optional `margin` (strength read back from it). Strings in
//    the Llama 2 chat template are read as its dialogue; plain strings as a single-turn one.
//  - raw: the platform's own raw export (one row per annotation, response_a / response_b).
import crypto from "node:crypto";
import { z } from "zod";
import { type ChatDialogue, turnOrderProblem } from "../prompts/dialogue";
import { protocolSchema, safetyLabelSchema, sideSchema, strengthSchema } from "../preferences/preferences.schema";
import { strengthFromMargin, type Protocol, type SafetyLabel, type Strength } from "../preferences/vocabulary";
import { dialogueHash } from "../prompts/content-hash";
import { identicalResponses } from "../pair-generation/identical-responses";
import { B_INST } from "../prompts/llama2-chat";
import { conversationalPreferencePair, DialogueFormatError, hhPreferencePair, parseLlama2Chat, type PreferencePair, splitHhTranscript } from "./dialogue-formats";

export const importFormats = ["prompts", "hh-rlhf", "trl", "raw"] as const;
export type ImportFormat = (typeof importFormats)[number];
export const preferenceFormats: readonly ImportFormat[] = ["hh-rlhf", "trl", "raw"];

export type { Protocol, SafetyLabel, Strength } from "../preferences/vocabulary";

export type PromptRecord = {
  protocol: Protocol;
  systemPrompt: string | null;
  turns: ChatDialogue["turns"];
  riskCategory: string | null;
  attackVector: string | null;
  /** dialogueHash: the prompt's identity. */
  hash: string;
};

export type PreferenceRecord = {
  prompt: PromptRecord;
  responseA: string;
  responseB: string;
  chosen: "A" | "B";
  strength: Strength;
  safetyLabel: SafetyLabel | null;
  /** The pair's identity: the dialogue and the two responses, in either order. */
  pairHash: string;
  /** The comparison's identity: the pair, and in raw exports the pseudonymous annotator. */
  importKey: string;
  /** How the row's text was read (for the preview): see READINGS. */
  reading?: Reading;
};

/** The ways a preference row is read, as the preview names them. */
export const READINGS = {
  "llama2-chat": "strings in the Llama 2 chat template",
  plain: "plain strings: the prompt as a single user turn",
  messages: "conversational messages",
  "hh-transcript": "HH-RLHF transcripts",
  raw: "the platform's raw export",
} as const;
export type Reading = keyof typeof READINGS;

/** What a row cannot say for itself, chosen when importing. */
export type RowDefaults = {
  protocol: Protocol;
  /** Strength of preference rows without a margin (Llama 2's margin 0 is "negligibly better / unsure"). */
  strength: Strength;
  /** Which of Llama 2's margin scales a `margin` column is on. */
  marginScale: "small" | "large";
};

export const defaultRowDefaults: RowDefaults = { protocol: "HELPFULNESS", strength: "NEGLIGIBLY_BETTER_OR_UNSURE", marginScale: "small" };

/** A row refused: the field at fault (dotted path) and why. */
export class RowError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(field ? `${field}: ${message}` : message);
  }
}

// Schemas -------------------------------------------------------------------------------------

/** PostgreSQL text cannot hold NUL; refusing it here names the field instead of failing the write. */
const text = z.string().refine((s) => !s.includes("\u0000"), "contains a NUL character (\\u0000), which cannot be stored");
const optionalText = z
  .string()
  .trim()
  .max(200)
  .nullish()
  .transform((s) => s || null);
const protocol = z.preprocess((v) => (typeof v === "string" ? v.toUpperCase() : v), protocolSchema);
const message = z.object({ role: z.enum(["system", "user", "assistant"]), content: text });
const messages = z.array(message).min(1);

const promptRow = z
  .object({
    prompt: text.min(1).optional(),
    messages: messages.optional(),
    system: text.nullish(),
    protocol: protocol.optional(),
    risk_category: optionalText,
    attack_vector: optionalText,
  })
  .refine((r) => (r.prompt === undefined) !== (r.messages === undefined), { message: "give either prompt (a string) or messages (a list), not both", path: ["prompt"] });

const hhRow = z.object({ chosen: text, rejected: text });

const trlRow = z.object({
  prompt: z.union([text, messages]).optional(),
  chosen: z.union([text, messages]),
  rejected: z.union([text, messages]),
  margin: z.number().finite().nullish(),
});

const strength = strengthSchema;
const rawRow = z.object({
  annotator: z.string().nullish(),
  comparison_id: z.string().nullish(),
  protocol,
  risk_category: optionalText,
  attack_vector: optionalText,
  chosen: sideSchema,
  strength,
  safety_label: safetyLabelSchema.nullish(),
  prompt: messages,
  response_a: text,
  response_b: text,
});

// Conversions ----------------------------------------------------------------------------------

function parseWith<T>(schema: z.ZodType<T>, row: unknown): T {
  const parsed = schema.safeParse(row);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new RowError(issue.path.map(String).join("."), issue.message);
}

/** Runs a dialogue-format function, turning its refusal into the field's error. */
function dialogueField<T>(field: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof DialogueFormatError) throw new RowError(field, error.message);
    throw error;
  }
}

function promptRecord(dialogue: ChatDialogue, protocol: Protocol, riskCategory: string | null, attackVector: string | null, field: string): PromptRecord {
  const turns = dialogue.turns;
  if (turns.length === 0) throw new RowError(field, "the dialogue has no turns");
  if (turns.at(-1)!.role !== "USER") throw new RowError(field, "the dialogue must end with the user's turn");
  const problem = turnOrderProblem(turns, { prompt: true });
  if (problem?.kind === "out-of-order") throw new RowError(field, `turn ${problem.position + 1} is the ${problem.role.toLowerCase()}'s; user and assistant must alternate, user first`);
  const systemPrompt = dialogue.systemPrompt ?? null;
  return { protocol, systemPrompt, turns, riskCategory, attackVector, hash: dialogueHash({ systemPrompt, turns }) };
}

function messagesToDialogue(list: z.infer<typeof messages>, field: string): ChatDialogue {
  const system = list[0]!.role === "system" ? list[0]!.content : null;
  const rest = list.slice(system === null ? 0 : 1);
  return {
    systemPrompt: system,
    turns: rest.map((m, i) => {
      if (m.role === "system") throw new RowError(`${field}.${i + (system === null ? 0 : 1)}.role`, "a system message may only come first");
      return { role: m.role === "user" ? "USER" : "ASSISTANT", content: m.content };
    }),
  };
}

function toPrompt(row: unknown, defaults: RowDefaults): PromptRecord {
  const r = parseWith(promptRow, row);
  let dialogue: ChatDialogue;
  if (r.messages) dialogue = messagesToDialogue(r.messages, "messages");
  else if (r.prompt!.startsWith("\n\nHuman: ")) dialogue = { turns: dialogueField("prompt", () => splitHhTranscript(r.prompt!)) };
  else dialogue = { turns: [{ role: "USER", content: r.prompt! }] };
  if (r.system != null) {
    if (dialogue.systemPrompt != null) throw new RowError("system", "the messages already start with a system message");
    dialogue.systemPrompt = r.system;
  }
  return promptRecord(dialogue, r.protocol ?? defaults.protocol, r.risk_category, r.attack_vector, r.messages ? "messages" : "prompt");
}

const sha256 = (value: string) => crypto.createHash("sha256").update(value).digest("hex");

function pairHash(promptHash: string, a: string, b: string): string {
  const [first, second] = a <= b ? [a, b] : [b, a];
  // The digest of `${promptHash}\0${first}\0${second}`, fed in pieces: the responses are not
  // copied into one more string.
  return crypto.createHash("sha256").update(promptHash).update("\u0000").update(first).update("\u0000").update(second).digest("hex");
}

const IDENTICAL = "is the same text as the other response (after trimming whitespace): a pair needs two different responses";

function preference(pair: PreferencePair, defaults: RowDefaults, strength: Strength, field: string): PreferenceRecord {
  if (identicalResponses(pair.chosen, pair.rejected)) throw new RowError("rejected", IDENTICAL);
  const prompt = promptRecord(pair.dialogue, defaults.protocol, null, null, field);
  const hash = pairHash(prompt.hash, pair.chosen, pair.rejected);
  return { prompt, responseA: pair.chosen, responseB: pair.rejected, chosen: "A", strength, safetyLabel: null, pairHash: hash, importKey: hash };
}

function toHh(row: unknown, defaults: RowDefaults): PreferenceRecord {
  const r = parseWith(hhRow, row);
  return { ...preference(dialogueField("chosen", () => hhPreferencePair(r.chosen, r.rejected)), defaults, defaults.strength, "chosen"), reading: "hh-transcript" };
}

function toTrl(row: unknown, defaults: RowDefaults): PreferenceRecord {
  const r = parseWith(trlRow, row);
  const strength = r.margin == null ? defaults.strength : strengthFromMargin(r.margin, defaults.marginScale);
  if (typeof r.chosen === "string" || typeof r.rejected === "string") {
    if (typeof r.chosen !== "string" || typeof r.rejected !== "string" || (r.prompt !== undefined && typeof r.prompt !== "string")) {
      throw new RowError("chosen", "standard rows hold strings in prompt, chosen and rejected; conversational rows hold message lists");
    }
    const prompt = r.prompt as string | undefined;
    const reading = standardReading(prompt, r.chosen);
    const pair = dialogueField(prompt !== undefined ? "prompt" : "chosen", () =>
      reading === "llama2-chat" ? templatePair(prompt, r.chosen as string, r.rejected as string) : plainPair(prompt, r.chosen as string, r.rejected as string),
    );
    return { ...preference(pair, defaults, strength, prompt !== undefined ? "prompt" : "chosen"), reading };
  }
  if (typeof r.prompt === "string") throw new RowError("prompt", "conversational rows hold the prompt as a message list");
  const pair = dialogueField("chosen", () => conversationalPreferencePair({ prompt: r.prompt as z.infer<typeof messages> | undefined, chosen: r.chosen as z.infer<typeof messages>, rejected: r.rejected as z.infer<typeof messages> }));
  return { ...preference(pair, defaults, strength, r.prompt ? "prompt" : "chosen"), reading: "messages" };
}

/**
 * How a standard (string) row is read: in the Llama 2 chat template when its prompt (or, with an
 * implicit prompt, its chosen text) starts with the template, with or without the leading BOS
 * "<s>" (the platform's own exports leave it to the tokenizer); else as plain text, the way most
 * preference sets on the Hub are written.
 */
function standardReading(prompt: string | undefined, chosen: string): "llama2-chat" | "plain" {
  const start = prompt ?? chosen;
  return start.startsWith(`<s>${B_INST}`) || start.startsWith(B_INST) ? "llama2-chat" : "plain";
}

/** The template text with its leading BOS, as parseLlama2Chat reads it. */
const withBos = (text: string) => (text.startsWith("<s>") ? text : `<s>${text}`);

/** Standard TRL rows in the Llama 2 chat template: the answer follows "[/INST] " (and, implicit, the whole prompt). */
function templatePair(prompt: string | undefined, chosen: string, rejected: string): PreferencePair {
  if (prompt !== undefined) {
    const answer = (s: string, field: string) => {
      if (!s.startsWith(" ")) throw new RowError(field, "an answer after [/INST] starts with a space");
      return s.slice(1);
    };
    return { dialogue: parseLlama2Chat(withBos(prompt)), chosen: answer(chosen, "chosen"), rejected: answer(rejected, "rejected") };
  }
  const split = (s: string, field: string) => {
    const at = s.lastIndexOf(" [/INST] ");
    if (at === -1) throw new RowError(field, 'no "[/INST] " before the answer');
    return { prompt: s.slice(0, at + " [/INST]".length), answer: s.slice(at + " [/INST] ".length) };
  };
  const a = split(chosen, "chosen");
  const b = split(rejected, "rejected");
  if (a.prompt !== b.prompt) throw new DialogueFormatError("chosen and rejected must share the prompt before their answers");
  return { dialogue: parseLlama2Chat(withBos(a.prompt)), chosen: a.answer, rejected: b.answer };
}

/**
 * Plain standard rows: a single-turn dialogue whose user turn is the prompt, the strings as the
 * responses. With an implicit prompt, the prompt is what chosen and rejected share at their
 * start, a space before the first difference going with the answers (TRL's extract_prompt).
 */
function plainPair(prompt: string | undefined, chosen: string, rejected: string): PreferencePair {
  const single = (text: string) => ({ systemPrompt: null, turns: [{ role: "USER" as const, content: text }] });
  if (prompt !== undefined) {
    if (!prompt.trim()) throw new DialogueFormatError("the prompt is empty");
    return { dialogue: single(prompt), chosen, rejected };
  }
  let shared = 0;
  while (shared < chosen.length && shared < rejected.length && chosen[shared] === rejected[shared]) shared++;
  if (shared > 0 && chosen[shared - 1] === " ") shared--;
  if (!chosen.slice(0, shared).trim()) {
    throw new DialogueFormatError("chosen and rejected share no text at their start, so the prompt cannot be told from them: give it in a prompt field");
  }
  return { dialogue: single(chosen.slice(0, shared)), chosen: chosen.slice(shared), rejected: rejected.slice(shared) };
}

function toRaw(row: unknown): PreferenceRecord {
  const r = parseWith(rawRow, row);
  if (identicalResponses(r.response_a, r.response_b)) throw new RowError("response_b", IDENTICAL);
  const prompt = promptRecord(messagesToDialogue(r.prompt, "prompt"), r.protocol, r.risk_category, r.attack_vector, "prompt");
  const hash = pairHash(prompt.hash, r.response_a, r.response_b);
  const who = r.annotator ?? r.comparison_id ?? "";
  return {
    prompt,
    responseA: r.response_a,
    responseB: r.response_b,
    chosen: r.chosen,
    strength: r.strength,
    safetyLabel: r.safety_label ?? null,
    pairHash: hash,
    importKey: sha256(`${hash}\u0000${who}`),
    reading: "raw",
  };
}

export type RowConverter = ((row: unknown) => PromptRecord) | ((row: unknown) => PreferenceRecord);

export function promptConverter(defaults: RowDefaults): (row: unknown) => PromptRecord {
  return (row) => toPrompt(row, defaults);
}

export function preferenceConverter(format: Exclude<ImportFormat, "prompts">, defaults: RowDefaults): (row: unknown) => PreferenceRecord {
  const convert = { "hh-rlhf": toHh, trl: toTrl, raw: (r: unknown) => toRaw(r) }[format];
  return (row) => convert(row, defaults);
}

/** The format a row looks like, or null when it looks like none. */
export function detectFormat(row: unknown): ImportFormat | null {
  if (typeof row !== "object" || row === null || Array.isArray(row)) return null;
  const r = row as Record<string, unknown>;
  if ("response_a" in r && "response_b" in r) return "raw";
  if ("chosen" in r && "rejected" in r) {
    const hh = (v: unknown) => typeof v === "string" && v.startsWith("\n\nHuman: ");
    return hh(r.chosen) && hh(r.rejected) && !("prompt" in r) ? "hh-rlhf" : "trl";
  }
  if ("prompt" in r || "messages" in r) return "prompts";
  return null;
}
