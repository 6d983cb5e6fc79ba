// The dashboard's source filter against a real PostgreSQL: the team's labels and an HH-RLHF file
// imported through server/import/, listed by filterOptions with their counts, and kept apart
// in every statistic unless their source is asked for.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { listBatches } from "../batches/batches";
import { prisma } from "../db/prisma";
import { runImport } from "../import/run-import";
import { makeBatch } from "../testing/batches";
import { callerFor, makeAnnotators, makeUser } from "../testing/fixtures";
import { OWN_LABELS } from "./stats.schema";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dashboard-sources-"));

function writeJsonl(name: string, rows: unknown[]) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  return { path: file, fileName: name };
}

const hh = (question: string, chosen: string, rejected: string) => ({
  chosen: `\n\nHuman: ${question}\n\nAssistant: ${chosen}`,
  rejected: `\n\nHuman: ${question}\n\nAssistant: ${rejected}`,
});

async function importFile(file: { path: string; fileName: string }, sourceName: string) {
  return runImport(process.env.DATABASE_URL!, file, { sourceName }, { createdById: null });
}

let researcher: ReturnType<typeof callerFor>;
let hhImportId: string;

beforeAll(async () => {
  researcher = callerFor(await makeUser("RESEARCHER"));
  // The team: 2 comparisons on one batch.
  const [annotator] = await makeAnnotators(1);
  const { pairIds } = await makeBatch({ pairs: 2, status: "CLOSED" });
  await prisma.comparison.createMany({
    data: pairIds.map((pairId) => ({ pairId, annotatorId: annotator!.id, chosen: "A" as const, strength: "BETTER" as const, leftSide: "A" as const, timeOnTaskMs: 1000 })),
  });
  // An imported preference dataset of 3 comparisons, another of 1 under a second name, and
  // prompts only (no comparisons: not a source to choose).
  const hhResult = await importFile(writeJsonl("hh.jsonl", [hh("Why is the sky blue?", "Scattering.", "Paint."), hh("2+2?", "4", "5"), hh("Capital of France?", "Paris", "Lyon")]), "Anthropic/hh-rlhf");
  expect(hhResult).toMatchObject({ format: "hh-rlhf", inserted: 3 });
  hhImportId = hhResult.importId!;
  expect(await importFile(writeJsonl("other.jsonl", [hh("Best tea?", "Green.", "None.")]), "other-lab")).toMatchObject({ inserted: 1 });
  expect(await importFile(writeJsonl("prompts.jsonl", [{ prompt: "Explain tides." }]), "prompts-only")).toMatchObject({ format: "prompts" });
});

describe("sources", () => {
  it("filterOptions lists the import sources that brought comparisons, with their counts, after the team's", async () => {
    const options = await researcher.dashboard.filterOptions();
    expect(options.sources).toEqual(["Anthropic/hh-rlhf", "other-lab"]);
    expect(options.sourceCounts).toEqual([
      { name: OWN_LABELS, comparisons: 2 },
      { name: "Anthropic/hh-rlhf", comparisons: 3 },
      { name: "other-lab", comparisons: 1 },
    ]);
  });

  it("by default only the team's labels count; a chosen source adds its comparisons, alone or with the team's", async () => {
    const total = async (sources?: string[]) => (await researcher.dashboard.distributions(sources ? { sources } : undefined)).total.comparisons;
    const perDay = async (sources?: string[]) => (await researcher.dashboard.overTime({ sources })).reduce((n, d) => n + d.comparisons, 0);

    expect(await total()).toBe(2);
    expect(await total([])).toBe(2);
    expect(await total([OWN_LABELS])).toBe(2);
    expect(await total(["Anthropic/hh-rlhf"])).toBe(3);
    expect(await total([OWN_LABELS, "Anthropic/hh-rlhf"])).toBe(5);
    expect(await total([OWN_LABELS, "Anthropic/hh-rlhf", "other-lab"])).toBe(6);
    expect(await total(["prompts-only"])).toBe(0);

    expect(await perDay()).toBe(2);
    expect(await perDay([OWN_LABELS, "other-lab"])).toBe(3);
    // Imported comparisons have no annotator: the per-annotator table stays the team's.
    expect((await researcher.dashboard.annotators({ sources: [OWN_LABELS, "Anthropic/hh-rlhf"] })).map((a) => a.comparisons)).toEqual([2]);
  });
});

describe("batches of imported datasets", () => {
  it("are listed with their import, so the admin page does not offer to open them", async () => {
    const batches = await listBatches(prisma);
    const imported = batches.filter((b) => b.importId !== null);
    expect(imported.map((b) => b.importId)).toContain(hhImportId);
    expect(imported).toHaveLength(2);
    expect(batches.filter((b) => b.importId === null)).toHaveLength(1);
  });
});
