// The whole loop on the real app and worker with the tiny Llama 2: seeded comparisons → both
// reward models trained and made active from the reward-models page → a rejection-sampling round
// set up from the rounds page and followed live → its new batch in an annotator's queue, labelled
// with the keyboard. The spec brings its own labels and prompts, so it passes alone and in any order.
import crypto from "node:crypto";
import { expect, type Page, test } from "@playwright/test";
import { withDatabase } from "./database";
import { closeBatches, makeUser, signInAs, signInAsUser } from "./helpers";

const GOOD = "Certainly, here is a careful and friendly answer with clear steps.";
const BAD = "no. whatever. figure it out yourself, idiot.";
const STRENGTHS = ["SIGNIFICANTLY_BETTER", "BETTER", "SLIGHTLY_BETTER", "NEGLIGIBLY_BETTER_OR_UNSURE"];

async function train(page: Page, kind: "HELPFULNESS" | "SAFETY", batchName: string) {
  await page.goto("/admin/reward-models");
  const form = page.getByRole("form", { name: "Train" });
  await form.getByLabel("Kind").selectOption(kind);
  await form.getByRole("checkbox", { name: new RegExp(batchName) }).check();
  await form.getByLabel("Held out (% of pairs)").fill("25");
  await form.getByRole("checkbox", { name: /Make it the active/ }).check();
  await form.getByRole("button", { name: "Train" }).click();
  await page.getByRole("link", { name: "Follow the training run" }).click();
  await expect(page.getByTestId("job-status")).toContainText("succeeded", { timeout: 180_000 });
}

test("both reward models trained, a round run from the rounds page, its pairs labelled by an annotator", async ({ page, browser }) => {
  test.setTimeout(600_000);
  const tag = crypto.randomBytes(3).toString("hex");
  const batchName = `RS labels ${tag}`;
  const source = `e2e-rs-${tag}`;
  // Annotators of its own: one whose labels train the models, one who labels the new batch.
  const [labeller, annotatorUser] = [await makeUser("ANNOTATOR", "Rounds labeller"), await makeUser("ANNOTATOR", "Rounds annotator")];
  await withDatabase(async (db) => {
    const round = await db.query<{ id: string }>(
      `INSERT INTO "Round" (id, number, name, status) VALUES ($1, (SELECT coalesce(max(number), 0) + 1 FROM "Round"), $2, 'COMPLETE') RETURNING id`,
      [`rs-round-${tag}`, `RS seed ${tag}`],
    );
    await db.query(`INSERT INTO "Batch" (id, "roundId", name, status) VALUES ($1, $2, $3, 'CLOSED')`, [`rs-batch-${tag}`, round.rows[0]!.id, batchName]);
    for (let i = 0; i < 96; i++) {
      const id = `rs-${tag}-${i}`;
      const protocol = i % 2 === 0 ? "HELPFULNESS" : "SAFETY";
      const goodIsA = i % 4 < 2;
      await db.query(`INSERT INTO "Prompt" (id, protocol, source, turns, "contentHash") VALUES ($1, $2, 'e2e', ARRAY[$3], $1)`, [id, protocol, `Question ${i} (${tag}): how do I boil an egg?`]);
      await db.query(`INSERT INTO "Response" (id, "promptId", text, source) VALUES ($1 || '-a', $1, $2, 'e2e'), ($1 || '-b', $1, $3, 'e2e')`, [
        id,
        `${goodIsA ? GOOD : BAD} (${i})`,
        `${goodIsA ? BAD : GOOD} (${i})`,
      ]);
      await db.query(
        `INSERT INTO "Pair" (id, "batchId", "promptId", "responseAId", "responseBId", strategy, "annotationCount") VALUES ($1, $2, $1, $1 || '-a', $1 || '-b', 'e2e', 1)`,
        [id, `rs-batch-${tag}`],
      );
      await db.query(
        `INSERT INTO "Comparison" (id, "pairId", "annotatorId", chosen, strength, "safetyLabel", "leftSide", "timeOnTaskMs") VALUES ($1, $1, $2, $3, $4, $5, 'A', 1000)`,
        [id, labeller.id, goodIsA ? "A" : "B", STRENGTHS[i % 4], protocol === "SAFETY" ? (i % 3 === 0 ? "BOTH_SAFE" : "CHOSEN_SAFE_OTHER_UNSAFE") : null],
      );
    }
    // The round's pool: three helpfulness prompts no round has used.
    for (let i = 0; i < 3; i++) {
      await db.query(`INSERT INTO "Prompt" (id, protocol, source, turns, "contentHash") VALUES ($1, 'HELPFULNESS', $2, ARRAY[$3], $1)`, [
        `${source}-${i}`,
        source,
        `Pool question ${i} (${tag}): why do cats purr?`,
      ]);
    }
  });

  await signInAs(page, "ADMIN");
  await train(page, "HELPFULNESS", batchName);
  await train(page, "SAFETY", batchName);

  // Set the round up from the admin's home, which says it is the next step.
  await page.goto("/admin");
  await expect(page.getByTestId("next-step")).toContainText(/Set up the next round|retrain them|Annotators are labelling/);
  await page.getByRole("link", { name: /Rounds: rejection sampling/ }).click();
  await expect(page.getByRole("heading", { name: "Rounds" })).toBeVisible();
  await page.getByRole("link", { name: "Set up the next round" }).click();
  const form = page.getByRole("form", { name: "Set up a round" });
  await expect(form.getByLabel("Arm 2 temperature")).toHaveValue("1.2");
  await form.getByLabel("Source").selectOption(source);
  await form.getByLabel("How many prompts").fill("3");
  await form.getByLabel("K (samples per prompt and arm)").fill("2");
  await form.getByLabel("Max tokens").fill("12");
  await form.getByLabel("Queue priority").fill("500");
  // K < 2 is refused before anything is written.
  await form.getByLabel("K (samples per prompt and arm)").fill("1");
  await form.getByRole("button", { name: /^Start RLHF-V\d+$/ }).click();
  await expect(form.locator('[data-field="k"]')).toContainText("at least 2 samples per prompt");
  await form.getByLabel("K (samples per prompt and arm)").fill("2");
  await form.getByRole("button", { name: /^Start RLHF-V\d+$/ }).click();

  // The round's page follows the job live, then shows its curves and its open batch.
  await expect(page.getByRole("heading", { level: 1 })).toContainText(/RLHF-V\d+/);
  await expect(page.getByTestId("round-job")).toContainText("succeeded", { timeout: 240_000 });
  await expect(page.getByTestId("round-batch")).toContainText("open, 3 pairs");
  await expect(page.getByTestId("chart-best-of-n-all")).toBeVisible();
  await expect(page.getByRole("table", { name: "Arms" })).toContainText("T=1.2");
  const roundId = page.url().split("/").at(-1)!;
  await page.goto("/admin");
  await expect(page.getByTestId("next-step")).toContainText(/Annotators are labelling RLHF-V\d+'s batch \(0 of 3 pairs done\)/);
  await page.goBack();
  const sft = await page.request.get(`/api/export?format=sft&rounds=${roundId}`);
  expect(sft.status()).toBe(200);
  expect(sft.headers()["content-type"]).toBe("application/zip");
  const { batchId, pairIds } = await withDatabase(async (db) => {
    const batch = await db.query<{ id: string }>(`SELECT b.id FROM "Batch" b JOIN "Round" r ON r."jobId" = b."jobId" WHERE r.id = $1`, [roundId]);
    const pairs = await db.query<{ id: string }>(`SELECT id FROM "Pair" WHERE "batchId" = $1`, [batch.rows[0]!.id]);
    return { batchId: batch.rows[0]!.id, pairIds: pairs.rows.map((r) => r.id) };
  });
  expect(pairIds).toHaveLength(3);

  // An annotator gets the round's pairs first (its priority) and labels one with the keyboard.
  const context = await browser.newContext();
  const annotator = await context.newPage();
  await signInAsUser(annotator, annotatorUser);
  await expect(annotator.locator(".task[data-assignment]")).toBeVisible();
  const assignmentId = (await annotator.locator(".task[data-assignment]").getAttribute("data-assignment"))!;
  for (const key of ["ArrowLeft", "2", "Enter"]) await annotator.keyboard.press(key);
  await expect(annotator.locator(".task[data-assignment]")).not.toHaveAttribute("data-assignment", assignmentId);
  const labelled = await withDatabase(async (db) =>
    (await db.query(`SELECT p."batchId", c.strength FROM "Comparison" c JOIN "Pair" p ON p.id = c."pairId" WHERE c."assignmentId" = $1`, [assignmentId])).rows[0],
  );
  expect(labelled).toEqual({ batchId, strength: "BETTER" });
  await context.close();
  // The round's other pairs are not left at its priority for other specs' annotators.
  await closeBatches([batchId], [annotatorUser.id]);
});
