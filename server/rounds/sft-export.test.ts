// A round's fine-tuning set as TRL SFT rows: the dialogue then the kept sample, with provenance,
// in JSONL and Parquet, through the same streaming as the preference export; who may ask, and
// what a bad request gets. Against the real database, with the kept rows written directly.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { directorySink } from "../export/export-to-directory";
import { stopJobProducer } from "../jobs/job-queue";
import { makeUser } from "../testing/fixtures";
import { sessionCookieFor } from "../testing/session-cookie";
import { parseSftExportRequest, runSftExport, SFT_COLUMNS } from "./sft-export";

let v1: string;
let v2: string;
let empty: string;

beforeAll(async () => {
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "sft-export-"));
  const variant = await prisma.policyVariant.create({ data: { name: "tiny + preprompt", backend: "LLAMA_CPP", modelPath: "/x.gguf", systemPrompt: "Be safe." } });
  const [h, s] = await Promise.all(
    (["HELPFULNESS", "SAFETY"] as const).map((kind) => prisma.rewardModel.create({ data: { kind, version: 1, status: "READY" } })),
  );
  v1 = (await prisma.round.create({ data: { number: 1, name: "RLHF-V1", status: "ACTIVE", helpfulnessRewardModelId: h!.id, safetyRewardModelId: s!.id } })).id;
  v2 = (await prisma.round.create({ data: { number: 2, name: "RLHF-V2", status: "ACTIVE", previousRoundId: v1, helpfulnessRewardModelId: h!.id, safetyRewardModelId: s!.id } })).id;
  empty = (await prisma.round.create({ data: { number: 3, name: "RLHF-V3" } })).id;
  await prisma.prompt.create({ data: { id: "sft-1", protocol: "HELPFULNESS", source: "t", contentHash: "sft-1", systemPrompt: "You are terse.", turns: ["Hi", "Hello!", "Explain \"tides\"\nbriefly."] } });
  await prisma.prompt.create({ data: { id: "sft-2", protocol: "SAFETY", source: "t", contentHash: "sft-2", turns: ["How do I pick a lock?"] } });
  await prisma.response.createMany({
    data: [
      { id: "r1", promptId: "sft-1", text: "Tides: the moon's pull — \"ü\".", policyVariantId: variant.id, temperature: 1.2, seed: 7, tokenCount: 9, roundId: v1 },
      { id: "r2", promptId: "sft-2", text: "I can't help with that.", policyVariantId: variant.id, temperature: 0.9, seed: 8, tokenCount: 6, roundId: v2 },
    ],
  });
  await prisma.rewardScore.createMany({
    data: [
      { rewardModelId: h!.id, responseId: "r1", score: 1.5 },
      { rewardModelId: s!.id, responseId: "r1", score: 0.2, probability: 0.6 },
      { rewardModelId: s!.id, responseId: "r2", score: 2.5, probability: 0.95 },
    ],
  });
  await prisma.roundKeptSample.createMany({
    data: [
      { roundId: v1, promptId: "sft-1", responseId: "r1", reward: 1.5, rewardFrom: "HELPFULNESS", flaggedUnsafe: false, candidates: 4 },
      // RLHF-V2 pooled: it keeps V1's sample of sft-1 and its own of sft-2.
      { roundId: v2, promptId: "sft-1", responseId: "r1", reward: 1.5, rewardFrom: "HELPFULNESS", flaggedUnsafe: false, candidates: 5 },
      { roundId: v2, promptId: "sft-2", responseId: "r2", reward: 2.5, rewardFrom: "SAFETY", flaggedUnsafe: false, candidates: 4 },
    ],
  });
});

afterAll(() => stopJobProducer());

const exportTo = async (file: "jsonl" | "parquet", roundIds: string[]) => {
  const dir = fs.mkdtempSync(path.join(process.env.DATA_DIR!, "out-"));
  const result = await runSftExport(process.env.DATABASE_URL!, { roundIds, file }, directorySink(dir));
  return { dir, result };
};

describe("a round's fine-tuning set", () => {
  it("writes TRL SFT rows: the dialogue, then the kept sample as the last assistant turn, with provenance", async () => {
    const { dir, result } = await exportTo("jsonl", [v2]);
    const rows = fs.readFileSync(path.join(dir, "data.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello!" },
        { role: "user", content: "Explain \"tides\"\nbriefly." },
        { role: "assistant", content: "Tides: the moon's pull — \"ü\"." },
      ],
      prompt_id: "sft-1", response_id: "r1", round: "RLHF-V2", sampled_in_round: "RLHF-V1", protocol: "HELPFULNESS",
      reward: 1.5, reward_from: "HELPFULNESS", helpfulness_reward: 1.5, safety_reward: 0.2, p_safe: 0.6, candidates: 5,
      variant: "tiny + preprompt", temperature: 1.2, seed: 7, tokens: 9,
    });
    // The variant's preprompt is not in the messages (context distillation).
    expect(rows[1].messages).toEqual([{ role: "user", content: "How do I pick a lock?" }, { role: "assistant", content: "I can't help with that." }]);
    expect(rows[1]).toMatchObject({ round: "RLHF-V2", sampled_in_round: "RLHF-V2", helpfulness_reward: null, reward_from: "SAFETY" });
    // The keys are the Parquet columns, in order.
    expect(Object.keys(rows[0])).toEqual(SFT_COLUMNS.map((c) => c.name));
    expect(result.file).toMatchObject({ name: "data.jsonl", rows: 2 });
    const card = fs.readFileSync(path.join(dir, "README.md"), "utf8");
    expect(card).toContain("| RLHF-V2 | 2 | 1 | 1 | 1 | 0 |");
    expect(JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"))).toMatchObject({ totalRows: 2, options: { format: "sft", roundIds: [v2] } });
  });

  it("writes the same rows as Parquet (messages as list<struct<role, content>>)", async () => {
    const { parquetReadObjects } = await import("hyparquet");
    const jsonl = await exportTo("jsonl", [v1, v2]);
    const lines = fs.readFileSync(path.join(jsonl.dir, "data.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    const parquet = await exportTo("parquet", [v1, v2]);
    const file = fs.readFileSync(path.join(parquet.dir, "data.parquet"));
    const rows = await parquetReadObjects({ file: file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer });
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => ({ ...r, seed: Number(r.seed), tokens: Number(r.tokens), candidates: Number(r.candidates) }))).toEqual(lines);
  });

  it("refuses unknown rounds, rounds with nothing kept, and callers who may not export", async () => {
    const url = (q: string) => new URL(`http://localhost/api/export?format=sft&${q}`);
    const researcher = await makeUser("RESEARCHER");
    const annotator = await makeUser("ANNOTATOR");
    const as = async (id: string) => new Headers({ cookie: await sessionCookieFor(id) });
    expect(await parseSftExportRequest(prisma, url(`rounds=${v2}`), new Headers())).toMatchObject({ ok: false, status: 401 });
    expect(await parseSftExportRequest(prisma, url(`rounds=${v2}`), await as(annotator.id))).toMatchObject({ ok: false, status: 403 });
    expect(await parseSftExportRequest(prisma, url("rounds="), await as(researcher.id))).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/choose at least one round/) });
    expect(await parseSftExportRequest(prisma, url("rounds=nope"), await as(researcher.id))).toMatchObject({ ok: false, status: 404, error: "rounds: no round nope" });
    expect(await parseSftExportRequest(prisma, url(`rounds=${empty}`), await as(researcher.id))).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/RLHF-V3 kept no samples yet/) });
    expect(await parseSftExportRequest(prisma, url(`rounds=${v2}&file=parquet`), await as(researcher.id))).toMatchObject({ ok: true, options: { roundIds: [v2], file: "parquet" } });
  });
});
