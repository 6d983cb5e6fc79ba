// Round trip: what the export writes, these functions read back to the same dialogue and
// responses (the import side of "exporting what was imported gives back the same rows").
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { llama2ChatText } from "../prompts/llama2-chat";
import { prisma } from "../db/prisma";
import { exportToDirectory } from "../export/export-to-directory";
import type { ExportOptionsInput } from "../export/export.schema";
import { makeBatch } from "../testing/batches";
import { makeAnnotators } from "../testing/fixtures";
import { conversationalPreferencePair, hhPreferencePair, parseLlama2Chat, splitHhTranscript } from "./dialogue-formats";

const SYSTEM = "You are a careful assistant.";
const TURNS = [
  { role: "USER" as const, content: 'First: what is "2 + 2"?\nAsk again if unsure.' },
  { role: "ASSISTANT" as const, content: "It is 4 — naïve café ✓." },
  { role: "USER" as const, content: "And C:\\temp\\n? 🎉" },
];
const CHOSEN = "A path with a backslash: C:\\temp\\n is literal.\nNew line.";
const REJECTED = "No idea.";

async function exportLines(options: ExportOptionsInput) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "roundtrip-"));
  await exportToDirectory(process.env.DATABASE_URL!, options, dir, "salt");
  return fs.readFileSync(path.join(dir, "data.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

beforeAll(async () => {
  process.env.EXPORT_SHARDS = "1";
  const { pairIds } = await makeBatch({ pairs: 1 });
  const pair = await prisma.pair.findUniqueOrThrow({ where: { id: pairIds[0] } });
  await prisma.prompt.update({ where: { id: pair.promptId }, data: { systemPrompt: SYSTEM, turns: TURNS.map((t) => t.content) } });
  await prisma.response.update({ where: { id: pair.responseAId }, data: { text: CHOSEN } });
  await prisma.response.update({ where: { id: pair.responseBId }, data: { text: REJECTED } });
  const [annotator] = await makeAnnotators(1);
  await prisma.comparison.create({
    data: { pairId: pair.id, annotatorId: annotator!.id, chosen: "A", strength: "BETTER", leftSide: "A", timeOnTaskMs: 1 },
  });
});

describe("reading exported dialogues back", () => {
  it("TRL conversational, explicit and implicit", async () => {
    for (const prompt of ["explicit", "implicit"] as const) {
      const [row] = await exportLines({ format: "trl", style: "conversational", prompt });
      expect(conversationalPreferencePair(row)).toEqual({ dialogue: { systemPrompt: SYSTEM, turns: TURNS }, chosen: CHOSEN, rejected: REJECTED });
    }
  });

  it("TRL standard strings in the Llama 2 chat template", async () => {
    const [row] = await exportLines({ format: "trl", style: "standard", prompt: "explicit" });
    // Standard-style exports leave the leading BOS to the tokenizer (issue 13 item 5): with it, the template reads back.
    expect(row.prompt.startsWith("[INST] ")).toBe(true);
    expect(parseLlama2Chat(`<s>${row.prompt}`)).toEqual({ systemPrompt: SYSTEM, turns: TURNS });
    expect(row.chosen).toBe(` ${CHOSEN}`);
    const [implicit] = await exportLines({ format: "trl", style: "standard", prompt: "implicit" });
    expect(implicit.chosen).toBe(`${row.prompt} ${CHOSEN}`);
  });

  it("HH-RLHF transcripts (which carry no system prompt)", async () => {
    const [row] = await exportLines({ format: "hh-rlhf" });
    expect(hhPreferencePair(row.chosen, row.rejected)).toEqual({ dialogue: { systemPrompt: null, turns: TURNS }, chosen: CHOSEN, rejected: REJECTED });
  });
});

describe("refusals name the problem", () => {
  it("HH-RLHF", () => {
    expect(() => splitHhTranscript("Human: hi")).toThrow('starts with "\\n\\nHuman: "');
    expect(() => splitHhTranscript("\n\nHuman: a\n\nHuman: b")).toThrow("turn 2 of the transcript is Human");
    expect(() => hhPreferencePair("\n\nHuman: a\n\nAssistant: x", "\n\nHuman: b\n\nAssistant: y")).toThrow(/must share the dialogue/);
    expect(() => hhPreferencePair("\n\nHuman: a", "\n\nHuman: a\n\nAssistant: y")).toThrow("chosen: the transcript must end with an Assistant turn");
  });

  it("Llama 2 strings and conversations", () => {
    expect(() => parseLlama2Chat("[INST] hi [/INST]")).toThrow(/starts with <s>\[INST\]/);
    expect(() => parseLlama2Chat("<s>[INST] hi")).toThrow("exchange 1 has no [/INST]");
    expect(parseLlama2Chat(llama2ChatText({ turns: [{ role: "USER", content: "hi" }] }))).toEqual({ systemPrompt: null, turns: [{ role: "USER", content: "hi" }] });
    expect(() =>
      conversationalPreferencePair({ chosen: [{ role: "user", content: "q" }, { role: "assistant", content: "a" }], rejected: [{ role: "user", content: "other" }, { role: "assistant", content: "b" }] }),
    ).toThrow(/must share the conversation/);
    expect(() =>
      conversationalPreferencePair({ prompt: [{ role: "robot", content: "q" }], chosen: [{ role: "assistant", content: "a" }], rejected: [{ role: "assistant", content: "b" }] }),
    ).toThrow('prompt[0].role: expected user or assistant, got "robot"');
  });
});

describe("HH-RLHF pairs", () => {
  const H = "\n\nHuman: ";
  const A = "\n\nAssistant: ";
  it("the shared prefix is the dialogue, the last Assistant turns the responses", () => {
    expect(hhPreferencePair(`${H}Q${A}yes`, `${H}Q${A}`)).toEqual({ dialogue: { systemPrompt: null, turns: [{ role: "USER", content: "Q" }] }, chosen: "yes", rejected: "" });
    const prefix = `${H}Q1 "quoted"\nline${A}A1 ${H.trim()} inside${H}Q2 🎉`;
    expect(hhPreferencePair(`${prefix}${A}good`, `${prefix}${A}bad\n\nmore`)).toEqual({
      dialogue: {
        systemPrompt: null,
        turns: [
          { role: "USER", content: 'Q1 "quoted"\nline' },
          { role: "ASSISTANT", content: `A1 ${H.trim()} inside` },
          { role: "USER", content: "Q2 🎉" },
        ],
      },
      chosen: "good",
      rejected: "bad\n\nmore",
    });
  });

  it("each malformed pair is refused with what is wrong", () => {
    const refused = (chosen: string, rejected: string) => () => hhPreferencePair(chosen, rejected);
    expect(refused(`${H}Q${A}a`, `${H}R${A}b`)).toThrow("chosen and rejected must share the dialogue before their last Assistant turn");
    expect(refused(`${H}Q${A}a`, `${H}Q${A}x${H}Q2${A}b`)).toThrow("chosen and rejected must share the dialogue before their last Assistant turn");
    expect(refused(`${H}Q${A}a${H}again`, `${H}Q${A}b`)).toThrow("chosen: the transcript must end with an Assistant turn");
    expect(refused(`${H}Q${H}Q2${A}a`, `${H}Q${H}Q2${A}b`)).toThrow("turn 2 of the transcript is Human; Human and Assistant must alternate");
    expect(refused(`${H}Q${A}a${A}b`, `${H}Q${A}a${A}c`)).toThrow("turn 3 of the transcript is Assistant; Human and Assistant must alternate");
    expect(refused(`Q${A}a`, `Q${A}b`)).toThrow('an HH-RLHF transcript starts with "\\n\\nHuman: "');
    expect(refused(`${H}Q`, `${H}Q`)).toThrow("chosen: the transcript must end with an Assistant turn");
  });
});
