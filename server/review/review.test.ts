// Issue 13 item 3: flags, skips and comments reach a researcher. Annotators act through the
// real procedures; the researcher's queue lists what they reported with the pair itself, its
// actions record who and when and refuse to be done twice, a removed pair or a bad prompt is no
// longer served (not even on a lease already held) nor exported, the dashboard counts what is
// open, the batch page shows comments beside their comparison, and the raw export has the
// columns comment, flag_reason and skip_reason.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../auth/current-user";
import { prisma } from "../db/prisma";
import { exportToDirectory } from "../export/export-to-directory";
import { makeBatch } from "../testing/batches";
import { callerFor, makeUser } from "../testing/fixtures";

process.env.EXPORT_SHARDS = "1";
let researcher: CurrentUser;
let annotators: CurrentUser[];
let pairIds: string[];
let batchId: string;

/** The annotator's current pair; returns its assignment and pair id. */
async function current(user: CurrentUser) {
  const task = await callerFor(user).annotate.current();
  const assignment = await prisma.assignment.findUniqueOrThrow({ where: { id: task!.assignmentId } });
  return { assignmentId: assignment.id, pairId: assignment.pairId };
}

async function rawRows() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "review-"));
  await exportToDirectory(process.env.DATABASE_URL!, { format: "raw" }, dir, "salt");
  return fs.readFileSync(path.join(dir, "data.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeAll(async () => {
  researcher = await makeUser("RESEARCHER");
  annotators = [await makeUser("ANNOTATOR"), await makeUser("ANNOTATOR"), await makeUser("ANNOTATOR")];
  // Three pairs, each for up to three annotators.
  const made = await makeBatch({ pairs: 3, overlap: 3, priority: 5 });
  pairIds = made.pairIds;
  batchId = made.batch.id;
  const [a1, a2, a3] = annotators as [CurrentUser, CurrentUser, CurrentUser];
  // Pair 0: a1 flags it, a2 labels it with a comment, a3 skips it with a reason.
  expect((await current(a1)).pairId).toBe(pairIds[0]);
  await callerFor(a1).annotate.flag({ assignmentId: (await current(a1)).assignmentId, reason: "Response is empty or broken" });
  const a2Lease = await current(a2);
  expect(a2Lease.pairId).toBe(pairIds[0]);
  await callerFor(a2).annotate.submit({ assignmentId: a2Lease.assignmentId, pick: "LEFT", strength: "BETTER", comment: "B repeats the question.", timeOnTaskMs: 1000 });
  await callerFor(a3).annotate.skip({ assignmentId: (await current(a3)).assignmentId, reason: "Outside my expertise" });
  // A skip without a reason is not worth a reviewer's time.
  const a3Next = await current(a3);
  expect(a3Next.pairId).toBe(pairIds[1]);
  await callerFor(a3).annotate.skip({ assignmentId: a3Next.assignmentId });
});

describe("the review queue", () => {
  it("lists flags, skips with a reason and comments, with the annotator, batch and pair, filterable", async () => {
    const caller = callerFor(researcher);
    const { items } = await caller.review.list({});
    expect(items.map((i) => [i.kind, i.text, i.annotator.name]).sort()).toEqual(
      [
        ["comment", "B repeats the question.", annotators[1]!.name],
        ["flag", "Response is empty or broken", annotators[0]!.name],
        ["skip", "Outside my expertise", annotators[2]!.name],
      ].sort(),
    );
    const flag = items.find((i) => i.kind === "flag")!;
    expect(flag.pair).toMatchObject({ id: pairIds[0], batch: { id: batchId }, removedAt: null, prompt: { badAt: null } });
    expect(flag.pair.prompt.turns[0]).toMatchObject({ role: "USER" });
    expect(flag.pair.responseA.text).toMatch(/^Answer A/);
    expect(items.find((i) => i.kind === "comment")!.judgement).toEqual({ chosen: expect.stringMatching(/^[AB]$/), strength: "BETTER" });

    expect((await caller.review.list({ kind: "flag" })).items.map((i) => i.kind)).toEqual(["flag"]);
    expect((await caller.review.list({ batchId: "no-such-batch" })).items).toEqual([]);
    expect(await caller.review.counts()).toEqual({ open: { flags: 1, skips: 1, comments: 1 }, removedPairs: 0, badPrompts: 0 });
  });

  it("resolves an item with a note, once; resolved items leave the open list", async () => {
    const caller = callerFor(researcher);
    const skip = (await caller.review.list({ kind: "skip" })).items[0]!;
    await expect(caller.review.resolve({ kind: "skip", id: skip.id, note: "  " })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await caller.review.resolve({ kind: "skip", id: skip.id, note: "Fine: routed to a domain expert." });
    await expect(caller.review.resolve({ kind: "skip", id: skip.id, note: "Again" })).rejects.toMatchObject({ code: "CONFLICT", message: "This skip was already resolved." });
    await expect(caller.review.resolve({ kind: "flag", id: skip.id, note: "Wrong kind" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await caller.review.list({ kind: "skip" })).items).toEqual([]);
    const resolved = (await caller.review.list({ kind: "skip", status: "resolved" })).items[0]!;
    expect(resolved.review).toEqual({ at: expect.any(Date), note: "Fine: routed to a domain expert.", by: researcher.name });
    expect((await caller.review.counts()).open).toEqual({ flags: 1, skips: 0, comments: 1 });
    // Annotators cannot see the queue.
    await expect(callerFor(annotators[0]!).review.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("a removed pair is no longer served, takes no label on a lease already held, and leaves the exports", async () => {
    const caller = callerFor(researcher);
    const late = await makeUser("ANNOTATOR");
    // The newcomer holds a lease on pair 0 when it is removed.
    const held = await current(late);
    expect(held.pairId).toBe(pairIds[0]);
    expect((await rawRows()).map((r) => r.pair_id)).toContain(pairIds[0]);

    await caller.review.removePair({ pairId: pairIds[0]!, reason: "Response A is empty." });
    await expect(caller.review.removePair({ pairId: pairIds[0]!, reason: "Again" })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await prisma.pair.findUniqueOrThrow({ where: { id: pairIds[0] } })).toMatchObject({ removedById: researcher.id, removedReason: "Response A is empty.", removedAt: expect.any(Date) });

    await expect(
      callerFor(late).annotate.submit({ assignmentId: held.assignmentId, pick: "LEFT", strength: "BETTER", timeOnTaskMs: 1000 }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: "A researcher removed this pair from its batch; it takes no labels." });
    expect((await callerFor(late).annotate.current())?.assignmentId).not.toBe(held.assignmentId);
    expect((await current(late)).pairId).not.toBe(pairIds[0]);
    expect((await rawRows()).map((r) => r.pair_id)).not.toContain(pairIds[0]);
    expect((await caller.review.counts()).removedPairs).toBe(1);
    // The batch page says so.
    const page = await caller.batches.pairs({ batchId });
    expect(page.pairs.find((p) => p.id === pairIds[0])).toMatchObject({ removedReason: "Response A is empty.", removedAt: expect.any(Date) });
  });

  it("a prompt marked bad has none of its pairs served or exported, and pair generation leaves it out", async () => {
    const caller = callerFor(researcher);
    const pair = await prisma.pair.findUniqueOrThrow({ where: { id: pairIds[2] } });
    const fresh = await makeUser("ANNOTATOR");
    await caller.review.markPromptBad({ promptId: pair.promptId, reason: "Not a real request." });
    await expect(caller.review.markPromptBad({ promptId: pair.promptId, reason: "Again" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(caller.review.markPromptBad({ promptId: "nope", reason: "?" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    // Pair 0 is removed and pair 1's places are all taken: pair 2 was the only one left, and its prompt is bad.
    expect(await callerFor(fresh).annotate.current()).toBeNull();
    // Nor is a lease already held on it served again.
    const holder = await prisma.assignment.findFirstOrThrow({ where: { pairId: pairIds[2], completedAt: null, skippedAt: null } });
    const holderTask = await callerFor({ ...fresh, id: holder.annotatorId }).annotate.current();
    expect(holderTask?.assignmentId).not.toBe(holder.id);
    // A label already given on it is not exported.
    await prisma.comparison.create({ data: { pairId: pairIds[2]!, annotatorId: fresh.id, chosen: "A", strength: "BETTER", leftSide: "A", timeOnTaskMs: 1 } });
    expect((await rawRows()).map((r) => r.pair_id)).not.toContain(pairIds[2]);
    const { resolvePrompts } = await import("../pair-generation/pair-generation");
    await expect(resolvePrompts(prisma, { by: "ids", ids: [pair.promptId] })).rejects.toThrow(/marked bad in the review queue/);
    expect(await resolvePrompts(prisma, { by: "filter", source: "test", count: 100 } as never)).not.toContain(pair.promptId);
    expect((await caller.review.counts()).badPrompts).toBe(1);
  });

  it("the batch page shows comments beside their comparison; the raw export has comment, flag_reason and skip_reason", async () => {
    const page = await callerFor(researcher).batches.pairs({ batchId });
    const pair0 = page.pairs.find((p) => p.id === pairIds[0])!;
    expect(pair0.comparisons).toEqual([
      { id: expect.any(String), comment: "B repeats the question.", chosen: expect.stringMatching(/^[AB]$/), strength: "BETTER", createdAt: expect.any(Date), annotator: { name: annotators[1]!.name } },
    ]);
    // Pair 0 is removed from exports now; bring it back to read its row.
    await prisma.pair.update({ where: { id: pairIds[0] }, data: { removedAt: null } });
    const rows = await rawRows();
    expect(rows.find((r) => r.pair_id === pairIds[0])).toMatchObject({
      comment: "B repeats the question.",
      flag_reason: "Response is empty or broken",
      skip_reason: "Outside my expertise",
    });
    for (const row of rows) expect(Object.keys(row).slice(-3)).toEqual(["comment", "flag_reason", "skip_reason"]);
  });
});
