// Issue 13 item 3 on the screen: an annotator's flag and comment reach the researcher's review
// queue (counted on the research home), with the pair itself; the researcher resolves the flag
// with a note and removes the pair from its batch, which the batch page then says, beside the
// comment on its comparison. The spec makes its own annotator and batch, closed afterwards.
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { hashPassword } from "../server/auth/password";
import { withDatabase } from "./database";
import { signIn } from "./helpers";

const tag = crypto.randomBytes(4).toString("hex");
const PASSWORD = "a password of the review spec";
const email = `review-${tag}@e2e.local`;
const userId = `e2e-review-${tag}`;
const batchId = `e2e-review-batch-${tag}`;

test.beforeAll(async () => {
  const hash = await hashPassword(PASSWORD);
  await withDatabase(async (db) => {
    await db.query(`INSERT INTO "User" (id, email, name, role, "passwordHash", "updatedAt") VALUES ($1, $2, $3, 'ANNOTATOR', $4, now())`, [userId, email, `Reviewed ${tag}`, hash]);
    const round = await db.query<{ id: string }>(
      `INSERT INTO "Round" (id, number, name, status) VALUES ($1, (SELECT coalesce(max(number), 0) + 1 FROM "Round"), $2, 'ACTIVE') RETURNING id`,
      [`e2e-review-round-${tag}`, `Review round ${tag}`],
    );
    await db.query(`INSERT INTO "Batch" (id, "roundId", name, status, priority, "annotationsPerPair", "openedAt") VALUES ($1, $2, $3, 'OPEN', 1001, 1, now())`, [batchId, round.rows[0]!.id, `Review ${tag}`]);
    for (const i of [0, 1]) {
      const prompt = `e2e-review-${tag}-${i}`;
      await db.query(`INSERT INTO "Prompt" (id, protocol, source, "contentHash", turns) VALUES ($1, 'HELPFULNESS', 'e2e', $1, $2)`, [prompt, [`Review question ${i} (${tag})?`]]);
      await db.query(`INSERT INTO "Response" (id, "promptId", text, source) VALUES ($1, $3, $4, 'e2e'), ($2, $3, $5, 'e2e')`, [`${prompt}-a`, `${prompt}-b`, prompt, `Answer A ${i}`, i === 0 ? "" : `Answer B ${i}`]);
      await db.query(
        `INSERT INTO "Pair" (id, "batchId", "promptId", "responseAId", "responseBId", "requiredAnnotations", strategy, "createdAt") VALUES ($1, $2, $3, $4, $5, 1, 'e2e', now() - make_interval(mins => 10 - $6::int))`,
        [`${prompt}-pair`, batchId, prompt, `${prompt}-a`, `${prompt}-b`, i],
      );
    }
  });
});

test.afterAll(async () => {
  await withDatabase(async (db) => {
    await db.query(`UPDATE "Batch" SET status = 'CLOSED', "closedAt" = now() WHERE id = $1`, [batchId]);
    await db.query(`DELETE FROM "Assignment" WHERE "annotatorId" = $1 AND "completedAt" IS NULL AND "skippedAt" IS NULL`, [userId]);
  });
});

test("a flag and a comment reach the review queue; the researcher resolves the flag and removes the pair", async ({ browser }) => {
  const annotator = await (await browser.newContext()).newPage();
  await signIn(annotator, email, PASSWORD);
  const task = annotator.locator(".task[data-assignment]");
  // Pair 0 (response B is empty) is flagged; pair 1 is labelled with a comment.
  await expect(task).toContainText(`Review question 0 (${tag})?`);
  await annotator.keyboard.press("f");
  await expect(annotator.getByRole("dialog", { name: "Flag this pair" })).toBeVisible();
  for (const key of ["1", "Enter"]) await annotator.keyboard.press(key);
  await expect(task).toContainText(`Review question 1 (${tag})?`);
  for (const key of ["a", "2", "c"]) await annotator.keyboard.press(key);
  await annotator.keyboard.type(`A is clearer (${tag})`);
  await annotator.keyboard.press("Escape");
  await annotator.keyboard.press("Enter");
  await expect(task).not.toContainText(`Review question 1 (${tag})?`);

  const researcher = await (await browser.newContext()).newPage();
  await signIn(researcher, "researcher@demo.local", "demo-researcher-pass");
  await expect(researcher.getByTestId("whoami")).toContainText("researcher");
  await expect(researcher.getByTestId("review-summary")).toContainText(/\d+ flags/);
  await researcher.getByRole("link", { name: "Review queue" }).first().click();
  await expect(researcher.getByRole("heading", { name: "Review queue" })).toBeVisible();
  await researcher.getByLabel("Batch").selectOption({ label: `Review round ${tag} · Review ${tag}` });

  const flag = researcher.getByRole("article", { name: `Flag by Reviewed ${tag}` });
  await expect(flag.getByTestId("review-text")).toHaveText("Response is empty or broken");
  await expect(flag).toContainText(`Review question 0 (${tag})?`);
  await expect(flag).toContainText("Answer A 0");
  const comment = researcher.getByRole("article", { name: `Comment by Reviewed ${tag}` });
  await expect(comment.getByTestId("review-text")).toHaveText(`A is clearer (${tag})`);

  // A resolution needs a note.
  await flag.getByRole("button", { name: "Resolve" }).click();
  await expect(flag.getByRole("alert")).toContainText("write a note");
  await flag.getByLabel("Why remove the pair").fill("Response B is empty.");
  await flag.getByRole("button", { name: "Remove from batch" }).click();
  await expect(flag).toContainText("Removed from the batch");
  await flag.getByLabel("Note").fill("Broken generation; pair removed.");
  await flag.getByRole("button", { name: "Resolve" }).click();
  // Resolved, it leaves the open list; it is listed under "resolved" with the note.
  await expect(flag).toHaveCount(0);
  await researcher.getByLabel("Status").selectOption("resolved");
  await expect(researcher.getByRole("article", { name: `Flag by Reviewed ${tag}` }).getByTestId("review-resolution")).toContainText("Broken generation; pair removed.");

  const stored = await withDatabase(async (db) =>
    (
      await db.query(
        `SELECT a."reviewNote", a."reviewedAt" IS NOT NULL AS reviewed, p."removedReason", p."removedAt" IS NOT NULL AS removed
         FROM "Assignment" a JOIN "Pair" p ON p.id = a."pairId" WHERE a."annotatorId" = $1 AND a."flagReason" IS NOT NULL`,
        [userId],
      )
    ).rows[0],
  );
  expect(stored).toEqual({ reviewNote: "Broken generation; pair removed.", reviewed: true, removedReason: "Response B is empty.", removed: true });

  // The batch page: the removed pair says so, the comment sits beside its comparison.
  await researcher.goto(`/research/batches/${batchId}`);
  const cards = researcher.locator(".pair-card");
  await expect(cards.nth(0).getByTestId("pair-removed")).toContainText("Response B is empty.");
  await expect(cards.nth(1).getByRole("region", { name: "Comments" })).toContainText(`Reviewed ${tag} chose`);
  await expect(cards.nth(1).getByRole("region", { name: "Comments" })).toContainText(`A is clearer (${tag})`);
});
