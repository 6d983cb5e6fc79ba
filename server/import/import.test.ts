// Imports against a real PostgreSQL: fixture files written here in each format (no downloads),
// whole-or-nothing on a bad row, the duplicate rule, provenance, the round trip through the
// export, and that imported pairs never reach an annotator.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { beforeAll, describe, expect, it } from "vitest";
import { batchOverview } from "../dashboard/overview";
import { comparisonsOverTime, distributions, filterOptions } from "../dashboard/stats";
import { prisma } from "../db/prisma";
import { exportToDirectory } from "../export/export-to-directory";
import type { ExportOptionsInput } from "../export/export.schema";
import { leaseNextTask } from "../queue/lease";
import { makeBatch } from "../testing/batches";
import { makeAnnotators } from "../testing/fixtures";
import type { ImportOptionsInput } from "./import.schema";
import { fileSha256 } from "./readers";
import { previewImport, runImport } from "./run-import";
import type { ImportResult } from "./write-import";
import { turnsFromTexts } from "../prompts/turns";

process.env.EXPORT_SHARDS = "1";
const url = () => process.env.DATABASE_URL!;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "import-test-"));
const NASTY = `He said "hi" \\ C:\\path\\n (not a newline)\nreal newline\ttab café ß 日本語 🎉 http://example.invalid/x`;

function writeFile(name: string, content: string | Buffer) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return { path: file, fileName: name };
}
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

async function importFile(file: { path: string; fileName: string }, options: Partial<ImportOptionsInput> = {}) {
  return runImport(url(), file, { sourceName: "test-source", ...options }, { createdById: null });
}

async function counts() {
  const [prompts, turns, responses, pairs, comparisons, imports, rounds, batches] = await Promise.all([
    prisma.prompt.count(),
    prisma.prompt.findMany({ select: { turns: true } }).then((all) => all.reduce((n, p) => n + p.turns.length, 0)),
    prisma.response.count(),
    prisma.pair.count(),
    prisma.comparison.count(),
    prisma.datasetImport.count(),
    prisma.round.count(),
    prisma.batch.count(),
  ]);
  return { prompts, turns, responses, pairs, comparisons, imports, rounds, batches };
}

async function exportRows(options: ExportOptionsInput) {
  const out = fs.mkdtempSync(path.join(dir, "export-"));
  await exportToDirectory(url(), options, out, "salt");
  const file = path.join(out, `data.${options.file ?? "jsonl"}`);
  if (options.file === "parquet") {
    const { asyncBufferFromFile, parquetReadObjects } = await import("hyparquet");
    return { file, rows: (await parquetReadObjects({ file: await asyncBufferFromFile(file) })) as unknown[] };
  }
  return { file, rows: fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)) };
}

const hh = (turns: string[], chosen: string, rejected: string) => {
  const prefix = turns.map((t, i) => `\n\n${i % 2 ? "Assistant" : "Human"}: ${t}`).join("");
  return { chosen: `${prefix}\n\nAssistant: ${chosen}`, rejected: `${prefix}\n\nAssistant: ${rejected}` };
};

describe("prompts", () => {
  it("JSONL: single and multi-turn, protocol, risk category and attack vector, with provenance", async () => {
    const file = writeFile("prompts.jsonl", jsonl([
      { prompt: `Explain tides. ${NASTY}` },
      { messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hi" }, { role: "assistant", content: "Hello!" }, { role: "user", content: "Tell me a joke." }] },
      { prompt: "How do I pick a lock?", protocol: "safety", risk_category: "illicit and criminal activities", attack_vector: "direct request" },
    ]));
    const result = await importFile(file, { sourceName: "handwritten", licence: "CC-BY-4.0" });
    expect(result).toMatchObject({ format: "prompts", rows: 3, inserted: 3, duplicates: 0, promptsCreated: 3 });
    const imported = await prisma.datasetImport.findUniqueOrThrow({ where: { id: result.importId! } });
    expect(imported).toMatchObject({ kind: "PROMPTS", sourceName: "handwritten", fileName: "prompts.jsonl", licence: "CC-BY-4.0", format: "prompts", rows: 3, inserted: 3 });
    expect(imported.fileSha256).toBe(await fileSha256(file.path));
    const prompts = (await prisma.prompt.findMany({ where: { importId: result.importId }, orderBy: { createdAt: "asc" } })).map((p) => ({ ...p, turns: turnsFromTexts(p.turns) }));
    const byFirst = new Map(prompts.map((p) => [p.turns[0]!.content, p]));
    expect(byFirst.get(`Explain tides. ${NASTY}`)).toMatchObject({ protocol: "HELPFULNESS", source: "handwritten", systemPrompt: null });
    expect(byFirst.get("Hi")!.systemPrompt).toBe("Be brief.");
    expect(byFirst.get("Hi")!.turns.map((t) => [t.role, t.content])).toEqual([["USER", "Hi"], ["ASSISTANT", "Hello!"], ["USER", "Tell me a joke."]]);
    expect(byFirst.get("How do I pick a lock?")).toMatchObject({ protocol: "SAFETY", riskCategory: "illicit and criminal activities", attackVector: "direct request" });
  });

  it("CSV with a header row, multi-turn as a JSON messages cell", async () => {
    const csv = [
      "prompt,messages,protocol,risk_category",
      `"CSV question with ""quotes"" and a\nnewline",,HELPFULNESS,`,
      `,"[{""role"":""user"",""content"":""a""},{""role"":""assistant"",""content"":""b""},{""role"":""user"",""content"":""c""}]",SAFETY,self-harm`,
    ].join("\n");
    const result = await importFile(writeFile("prompts.csv", csv));
    expect(result).toMatchObject({ format: "prompts", rows: 2, inserted: 2 });
    const multi = await prisma.prompt.findFirstOrThrow({ where: { importId: result.importId, riskCategory: "self-harm" } });
    expect(multi.turns).toEqual(["a", "b", "c"]);
    expect(await prisma.prompt.count({ where: { turns: { has: 'CSV question with "quotes" and a\nnewline' } } })).toBe(1);
  });

  it("Parquet, read row group by row group; a bad row names its row group", async () => {
    const write = (rows: { prompt: string | null; protocol: string }[], rowGroupSize: number) => {
      const writer = new ByteWriter();
      const parquet = new ParquetWriter({
        writer,
        schema: [
          { name: "root", num_children: 2 },
          { name: "prompt", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
          { name: "protocol", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
        ],
      });
      parquet.write({
        columnData: [
          { name: "prompt", data: rows.map((r) => r.prompt) },
          { name: "protocol", data: rows.map((r) => r.protocol) },
        ],
        rowGroupSize,
      });
      parquet.finish();
      return Buffer.from(writer.getBuffer());
    };
    const rows = Array.from({ length: 25 }, (_, i) => ({ prompt: `Parquet prompt ${i} ${NASTY}`, protocol: i % 2 ? "SAFETY" : "HELPFULNESS" }));
    const result = await importFile(writeFile("prompts.parquet", write(rows, 10)));
    expect(result).toMatchObject({ format: "prompts", rows: 25, inserted: 25 });
    expect(await prisma.prompt.count({ where: { importId: result.importId, protocol: "SAFETY" } })).toBe(12);

    const before = await counts();
    const bad = rows.map((r, i) => (i === 13 ? { ...r, protocol: "CREATIVITY" } : { ...r, prompt: `${r.prompt} again` }));
    await expect(importFile(writeFile("bad.parquet", write(bad, 10)))).rejects.toThrow(/^row 14 \(row group 2, row 4\), protocol: /);
    expect(await counts()).toEqual(before);
  });

  it("the same dialogue is stored once: repeats in the file and a second import are reported and skipped", async () => {
    const file = writeFile("dupes.jsonl", jsonl([{ prompt: "Dup one" }, { prompt: "Dup two" }, { prompt: "  Dup one  " }, { prompt: "Dup one" }]));
    const first = await importFile(file);
    expect(first).toMatchObject({ rows: 4, inserted: 2, duplicates: 2 });
    const before = await counts();
    const second = await importFile(file);
    expect(second).toMatchObject({ importId: null, rows: 4, inserted: 0, duplicates: 4 });
    expect(await counts()).toEqual(before);
  });

  it("preview: the detected format and the first rows, without writing", async () => {
    const before = await counts();
    const preview = await previewImport(writeFile("preview.jsonl", jsonl([{ prompt: "Preview me" }, { messages: [{ role: "user", content: "And me" }] }])));
    expect(preview).toMatchObject({ fileKind: "jsonl", format: "prompts", detectedFormat: "prompts", error: null });
    expect(preview.rows.map((r) => r.dialogue)).toEqual([[{ role: "user", content: "Preview me" }], [{ role: "user", content: "And me" }]]);
    expect(await counts()).toEqual(before);
  });
});

describe("whole or nothing", () => {
  it("a bad row in the middle of a large file leaves the database untouched, and the error names its line and field", async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => hh([`Large question ${i}? ${NASTY}`], `Good answer ${i}`, `Bad answer ${i}`));
    rows[12_344] = { chosen: rows[12_344]!.chosen, rejected: 42 } as never;
    const before = await counts();
    await expect(importFile(writeFile("large-bad.jsonl", jsonl(rows)))).rejects.toThrow(/^line 12345, rejected: /);
    expect(await counts()).toEqual(before);

    rows[12_344] = { chosen: "\n\nHuman: hi\n\nAssistant: a", rejected: "\n\nHuman: something else\n\nAssistant: b" };
    await expect(importFile(writeFile("large-bad2.jsonl", jsonl(rows)))).rejects.toThrow("line 12345, chosen: chosen and rejected must share the dialogue");
    expect(await counts()).toEqual(before);
  });

  it("bad JSON, an unknown format, NUL characters: the line and the problem", async () => {
    await expect(importFile(writeFile("json.jsonl", `${JSON.stringify({ prompt: "ok" })}\n{"prompt": "broken\n`))).rejects.toThrow(/^line 2: not valid JSON/);
    await expect(importFile(writeFile("unknown.jsonl", jsonl([{ text: "?" }])))).rejects.toThrow(/^line 1: the format cannot be told/);
    await expect(importFile(writeFile("nul.jsonl", jsonl([{ prompt: "a\u0000b" }])))).rejects.toThrow(/^line 1, prompt: contains a NUL character/);
    await expect(importFile(writeFile("wrongformat.jsonl", jsonl([{ prompt: "a" }])), { format: "hh-rlhf" })).rejects.toThrow(/^line 1, chosen: /);
  });

  it("limits on size and rows are stated in the error", async () => {
    const file = writeFile("limits.jsonl", jsonl(Array.from({ length: 5 }, (_, i) => ({ prompt: `limit ${i}` }))));
    const run = (limits: { maxBytes: number; maxRows: number }) => runImport(url(), file, { sourceName: "x" }, { createdById: null, limits });
    await expect(run({ maxBytes: 10, maxRows: 100 })).rejects.toThrow(/the limit is 0\.00 MB \(IMPORT_MAX_BYTES\)/);
    await expect(run({ maxBytes: 1e9, maxRows: 4 })).rejects.toThrow("more than 4 rows, the limit (IMPORT_MAX_ROWS)");
  });
});

describe("preference datasets", () => {
  let annotators: string[];
  beforeAll(async () => {
    // The team's own labelled pairs, exported and imported back in each format.
    annotators = (await makeAnnotators(2)).map((a) => a.id);
    const { pairIds } = await makeBatch({ pairs: 6, status: "CLOSED", protocol: (i) => (i % 3 === 0 ? "SAFETY" : "HELPFULNESS") });
    const strengths = ["SIGNIFICANTLY_BETTER", "BETTER", "SLIGHTLY_BETTER", "NEGLIGIBLY_BETTER_OR_UNSURE"] as const;
    for (const [i, pairId] of pairIds.entries()) {
      const pair = await prisma.pair.findUniqueOrThrow({ where: { id: pairId } });
      await prisma.response.update({ where: { id: pair.responseAId }, data: { text: `Answer A ${i}: ${NASTY}` } });
      for (const [j, annotatorId] of annotators.entries()) {
        await prisma.comparison.create({
          data: { pairId, annotatorId, chosen: i % 2 ? "B" : "A", strength: strengths[(i + j) % 4]!, leftSide: "A", timeOnTaskMs: 900, safetyLabel: i % 3 === 0 ? "BOTH_SAFE" : null },
        });
      }
    }
  });

  const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();

  async function roundTrip(name: string, options: ExportOptionsInput, importOptions: Partial<ImportOptionsInput> = {}, check?: (result: ImportResult) => Promise<void>) {
    const team = await exportRows(options);
    expect(team.rows.length).toBeGreaterThan(0);
    const fileName = `${name}.${options.file ?? "jsonl"}`;
    const result = await importFile({ path: team.file, fileName }, { sourceName: name, ...importOptions });
    const back = await exportRows({ ...options, sources: [name] });
    expect(sorted(back.rows)).toEqual(sorted(team.rows));
    await check?.(result);
    // The same pairs again from another file would be duplicates: this import is undone (its
    // batch, pairs and comparisons go with it) so the next format starts from the team's data.
    await prisma.datasetImport.delete({ where: { id: result.importId! } });
    return result;
  }

  it("HH-RLHF: the shared prefix becomes the prompt; exporting what was imported gives back the same rows", async () => {
    await roundTrip("hh", { format: "hh-rlhf", aggregate: "majority" }, {}, async (result) => {
      expect(result).toMatchObject({ format: "hh-rlhf", rows: 6, inserted: 6 });
      const comparisons = await prisma.comparison.findMany({ where: { importId: result.importId } });
      expect(comparisons).toHaveLength(6);
      expect(comparisons.every((c) => c.annotatorId === null && c.chosen === "A" && c.strength === "NEGLIGIBLY_BETTER_OR_UNSURE")).toBe(true);
      // Prompts already stored (the team's) are reused, not copied.
      expect(result.promptsCreated).toBe(0);
    });
  });

  it("TRL conversational and standard, explicit and implicit, with margins read back as strengths", async () => {
    for (const style of ["conversational", "standard"] as const) {
      for (const prompt of ["explicit", "implicit"] as const) {
        for (const margin of ["small", "large"] as const) {
          const result = await roundTrip(`trl-${style}-${prompt}-${margin}`, { format: "trl", style, prompt, margin, aggregate: "majority" }, { marginScale: margin });
          expect(result.format).toBe("trl");
        }
      }
    }
  });

  it("TRL Parquet", async () => {
    const result = await roundTrip("trl-parquet", { format: "trl", file: "parquet", style: "conversational", margin: "small", aggregate: "mean" });
    expect(result.format).toBe("trl");
  });

  it("the raw export: one comparison per annotation row, on one pair per dialogue and responses", async () => {
    const team = await exportRows({ format: "raw" });
    const result = await importFile({ path: team.file, fileName: "raw.jsonl" }, { sourceName: "raw" });
    expect(result).toMatchObject({ format: "raw", rows: 12, inserted: 12 });
    const batch = await prisma.batch.findUniqueOrThrow({ where: { importId: result.importId! }, include: { pairs: true } });
    expect(batch.pairs).toHaveLength(6);
    expect(batch.pairs.every((p) => p.annotationCount === 2 && p.requiredAnnotations === 2)).toBe(true);
    const back = await exportRows({ format: "raw", sources: ["raw"] });
    const content = (r: Record<string, unknown>) => {
      const { comparison_id: _c, pair_id: _p, annotator: _a, round: _r, batch: _b, left_side: _l, time_on_task_ms: _t, created_at: _d, ...rest } = r;
      return rest;
    };
    expect(sorted(back.rows.map(content))).toEqual(sorted(team.rows.map(content)));

    // Kept out of the dashboard's counts and the team's export unless asked for.
    expect((await distributions(prisma)).total.comparisons).toBe(12);
    expect((await distributions(prisma, { sources: ["raw"] })).total.comparisons).toBe(12);
    expect((await distributions(prisma, { sources: ["team", "raw"] })).total.comparisons).toBe(24);
    expect((await comparisonsOverTime(prisma, { sources: ["nobody"] })).length).toBe(0);
    expect((await filterOptions(prisma)).sources).toContain("raw");
    expect((await batchOverview(prisma)).some((b) => b.batchId === result.batchId)).toBe(false);
    expect(await exportRows({ format: "raw" })).toMatchObject({ rows: { length: 12 } });
    expect(await exportRows({ format: "raw", sources: ["team", "raw"] })).toMatchObject({ rows: { length: 24 } });
    await prisma.datasetImport.delete({ where: { id: result.importId! } });
  });

  it("the same pair is imported once; a file imported twice changes nothing", async () => {
    const rows = [hh(["Dup?"], "yes", "no"), hh(["Dup?"], "no", "yes"), hh(["Dup?"], "yes", "no"), hh(["Other?"], "a", "b")];
    const file = writeFile("dup-pairs.jsonl", jsonl(rows));
    const first = await importFile(file, { sourceName: "dups" });
    expect(first).toMatchObject({ rows: 4, inserted: 2, duplicates: 2 });
    const before = await counts();
    expect(await importFile(file, { sourceName: "dups" })).toMatchObject({ importId: null, inserted: 0, duplicates: 4 });
    expect(await counts()).toEqual(before);
  });

  it("imported pairs never reach an annotator, and their batch cannot be opened", async () => {
    const result = await importFile(writeFile("queue.jsonl", jsonl([hh(["Queue?"], "x", "y")])), { sourceName: "queue" });
    const [annotator] = await makeAnnotators(1);
    const task = await leaseNextTask(prisma, annotator!.id);
    if (task) expect(await prisma.assignment.findFirst({ where: { id: task.assignmentId, pair: { batchId: result.batchId! } } })).toBeNull();
    expect(await prisma.assignment.count({ where: { pair: { batchId: result.batchId! } } })).toBe(0);
    await expect(prisma.batch.update({ where: { id: result.batchId! }, data: { status: "OPEN" } })).rejects.toThrow(/cannot be opened for annotation/);
  });
});
