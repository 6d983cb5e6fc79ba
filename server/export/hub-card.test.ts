// Issue 13 item 6: the export's README.md carries the metadata the Hugging Face Hub and
// `datasets` read. The header is read with PyYAML's safe_load (what huggingface_hub and datasets
// read card metadata with) and held against the folder as `load_dataset` on it would use it: one
// configuration whose data files exist and name valid splits, features that every row of every
// file (JSON lines and Parquet) has in that order and type, each split's row count, the licence
// and the task.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { makeAnnotators } from "../testing/fixtures";
import { exportToDirectory } from "./export-to-directory";
import type { ExportOptionsInput } from "./export.schema";
import { sizeCategory } from "./hub-metadata";

process.env.EXPORT_SHARDS = "1";

type Feature = { name: string; dtype?: string; list?: { name: string; dtype: string }[] };
type Card = {
  license: string;
  license_name?: string;
  task_categories: string[];
  size_categories: string[];
  tags: string[];
  configs: { config_name: string; data_files: { split: string; path: string }[] }[];
  dataset_info: { features: Feature[]; splits: { name: string; num_examples: number }[] };
};

/** The README's front matter, parsed as huggingface_hub parses it (yaml.safe_load). */
function frontMatter(readme: string): Card {
  const script = [
    "import json, re, sys, yaml",
    "text = sys.stdin.read()",
    "match = re.match(r'^---\\s*\\n(.*?)\\n---\\s*\\n', text, re.DOTALL)",
    "print(json.dumps(yaml.safe_load(match.group(1)) if match else None))",
  ].join("\n");
  return JSON.parse(execFileSync("python3", ["-c", script], { input: readme, encoding: "utf8" })) as Card;
}

function conforms(value: unknown, feature: Feature): boolean {
  if (feature.list) {
    return Array.isArray(value) && value.every((m) => typeof m === "object" && m !== null && feature.list!.every((f) => typeof (m as Record<string, unknown>)[f.name] === "string") && Object.keys(m).length === feature.list!.length);
  }
  if (value === null) return true;
  if (feature.dtype === "string") return typeof value === "string";
  if (feature.dtype === "float64") return typeof value === "number";
  if (feature.dtype === "int64") return typeof value === "number" ? Number.isInteger(value) : typeof value === "bigint";
  return false;
}

async function readRows(file: string): Promise<Record<string, unknown>[]> {
  if (file.endsWith(".parquet")) {
    const { asyncBufferFromFile, parquetReadObjects } = await import("hyparquet");
    return (await parquetReadObjects({ file: await asyncBufferFromFile(file) })) as Record<string, unknown>[];
  }
  return fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeAll(async () => {
  const round = await prisma.round.create({ data: { number: 12, name: "RLHF-V12", status: "ACTIVE" } });
  const batch = await prisma.batch.create({ data: { roundId: round.id, name: "Card", status: "OPEN", annotationsPerPair: 3 } });
  const annotators = await makeAnnotators(3);
  for (let i = 0; i < 12; i++) {
    const safety = i % 3 === 0;
    await prisma.prompt.create({
      data: {
        id: `card-${i}`,
        protocol: safety ? "SAFETY" : "HELPFULNESS",
        riskCategory: safety ? "privacy" : null,
        systemPrompt: i % 4 === 0 ? "You are helpful." : null,
        source: "test",
        contentHash: `card-${i}`,
        turns: i % 2 ? [`Question ${i}?`, "An answer.", "And then?"] : [`Question ${i}: "quoted" --- and: colons`],
      },
    });
    await prisma.response.createMany({ data: [{ id: `card-${i}-a`, promptId: `card-${i}`, text: `Answer A ${i}` }, { id: `card-${i}-b`, promptId: `card-${i}`, text: `Answer B ${i}` }] });
    await prisma.pair.create({ data: { id: `card-pair-${i}`, batchId: batch.id, promptId: `card-${i}`, responseAId: `card-${i}-a`, responseBId: `card-${i}-b`, requiredAnnotations: 3, strategy: "test" } });
    for (const [k, a] of annotators.entries()) {
      await prisma.comparison.create({
        data: { pairId: `card-pair-${i}`, annotatorId: a.id, chosen: k === 1 ? "B" : "A", strength: k === 0 ? "SIGNIFICANTLY_BETTER" : "SLIGHTLY_BETTER", safetyLabel: safety ? "BOTH_SAFE" : null, leftSide: "A", timeOnTaskMs: 900 + i },
      });
    }
  }
});

describe("the dataset card's Hub metadata", () => {
  const cases: ExportOptionsInput[] = [
    { format: "trl", style: "conversational", prompt: "explicit", margin: "small", testFraction: 0.5, license: "cc-by-4.0" },
    { format: "trl", style: "conversational", prompt: "implicit", aggregate: "majority", file: "parquet" },
    { format: "trl", style: "standard", prompt: "explicit", margin: "large", testFraction: 0.25, file: "parquet" },
    { format: "trl", style: "standard", prompt: "implicit" },
    { format: "hh-rlhf", aggregate: "mean", testFraction: 0.5 },
    { format: "raw", license: "mit" },
    { format: "raw", file: "parquet", testFraction: 0.5 },
  ];

  for (const options of cases) {
    it(`describes the folder as load_dataset reads it: ${JSON.stringify(options)}`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hub-card-"));
      const { files } = await exportToDirectory(process.env.DATABASE_URL!, options, dir, "salt");
      const readme = fs.readFileSync(path.join(dir, "README.md"), "utf8");
      const card = frontMatter(readme);
      expect(card).not.toBeNull();

      expect(card.license).toBe(options.license ?? "other");
      if (!options.license) expect(card.license_name).toBe("not-stated");
      expect(card.task_categories).toContain("text-generation");
      expect(card.tags).toContain("rlhf");
      expect(card.size_categories).toEqual([sizeCategory(files.reduce((n, f) => n + f.rows, 0))]);

      // One configuration; its data files are the folder's, under splits datasets accepts.
      expect(card.configs).toHaveLength(1);
      const [config] = card.configs;
      expect(config!.config_name).toBe("default");
      const expectedSplits = options.testFraction ? ["train", "test"] : ["train"];
      expect(config!.data_files.map((d) => d.split)).toEqual(expectedSplits);
      for (const { split, path: file } of config!.data_files) {
        expect(split).toMatch(/^\w+(\.\w+)*$/);
        expect(fs.existsSync(path.join(dir, file)), file).toBe(true);
      }
      expect(config!.data_files.map((d) => d.path)).toEqual(files.map((f) => f.name));

      // Every row of every file has exactly the declared features, in order, of their type.
      const features = card.dataset_info.features;
      expect(features.length).toBeGreaterThan(0);
      for (const [i, { split, path: file }] of config!.data_files.entries()) {
        const rows = await readRows(path.join(dir, file));
        expect(rows.length).toBeGreaterThan(0);
        expect(card.dataset_info.splits[i]).toEqual({ name: split, num_examples: rows.length });
        for (const row of rows) {
          expect(Object.keys(row)).toEqual(features.map((f) => f.name));
          for (const f of features) expect(conforms(row[f.name], f), `${file} ${f.name}: ${String(row[f.name])}`).toBe(true);
        }
      }
      // The prose follows the header.
      expect(readme).toMatch(/\n---\n\n# Preference dataset\n/);
      expect(readme).toContain("**Loading.**");
    });
  }

  it("refuses a licence that is not a Hub licence id", async () => {
    await expect(exportToDirectory(process.env.DATABASE_URL!, { format: "raw", license: "CC BY 4.0\n---" }, fs.mkdtempSync(path.join(os.tmpdir(), "hub-card-")), "salt")).rejects.toThrow(
      /a Hugging Face Hub licence id/,
    );
  });
});
