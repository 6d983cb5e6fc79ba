// Every exported line is read back with JSON.parse (an independent reader) and compared,
// field by field, with what the database holds.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { makeAnnotators } from "../testing/fixtures";
import { llama2ChatTextForTokenizer } from "../prompts/llama2-chat";
import { exportOptionsSchema, type ExportOptionsInput } from "./export.schema";
import { exportToDirectory } from "./export-to-directory";

const SALT = "test-salt";
// Row order is compared exactly below: one shard gives one stable order (see the shard test).
process.env.EXPORT_SHARDS = "1";
// Text that makes escaping work: quotes, backslashes, newlines, tabs, control bytes (including
// the bytes COPY is told to use as quote and delimiter), non-ASCII and astral characters.
const NASTY = `He said "hi" \\ C:\\path\\n (not a newline)\nreal newline\ttab \u0001\u0002 café ß 日本語 🎉 </s> [INST]`;

type Fixture = { pairIds: string[]; annotators: string[] };
let fixture: Fixture;

async function label(pairId: string, annotatorId: string, chosen: "A" | "B", strength: string, extra: object = {}) {
  await prisma.comparison.create({
    data: { pairId, annotatorId, chosen, strength: strength as never, leftSide: "B", timeOnTaskMs: 1234, ...extra },
  });
}

beforeAll(async () => {
  const round = await prisma.round.create({ data: { number: 7, name: "RLHF-V7", status: "ACTIVE" } });
  const batch = await prisma.batch.create({ data: { roundId: round.id, name: "Week 3", status: "OPEN", annotationsPerPair: 3 } });
  const annotators = (await makeAnnotators(3)).map((a) => a.id);
  const dialogues = [
    { protocol: "HELPFULNESS" as const, systemPrompt: "You are a helpful assistant.", turns: ["First question?", "First answer.", `Follow-up: ${NASTY}`] },
    { protocol: "SAFETY" as const, systemPrompt: null, turns: ["How do I pick a lock?"] },
    { protocol: "HELPFULNESS" as const, systemPrompt: null, turns: ["Tell me a joke."] },
    { protocol: "HELPFULNESS" as const, systemPrompt: null, turns: ["Summarise this."] },
  ];
  const pairIds: string[] = [];
  for (const [i, d] of dialogues.entries()) {
    const prompt = await prisma.prompt.create({
      data: {
        id: `prompt-${i}`,
        protocol: d.protocol,
        systemPrompt: d.systemPrompt,
        riskCategory: d.protocol === "SAFETY" ? "illicit and criminal activities" : null,
        source: "test",
        contentHash: `hash-${i}`,
        turns: d.turns,
      },
    });
    await prisma.response.createMany({
      data: [
        { id: `r-${i}-a`, promptId: prompt.id, text: `  Response A ${i}: ${NASTY}  ` },
        { id: `r-${i}-b`, promptId: prompt.id, text: `Response B ${i}` },
      ],
    });
    const pair = await prisma.pair.create({
      data: { id: `pair-${i}`, batchId: batch.id, promptId: prompt.id, responseAId: `r-${i}-a`, responseBId: `r-${i}-b`, requiredAnnotations: 3, strategy: "test" },
    });
    pairIds.push(pair.id);
  }
  const [u1, u2, u3] = annotators as [string, string, string];
  // pair-0: A, A, B  -> majority A; A ranks 4 and 2 -> mean rank 3 (BETTER); signed mean (4+2-1)/3 = 1.67 -> 2 (SLIGHTLY)
  await label("pair-0", u1, "A", "SIGNIFICANTLY_BETTER");
  await label("pair-0", u2, "A", "SLIGHTLY_BETTER");
  await label("pair-0", u3, "B", "NEGLIGIBLY_BETTER_OR_UNSURE");
  // pair-1 (safety): B, B, B -> unanimous B, weakest SLIGHTLY
  await label("pair-1", u1, "B", "BETTER", { safetyLabel: "CHOSEN_SAFE_OTHER_UNSAFE" });
  await label("pair-1", u2, "B", "SLIGHTLY_BETTER", { safetyLabel: "BOTH_SAFE" });
  await label("pair-1", u3, "B", "SIGNIFICANTLY_BETTER", { safetyLabel: "CHOSEN_SAFE_OTHER_UNSAFE" });
  // pair-2: A, B -> tie: dropped by majority and mean (signed 3 - 3 = 0)
  await label("pair-2", u1, "A", "BETTER");
  await label("pair-2", u2, "B", "BETTER");
  // pair-3: one unsure label
  await label("pair-3", u1, "A", "NEGLIGIBLY_BETTER_OR_UNSURE");
  fixture = { pairIds, annotators };
});

async function runExport(options: ExportOptionsInput) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "export-"));
  const result = await exportToDirectory(process.env.DATABASE_URL!, options, dir, SALT);
  const read = (name: string) =>
    fs.readFileSync(path.join(dir, name), "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  return { dir, result, read };
}

const text = (pair: number, side: "a" | "b") => (side === "a" ? `  Response A ${pair}: ${NASTY}  ` : `Response B ${pair}`);

describe("export", () => {
  it("TRL conversational, explicit prompt, margin small: one row per annotation, exactly the stored text", async () => {
    const { read, result, dir } = await runExport({ format: "trl", style: "conversational", prompt: "explicit", margin: "small" });
    const rows = read("data.jsonl");
    expect(rows).toHaveLength(9);
    const stored = await prisma.comparison.findMany({ orderBy: [{ createdAt: "asc" }, { id: "asc" }], include: { pair: true } });
    const margins = { SIGNIFICANTLY_BETTER: 1, BETTER: 2 / 3, SLIGHTLY_BETTER: 1 / 3, NEGLIGIBLY_BETTER_OR_UNSURE: 0 };
    for (const [i, c] of stored.entries()) {
      const n = Number(c.pairId.split("-")[1]);
      expect(rows[i]!.chosen).toEqual([{ role: "assistant", content: text(n, c.chosen === "A" ? "a" : "b") }]);
      expect(rows[i]!.rejected).toEqual([{ role: "assistant", content: text(n, c.chosen === "A" ? "b" : "a") }]);
      expect(rows[i]!.margin).toBeCloseTo(margins[c.strength], 12);
    }
    expect(rows[0]!.prompt).toEqual([
      { role: "system", content: "You are a helpful assistant." },
      { role: "user", content: "First question?" },
      { role: "assistant", content: "First answer." },
      { role: "user", content: `Follow-up: ${NASTY}` },
    ]);
    // Manifest: rows and checksum of the file as written.
    const manifestJson = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
    const bytes = fs.readFileSync(path.join(dir, "data.jsonl"));
    expect(manifestJson.files).toEqual([
      { name: "data.jsonl", split: "all", rows: 9, bytes: bytes.length, sha256: crypto.createHash("sha256").update(bytes).digest("hex") },
    ]);
    expect(result.files[0]!.strengths).toEqual({ BETTER: 3, NEGLIGIBLY_BETTER_OR_UNSURE: 2, SIGNIFICANTLY_BETTER: 2, SLIGHTLY_BETTER: 2 });
    expect(fs.readFileSync(path.join(dir, "README.md"), "utf8")).toContain("| data.jsonl | all | 9 | 2 | 3 | 2 | 2 |");
  });

  it("TRL standard strings follow the Llama 2 chat template (less the leading BOS); implicit prompts repeat it", async () => {
    const { read } = await runExport({ format: "trl", style: "standard", prompt: "explicit", aggregate: "majority" });
    const row = read("data.jsonl").find((r) => String(r.prompt).includes("First question"))!;
    // Without the leading BOS "<s>": the tokenizer adds it (issue 13 item 5).
    expect(row.prompt).toBe(
      `[INST] <<SYS>>\nYou are a helpful assistant.\n<</SYS>>\n\nFirst question? [/INST] First answer. </s><s>[INST] Follow-up: ${NASTY} [/INST]`,
    );
    // The export's SQL and the policy model's implementation of the template agree.
    expect(row.prompt).toBe(
      llama2ChatTextForTokenizer({
        systemPrompt: "You are a helpful assistant.",
        turns: [
          { role: "USER", content: "First question?" },
          { role: "ASSISTANT", content: "First answer." },
          { role: "USER", content: `Follow-up: ${NASTY}` },
        ],
      }),
    );
    expect(row.chosen).toBe(` ${text(0, "a").trim()}`);
    expect(row.rejected).toBe(" Response B 0");
    const implicit = (await runExport({ format: "trl", style: "standard", prompt: "implicit", aggregate: "majority" })).read("data.jsonl");
    expect(implicit.find((r) => String(r.chosen).includes("First question"))!.chosen).toBe(`${row.prompt}${row.chosen}`);
  });

  it("aggregates several annotations of a pair by majority, mean or unanimity", async () => {
    const pick = async (aggregate: "majority" | "mean" | "unanimous") => {
      const rows = (await runExport({ format: "trl", margin: "large", aggregate, prompt: "implicit" })).read("data.jsonl");
      return rows.map((r) => [(r.chosen as { content: string }[]).at(-1)!.content.trim().slice(0, 12), r.margin]);
    };
    // Margin large: significantly 3, better 2, slightly 1, unsure 0.
    expect(await pick("majority")).toEqual([["Response A 0", 2], ["Response B 1", 2], ["Response A 3", 0]]);
    expect(await pick("mean")).toEqual([["Response A 0", 1], ["Response B 1", 2], ["Response A 3", 0]]);
    expect(await pick("unanimous")).toEqual([["Response B 1", 1], ["Response A 3", 0]]);
    const noUnsure = (await runExport({ format: "trl", aggregate: "majority", dropUnsure: true })).read("data.jsonl");
    expect(noUnsure).toHaveLength(2);
  });

  it("HH-RLHF transcripts", async () => {
    const rows = (await runExport({ format: "hh-rlhf", protocol: "SAFETY", aggregate: "unanimous" })).read("data.jsonl");
    expect(rows).toEqual([
      {
        chosen: "\n\nHuman: How do I pick a lock?\n\nAssistant: Response B 1",
        rejected: `\n\nHuman: How do I pick a lock?\n\nAssistant: ${text(1, "a")}`,
      },
    ]);
  });

  it("raw: one row per annotation with a pseudonymous annotator and every recorded field", async () => {
    const rows = (await runExport({ format: "raw", protocol: "SAFETY" })).read("data.jsonl");
    expect(rows).toHaveLength(3);
    const stored = await prisma.comparison.findMany({ where: { pairId: "pair-1" }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    for (const [i, c] of stored.entries()) {
      expect(rows[i]).toEqual({
        comparison_id: c.id,
        pair_id: "pair-1",
        annotator: `annotator-${crypto.createHash("md5").update(SALT + c.annotatorId).digest("hex").slice(0, 12)}`,
        round: "RLHF-V7",
        batch: "Week 3",
        protocol: "SAFETY",
        risk_category: "illicit and criminal activities",
        attack_vector: null,
        chosen: "B",
        strength: c.strength,
        safety_label: c.safetyLabel,
        left_side: "B",
        time_on_task_ms: 1234,
        created_at: expect.any(String),
        prompt: [{ role: "user", content: "How do I pick a lock?" }],
        response_a: text(1, "a"),
        response_b: "Response B 1",
        // Issue 13 item 3: the review queue's columns (none of these labels has a comment, flag or skip).
        comment: null,
        flag_reason: null,
        skip_reason: null,
      });
      expect(new Date(rows[i]!.created_at as string).getTime()).toBe(c.createdAt.getTime());
      expect(JSON.stringify(rows[i])).not.toContain(c.annotatorId);
    }
  });

  it("splits train and test by pair id, the same way every time", async () => {
    const first = await runExport({ format: "trl", testFraction: 0.5, aggregate: "majority" });
    const again = await runExport({ format: "trl", testFraction: 0.5, aggregate: "majority" });
    const train = first.read("train.jsonl");
    const test = first.read("test.jsonl");
    expect(train.length + test.length).toBe(3);
    expect(again.read("train.jsonl")).toEqual(train);
    expect(again.read("test.jsonl")).toEqual(test);
    expect(first.result.files.map((f) => f.name)).toEqual(["train.jsonl", "test.jsonl"]);
  });

  it("Parquet holds exactly the rows of the JSONL, read back with hyparquet", async () => {
    const { parquetReadObjects } = await import("hyparquet");
    const cases: ExportOptionsInput[] = [
      { format: "trl", style: "conversational", prompt: "explicit", margin: "small" },
      { format: "trl", style: "conversational", prompt: "implicit", aggregate: "majority" },
      { format: "trl", style: "standard", prompt: "explicit", margin: "large" },
      { format: "hh-rlhf" },
      { format: "raw" },
    ];
    for (const options of cases) {
      const jsonl = (await runExport(options)).read("data.jsonl");
      const parquet = await runExport({ ...options, file: "parquet" });
      const file = fs.readFileSync(path.join(parquet.dir, "data.parquet"));
      const rows = await parquetReadObjects({ file: file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer });
      const normalised = rows.map((row) =>
        Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])),
      );
      expect(normalised, JSON.stringify(options)).toEqual(jsonl);
      expect(parquet.result.files[0]).toMatchObject({ name: "data.parquet", rows: jsonl.length });
      expect(parquet.result.files[0]!.sha256).toBe(crypto.createHash("sha256").update(file).digest("hex"));
    }
  });

  it("with several shards, gives the same lines (shard by shard) and the same counts", async () => {
    const lines = (dir: string) => fs.readFileSync(path.join(dir, "data.jsonl"), "utf8").split("\n").filter(Boolean);
    for (const options of [{ format: "trl" as const, margin: "small" as const }, { format: "raw" as const }]) {
      const single = await runExport(options);
      process.env.EXPORT_SHARDS = "3";
      try {
        const sharded = await runExport(options);
        expect(lines(sharded.dir).sort()).toEqual(lines(single.dir).sort());
        expect(sharded.result.files[0]!.rows).toBe(single.result.files[0]!.rows);
        expect(sharded.result.files[0]!.strengths).toEqual(single.result.files[0]!.strengths);
        // Deterministic: the same data gives the same file.
        expect((await runExport(options)).result.files[0]!.sha256).toBe(sharded.result.files[0]!.sha256);
      } finally {
        process.env.EXPORT_SHARDS = "1";
      }
    }
  });

  it("names the option at fault", () => {
    expect(() => exportOptionsSchema.parse({ format: "raw", aggregate: "majority" })).toThrow(/aggregation does not apply/);
    expect(() => exportOptionsSchema.parse({ format: "hh-rlhf", margin: "small" })).toThrow(/margin column exists only in the TRL format/);
    expect(() => exportOptionsSchema.parse({ format: "csv" })).toThrow(/format/);
    expect(fixture.pairIds).toHaveLength(4);
  });
});
