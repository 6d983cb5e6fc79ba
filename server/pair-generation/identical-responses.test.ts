// Issue 13 item 2: a pair whose two responses are the same text after trimming is never
// imported and never exported; the JavaScript and SQL statements of the rule trim alike.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { exportToDirectory } from "../export/export-to-directory";
import type { ExportOptionsInput } from "../export/export.schema";
import { runImport } from "../import/run-import";
import { makeAnnotators } from "../testing/fixtures";
import { identicalResponses, sqlTrimmed, TRIMMED_CHARACTERS } from "./identical-responses";

process.env.EXPORT_SHARDS = "1";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "identical-"));
const jsonl = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + "\n";

function writeFile(name: string, rows: unknown[]) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, jsonl(rows));
  return { path: file, fileName: name };
}

describe("the rule", () => {
  it("trims exactly what String.prototype.trim trims", () => {
    const trimmed = [];
    for (let c = 0; c <= 0xffff; c++) if (String.fromCharCode(c).trim() === "") trimmed.push(String.fromCharCode(c));
    expect(trimmed.join("")).toBe(TRIMMED_CHARACTERS);
    expect(identicalResponses("  Blue.\n", "Blue.")).toBe(true);
    expect(identicalResponses("\u00a0Blue.\u3000", "\tBlue.")).toBe(true);
    expect(identicalResponses("Blue.", "blue.")).toBe(false);
    expect(identicalResponses("Blue .", "Blue.")).toBe(false);
  });

  it("PostgreSQL trims the same characters, and no others", async () => {
    const samples = [
      ...[...TRIMMED_CHARACTERS].map((c) => `${c}${c}x y${c}`),
      "\u200bzero width is kept\u200b",
      "\u0085next line is kept\u0085",
      "plain",
      "",
      ` ${TRIMMED_CHARACTERS}both ends${TRIMMED_CHARACTERS} `,
    ];
    const rows = await prisma.$queryRawUnsafe<{ t: string }[]>(
      `SELECT ${sqlTrimmed("s")} AS t FROM unnest($1::text[]) WITH ORDINALITY AS u(s, i) ORDER BY i`,
      samples,
    );
    expect(rows.map((r) => r.t)).toEqual(samples.map((s) => s.trim()));
  });
});

describe("import", () => {
  it("refuses a row whose chosen and rejected are the same text after trimming, naming its line, and writes nothing", async () => {
    const before = await prisma.pair.count();
    const fine = { prompt: [{ role: "user", content: "What colour is the sky?" }], chosen: [{ role: "assistant", content: "Blue." }], rejected: [{ role: "assistant", content: "Green." }] };
    const same = { ...fine, rejected: [{ role: "assistant", content: "  Blue.\n" }] };
    await expect(runImport(process.env.DATABASE_URL!, writeFile("trl.jsonl", [fine, fine, same]), { sourceName: "same-trl" }, { createdById: null })).rejects.toThrow(
      /^line 3, rejected: is the same text as the other response \(after trimming whitespace\)/,
    );
    const hh = [{ chosen: "\n\nHuman: Hi?\n\nAssistant: Hello.", rejected: "\n\nHuman: Hi?\n\nAssistant: Hello. " }];
    await expect(runImport(process.env.DATABASE_URL!, writeFile("hh.jsonl", hh), { sourceName: "same-hh" }, { createdById: null })).rejects.toThrow(/^line 1, rejected: is the same text/);
    const raw = {
      protocol: "HELPFULNESS",
      chosen: "A",
      strength: "BETTER",
      prompt: [{ role: "user", content: "Hi?" }],
      response_a: "Hello.",
      response_b: "\tHello.",
    };
    await expect(runImport(process.env.DATABASE_URL!, writeFile("raw.jsonl", [raw]), { sourceName: "same-raw" }, { createdById: null })).rejects.toThrow(
      /^line 1, response_b: is the same text/,
    );
    expect(await prisma.pair.count()).toBe(before);
  });
});

describe("export", () => {
  beforeAll(async () => {
    const round = await prisma.round.create({ data: { number: 31, name: "RLHF-V31", status: "ACTIVE" } });
    const batch = await prisma.batch.create({ data: { roundId: round.id, name: "Old pairs", status: "OPEN", annotationsPerPair: 2 } });
    const [u1, u2] = (await makeAnnotators(2)).map((a) => a.id) as [string, string];
    // A pair stored before the rule (or written by hand): the same answer, once with a trailing newline.
    const texts = { distinct: ["Blue, because of Rayleigh scattering.", "Green."], same: ["Blue.", "Blue.\n"] };
    for (const [name, [a, b]] of Object.entries(texts)) {
      await prisma.prompt.create({ data: { id: `p-${name}`, protocol: "HELPFULNESS", source: "test", contentHash: `p-${name}`, turns: [`Why is the sky blue? (${name})`] } });
      await prisma.response.createMany({ data: [{ id: `r-${name}-a`, promptId: `p-${name}`, text: a! }, { id: `r-${name}-b`, promptId: `p-${name}`, text: b! }] });
      await prisma.pair.create({ data: { id: `pair-${name}`, batchId: batch.id, promptId: `p-${name}`, responseAId: `r-${name}-a`, responseBId: `r-${name}-b`, requiredAnnotations: 2, strategy: "test" } });
      for (const u of [u1, u2]) await prisma.comparison.create({ data: { pairId: `pair-${name}`, annotatorId: u, chosen: "A", strength: "BETTER", leftSide: "A", timeOnTaskMs: 1000 } });
    }
  });

  async function exported(options: ExportOptionsInput) {
    const out = fs.mkdtempSync(path.join(dir, "export-"));
    const result = await exportToDirectory(process.env.DATABASE_URL!, options, out, "salt");
    const text = fs.readFileSync(path.join(out, "data.jsonl"), "utf8");
    return { result, lines: text.split("\n").filter(Boolean), card: fs.readFileSync(path.join(out, "README.md"), "utf8") };
  }

  it("never includes a pair whose responses are the same text, in any format", async () => {
    const cases: ExportOptionsInput[] = [
      { format: "trl", style: "conversational", prompt: "explicit" },
      { format: "trl", style: "standard", prompt: "implicit", aggregate: "majority" },
      { format: "hh-rlhf", aggregate: "mean" },
      { format: "raw" },
    ];
    for (const options of cases) {
      const { result, lines } = await exported(options);
      const expected = options.aggregate && options.aggregate !== "none" ? 1 : 2;
      expect(lines, JSON.stringify(options)).toHaveLength(expected);
      expect(lines.join("\n")).toContain("Rayleigh");
      expect(lines.join("\n")).not.toContain("(same)");
      expect(result.files[0]!.rows).toBe(expected);
      // The card's label counts are over the same selection.
      expect(Object.values(result.files[0]!.strengths ?? {}).reduce((n, v) => n + (v as number), 0)).toBe(expected);
    }
  });
});
