// Issue 13 item 4: TRL standard rows hold strings, and most sets on the Hugging Face Hub hold
// plain ones. A plain row is a single-turn dialogue (the prompt as the user turn, the strings as
// the responses; with an implicit prompt, what chosen and rejected share at their start, as
// TRL's extract_prompt reads it); strings in the Llama 2 chat template, with or without the
// leading <s>, are read as that template's dialogue; the preview names the reading.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { llama2ChatText } from "../prompts/llama2-chat";
import { previewImport, runImport } from "./run-import";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "trl-readings-"));
function file(name: string, rows: unknown[]) {
  const at = path.join(dir, name);
  fs.writeFileSync(at, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return { path: at, fileName: name };
}
const importFile = (f: { path: string; fileName: string }, sourceName: string) => runImport(process.env.DATABASE_URL!, f, { sourceName }, { createdById: null });

async function storedPairs(sourceName: string) {
  const pairs = await prisma.pair.findMany({
    where: { batch: { import: { sourceName } } },
    include: { prompt: true, responseA: true, responseB: true, comparisons: true },
    orderBy: { createdAt: "asc" },
  });
  return pairs.map((p) => ({
    system: p.prompt.systemPrompt,
    turns: p.prompt.turns,
    chosen: p.comparisons[0]!.chosen === "A" ? p.responseA.text : p.responseB.text,
    rejected: p.comparisons[0]!.chosen === "A" ? p.responseB.text : p.responseA.text,
  }));
}

describe("TRL standard rows", () => {
  it("plain strings, explicit prompt: a single-turn dialogue with the strings as responses", async () => {
    const rows = [
      { prompt: "What color is the sky?", chosen: "Blue.", rejected: "Green." },
      { prompt: "Name a prime.", chosen: " 7", rejected: " 8", margin: 1 },
    ];
    const preview = await previewImport(file("explicit.jsonl", rows));
    expect(preview).toMatchObject({ format: "trl", error: null, readings: ["plain strings: the prompt as a single user turn"] });
    expect(preview.rows[0]).toMatchObject({ dialogue: [{ role: "user", content: "What color is the sky?" }], chosen: "Blue.", rejected: "Green.", reading: "plain strings: the prompt as a single user turn" });

    const result = await importFile(file("explicit.jsonl", rows), "plain-explicit");
    expect(result).toMatchObject({ format: "trl", inserted: 2 });
    expect(await storedPairs("plain-explicit")).toEqual([
      { system: null, turns: ["What color is the sky?"], chosen: "Blue.", rejected: "Green." },
      { system: null, turns: ["Name a prime."], chosen: " 7", rejected: " 8" },
    ]);
  });

  it("plain strings, implicit prompt: the shared start is the prompt, a space before the difference going with the answers", async () => {
    const rows = [{ chosen: "The sky is blue.", rejected: "The sky is green." }];
    const preview = await previewImport(file("implicit.jsonl", rows));
    expect(preview).toMatchObject({ format: "trl", error: null, readings: ["plain strings: the prompt as a single user turn"] });
    await importFile(file("implicit.jsonl", rows), "plain-implicit");
    expect(await storedPairs("plain-implicit")).toEqual([{ system: null, turns: ["The sky is"], chosen: " blue.", rejected: " green." }]);

    // Nothing shared: the prompt cannot be told, and the error names the field.
    await expect(importFile(file("unshared.jsonl", [{ chosen: "Blue.", rejected: "Green." }]), "plain-unshared")).rejects.toThrow(
      /^line 1, chosen: chosen and rejected share no text at their start/,
    );
  });

  it("strings in the Llama 2 chat template keep their reading, with or without the leading <s>", async () => {
    const dialogue = {
      systemPrompt: "Be brief.",
      turns: [
        { role: "USER" as const, content: "Hi" },
        { role: "ASSISTANT" as const, content: "Hello!" },
        { role: "USER" as const, content: "What color is the sky?" },
      ],
    };
    const prompt = llama2ChatText(dialogue);
    expect(prompt.startsWith("<s>[INST]")).toBe(true);
    const rows = [
      { prompt, chosen: " Blue.", rejected: " Green." },
      { prompt: prompt.slice("<s>".length), chosen: " Blue, mostly.", rejected: " Green." },
      { chosen: `${prompt.slice("<s>".length)} Blue, by day.`, rejected: `${prompt.slice("<s>".length)} Red.` },
    ];
    const preview = await previewImport(file("template.jsonl", rows));
    expect(preview).toMatchObject({ format: "trl", error: null, readings: ["strings in the Llama 2 chat template"] });
    await importFile(file("template.jsonl", rows), "template");
    const turns = ["Hi", "Hello!", "What color is the sky?"];
    expect(await storedPairs("template")).toEqual([
      { system: "Be brief.", turns, chosen: "Blue.", rejected: "Green." },
      { system: "Be brief.", turns, chosen: "Blue, mostly.", rejected: "Green." },
      { system: "Be brief.", turns, chosen: "Blue, by day.", rejected: "Red." },
    ]);

    // A string that carries the template but breaks it is refused as such, naming the field.
    await expect(importFile(file("broken.jsonl", [{ prompt, chosen: "Blue.", rejected: " Green." }]), "broken")).rejects.toThrow(
      "line 1, chosen: an answer after [/INST] starts with a space",
    );
    await expect(importFile(file("broken2.jsonl", [{ chosen: "[INST] Hi [/INST]", rejected: "[INST] Hi [/INST] No." }]), "broken2")).rejects.toThrow(
      'line 1, chosen: no "[/INST] " before the answer',
    );
  });

  it("the preview names conversational and HH-RLHF readings too", async () => {
    const conversational = await previewImport(
      file("conv.jsonl", [{ prompt: [{ role: "user", content: "Hi" }], chosen: [{ role: "assistant", content: "Hello" }], rejected: [{ role: "assistant", content: "Go away" }] }]),
    );
    expect(conversational.readings).toEqual(["conversational messages"]);
    const hh = await previewImport(file("hh.jsonl", [{ chosen: "\n\nHuman: Hi\n\nAssistant: Hello", rejected: "\n\nHuman: Hi\n\nAssistant: Go away" }]));
    expect(hh.readings).toEqual(["HH-RLHF transcripts"]);
    const prompts = await previewImport(file("prompts.jsonl", [{ prompt: "Hi" }]));
    expect(prompts.readings).toEqual([]);
  });
});
