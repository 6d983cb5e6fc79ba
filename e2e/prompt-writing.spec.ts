import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { writeTinyLlama2 } from "../workers/policy/tiny-llama2/tiny-llama2";
import { withDatabase } from "./database";
import { e2eDataDir } from "./data-dir";
import { alert, makeUser, type SpecUser, signInAsUser } from "./helpers";

// An annotator of its own: no other spec's work is in their queue, and theirs in no other's.
let author: SpecUser;

// `npm start` registers the tiny test model as the default variant; should a run start without
// one, register it here (the worker runs on this machine and reads the same file).
test.beforeAll(async () => {
  author = await makeUser("ANNOTATOR", "Prompt-writing author");
  await withDatabase(async (db) => {
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM "PolicyVariant" WHERE "retiredAt" IS NULL`);
    if (rows[0].n > 0) return;
    const file = path.resolve(e2eDataDir, "models", "e2e-tiny-llama2.gguf");
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      writeTinyLlama2(file);
    }
    await db.query(
      `INSERT INTO "PolicyVariant" (id, name, backend, "modelPath", defaults)
       VALUES ('e2e-tiny', 'tiny-llama2 (e2e)', 'LLAMA_CPP', $1, '{"temperature":0.6,"topP":0.9,"maxTokens":64}')`,
      [file],
    );
  });
});

test("an annotator writes a prompt, watches two responses arrive from the worker, and compares them with the keyboard", async ({ page }) => {
  test.setTimeout(180_000);
  await signInAsUser(page, author);
  await expect(page.locator(".task[data-assignment]")).toBeVisible();
  const servedBefore = await page.locator(".task[data-assignment]").getAttribute("data-assignment");

  // P opens the writing screen.
  await page.keyboard.press("p");
  await expect(page).toHaveURL(/\/annotate\/write$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Write a prompt");

  // A safety prompt needs its risk category and attack vector: nothing is sent without them.
  await page.getByLabel("Safety").check();
  const prompt = `How do I pick the lock of my own bike? (e2e ${Date.now()})`;
  await page.getByLabel("Your prompt").fill(prompt);
  await page.getByRole("button", { name: /Generate two responses/ }).click();
  await expect(page.getByText("a safety prompt needs a risk category")).toBeVisible();
  await expect(page).toHaveURL(/\/annotate\/write$/);
  await page.getByLabel("Risk category").fill("illicit and criminal activities");
  await page.getByLabel("Attack vector").fill("false premise");
  // The responses are pushed to the page (server-sent events), not polled for.
  const pushed = page.waitForResponse((r) => r.url().includes("/api/trpc/jobs.watchWriting") && !!r.headers()["content-type"]?.startsWith("text/event-stream"));
  await page.getByLabel("Your prompt").press("Control+Enter");

  // The prompt is saved and the job's page shows the dialogue at once, then both responses.
  await expect(page).toHaveURL(/\/annotate\/write\?job=/);
  await expect(page.locator(".dialogue")).toContainText(prompt);
  const status = page.getByTestId("writing-status");
  await expect(status).toHaveAttribute("data-status", /QUEUED|RUNNING|SUCCEEDED/);
  await expect(status).toHaveAttribute("data-status", "SUCCEEDED", { timeout: 120_000 });
  await pushed;
  await expect(alert(page)).toHaveCount(0);
  const written = page.locator("article.response");
  await expect(page.locator('article.response[data-done="true"]')).toHaveCount(2);
  const leftText = (await written.nth(0).locator(".md").innerText()).trim();
  const rightText = (await written.nth(1).locator(".md").innerText()).trim();
  expect(leftText.length).toBeGreaterThan(0);
  expect(rightText.length).toBeGreaterThan(0);

  // Enter: the usual compare screen, serving exactly this pair, sides as they were shown.
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/annotate$/);
  const task = page.locator(".task[data-assignment]");
  await expect(task).toContainText(prompt);
  const assignmentId = (await task.getAttribute("data-assignment"))!;
  expect(assignmentId).not.toBe(servedBefore);
  await expect(task.getByTestId("task-protocol")).toHaveText(/safety/i);
  await expect(task.locator('article.response[data-side="A"]')).toContainText(leftText.slice(0, 40));
  await expect(task.locator('article.response[data-side="B"]')).toContainText(rightText.slice(0, 40));

  // Keyboard only: A is better, "better", both safe, submit.
  for (const key of ["a", "2", "w", "Enter"]) await page.keyboard.press(key);
  await expect(page.locator(".task[data-assignment]")).not.toHaveAttribute("data-assignment", assignmentId);

  const row = await withDatabase(async (db) => {
    const { rows } = await db.query(
      `SELECT c.chosen, c.strength, c."safetyLabel", c."leftSide", a."leftSide" AS "assignmentLeft", u.email,
              pr.source, pr.protocol, pr."riskCategory", pr."attackVector", pr."createdById" = u.id AS "byAuthor",
              p.strategy, b.name AS batch, ra."jobId" IS NOT NULL AS "fromJob", ra."policyVariantId" IS NOT NULL AS "hasVariant",
              ra.temperature AS "temperatureA", rb.temperature AS "temperatureB", ra."tokenCount" > 0 AS "counted"
       FROM "Comparison" c
       JOIN "Assignment" a ON a.id = c."assignmentId"
       JOIN "User" u ON u.id = c."annotatorId"
       JOIN "Pair" p ON p.id = c."pairId"
       JOIN "Batch" b ON b.id = p."batchId"
       JOIN "Prompt" pr ON pr.id = p."promptId"
       JOIN "Response" ra ON ra.id = p."responseAId"
       JOIN "Response" rb ON rb.id = p."responseBId"
       WHERE c."assignmentId" = $1`,
      [assignmentId],
    );
    return rows[0];
  });
  expect(row).toMatchObject({
    email: author.email,
    strength: "BETTER",
    safetyLabel: "BOTH_SAFE",
    source: "annotator",
    protocol: "SAFETY",
    riskCategory: "illicit and criminal activities",
    attackVector: "false premise",
    byAuthor: true,
    batch: "Annotator-written prompts",
    fromJob: true,
    hasVariant: true,
    counted: true,
  });
  // "A" on screen is the left response: the stored side drawn for this assignment.
  expect(row.leftSide).toBe(row.assignmentLeft);
  expect(row.chosen).toBe(row.assignmentLeft);
  // One demo variant: the pair compares two temperatures.
  expect(row.strategy).toBe("temperatures");
  expect(row.temperatureA).not.toBe(row.temperatureB);

  // The next turn of that dialogue: the prompt, the response chosen (A, the left one), a new message.
  await page.keyboard.press("p");
  await page.getByLabel("Continue the dialogue you last compared").check();
  await expect(page.locator(".dialogue")).toContainText(prompt);
  await expect(page.locator(".dialogue")).toContainText(leftText.slice(0, 40));
  await expect(page.getByLabel("Safety")).toBeChecked();
  await page.getByLabel("Your next message").fill("Thanks. And if I lost the key?");
  await page.getByLabel("Your next message").press("Control+Enter");
  await expect(page.getByTestId("writing-status")).toHaveAttribute("data-status", "SUCCEEDED", { timeout: 120_000 });
  await page.keyboard.press("Enter");
  await expect(page.locator(".task[data-assignment]")).toContainText("And if I lost the key?");
  await expect(page.locator("#dialogue-heading")).toContainText("3 turns");
});
