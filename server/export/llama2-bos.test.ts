// Issue 13 item 5: standard-style exports leave the leading BOS "<s>" to the tokenizer. Read as
// a Hugging Face Llama 2 tokenizer reads text (BOS added, "<s>" and "</s>" in the text its
// special tokens, every piece between them SentencePiece-encoded with its dummy prefix, the
// legacy behaviour of Llama 2's tokenizer), with the real Llama 2 vocabulary (llama-tokenizer-js),
// each exported prompt gives exactly the ids of Meta's chat format (llama2ChatTokens).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import llamaTokenizer from "llama-tokenizer-js";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import type { ChatDialogue } from "../prompts/dialogue";
import { llama2ChatTokens } from "../prompts/llama2-chat";
import { turnsFromTexts } from "../prompts/turns";
import { makeAnnotators } from "../testing/fixtures";
import { STANDARD_BOS_NOTE } from "./dataset-card";
import { exportToDirectory } from "./export-to-directory";
import type { ExportOptionsInput } from "./export.schema";

process.env.EXPORT_SHARDS = "1";
const BOS = 1;
const EOS = 2;
const encode = (text: string) => llamaTokenizer.encode(text, false) as number[];

/** Text as a Hugging Face Llama 2 tokenizer with add_bos_token (its default) reads it. */
function tokenizeWithBos(text: string): number[] {
  const ids = [BOS];
  for (const piece of text.split(/(<\/?s>)/)) {
    if (piece === "<s>") ids.push(BOS);
    else if (piece === "</s>") ids.push(EOS);
    else if (piece) ids.push(...encode(piece));
  }
  return ids;
}

const dialogues: (ChatDialogue & { answers: [string, string] })[] = [
  { systemPrompt: null, turns: turnsFromTexts(["What colour is the sky?"]), answers: ["Blue.", "Green, mostly."] },
  { systemPrompt: "You are a helpful assistant.", turns: turnsFromTexts(["Hi!", " Hello, how can I help? ", "Tell me a joke about ] brackets."]), answers: ["  Why did the bracket…", "No."] },
  { systemPrompt: null, turns: turnsFromTexts(["Q1", "A1", "Q2", "A2\n", "日本語で? 🙂"]), answers: ["はい。", "\nIt is."] },
];

beforeAll(async () => {
  const round = await prisma.round.create({ data: { number: 11, name: "RLHF-V11", status: "ACTIVE" } });
  const batch = await prisma.batch.create({ data: { roundId: round.id, name: "Tokens", status: "OPEN" } });
  const [annotator] = await makeAnnotators(1);
  for (const [i, d] of dialogues.entries()) {
    await prisma.prompt.create({ data: { id: `tok-${i}`, protocol: "HELPFULNESS", source: "test", contentHash: `tok-${i}`, systemPrompt: d.systemPrompt ?? null, turns: d.turns.map((t) => t.content) } });
    await prisma.response.createMany({ data: d.answers.map((text, side) => ({ id: `tok-${i}-${side}`, promptId: `tok-${i}`, text })) });
    await prisma.pair.create({ data: { id: `tok-pair-${i}`, batchId: batch.id, promptId: `tok-${i}`, responseAId: `tok-${i}-0`, responseBId: `tok-${i}-1`, strategy: "test" } });
    await prisma.comparison.create({ data: { pairId: `tok-pair-${i}`, annotatorId: annotator!.id, chosen: "A", strength: "BETTER", leftSide: "A", timeOnTaskMs: 1000 } });
  }
});

async function exported(options: ExportOptionsInput) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "bos-"));
  await exportToDirectory(process.env.DATABASE_URL!, options, out, "salt");
  const rows = fs.readFileSync(path.join(out, "data.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
  return { rows, card: fs.readFileSync(path.join(out, "README.md"), "utf8") };
}

describe("standard-style exports and the Llama 2 tokenizer", () => {
  it("an explicit prompt, tokenised with BOS added, gives exactly Meta's ids", async () => {
    const { rows, card } = await exported({ format: "trl", style: "standard", prompt: "explicit" });
    expect(rows).toHaveLength(dialogues.length);
    for (const [i, d] of dialogues.entries()) {
      const row = rows[i]!;
      expect(row.prompt!.startsWith("[INST] ")).toBe(true);
      const ids = tokenizeWithBos(row.prompt!);
      expect(ids).toEqual(llama2ChatTokens(d, encode));
      expect(ids.slice(0, 2)).not.toEqual([BOS, BOS]);
      // One BOS per exchange, one EOS per earlier exchange.
      expect(ids.filter((t) => t === BOS)).toHaveLength((d.turns.length + 1) / 2);
      expect(ids.filter((t) => t === EOS)).toHaveLength((d.turns.length - 1) / 2);
    }
    // The card says so.
    expect(card).toContain(STANDARD_BOS_NOTE);
    expect(STANDARD_BOS_NOTE).toContain("leave out the leading BOS `<s>`");
  });

  it("an implicit prompt's chosen and rejected are Meta's prompt ids followed by the answer's", async () => {
    const { rows } = await exported({ format: "trl", style: "standard", prompt: "implicit" });
    for (const [i, d] of dialogues.entries()) {
      const prompt = llama2ChatTokens(d, encode);
      expect(tokenizeWithBos(rows[i]!.chosen!)).toEqual([...prompt, ...encode(d.answers[0].trim())]);
      expect(tokenizeWithBos(rows[i]!.rejected!)).toEqual([...prompt, ...encode(d.answers[1].trim())]);
    }
  });

  it("conversational and HH-RLHF exports carry no template, and their cards no BOS note", async () => {
    for (const options of [{ format: "trl", style: "conversational" }, { format: "hh-rlhf" }] as ExportOptionsInput[]) {
      const { rows, card } = await exported(options);
      expect(JSON.stringify(rows)).not.toContain("[INST]");
      expect(card).not.toContain(STANDARD_BOS_NOTE);
    }
  });
});
