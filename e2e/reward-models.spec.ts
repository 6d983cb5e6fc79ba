// Reward models against the real app and worker: an admin trains a helpfulness model on a batch
// of labels, follows the training run, reads the per-strength accuracy table, makes the model
// active, and a scoring job scores the batch with it. The spec brings its own round, batch and
// labels, so it passes alone and in any order.
import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { withDatabase } from "./database";
import { makeUser, signInAs } from "./helpers";

const GOOD = "Certainly, here is a careful and friendly answer with clear steps.";
const BAD = "no. whatever. figure it out yourself, idiot.";
const STRENGTHS = ["SIGNIFICANTLY_BETTER", "BETTER", "SLIGHTLY_BETTER", "NEGLIGIBLY_BETTER_OR_UNSURE"];

test("an admin trains a reward model, reads its accuracy table, activates it, and scores a batch with it", async ({ page }) => {
  test.setTimeout(240_000);
  const tag = crypto.randomBytes(3).toString("hex");
  const batchName = `RM batch ${tag}`;
  const pairs = 80;
  // Labelled by an annotator of its own, so no other spec counts these labels as anyone's work.
  const labeller = await makeUser("ANNOTATOR", "Reward-models labeller");
  const batchId = await withDatabase(async (db) => {
    const round = await db.query<{ id: string }>(
      `INSERT INTO "Round" (id, number, name, status) VALUES ($1, (SELECT coalesce(max(number), 0) + 1 FROM "Round"), $2, 'ACTIVE') RETURNING id`,
      [`rm-round-${tag}`, `RM round ${tag}`],
    );
    const batch = await db.query<{ id: string }>(`INSERT INTO "Batch" (id, "roundId", name, status) VALUES ($1, $2, $3, 'CLOSED') RETURNING id`, [
      `rm-batch-${tag}`,
      round.rows[0]!.id,
      batchName,
    ]);
    for (let i = 0; i < pairs; i++) {
      const id = `rm-${tag}-${i}`;
      await db.query(`INSERT INTO "Prompt" (id, protocol, source, turns, "contentHash") VALUES ($1, 'HELPFULNESS', 'e2e', ARRAY[$2], $1)`, [id, `Question ${i} (${tag}): how do I boil an egg?`]);
      const goodIsA = i % 2 === 0;
      await db.query(`INSERT INTO "Response" (id, "promptId", text, source) VALUES ($1 || '-a', $1, $2, 'e2e'), ($1 || '-b', $1, $3, 'e2e')`, [
        id,
        `${goodIsA ? GOOD : BAD} (${i})`,
        `${goodIsA ? BAD : GOOD} (${i})`,
      ]);
      await db.query(
        `INSERT INTO "Pair" (id, "batchId", "promptId", "responseAId", "responseBId", strategy, "annotationCount") VALUES ($1, $2, $1, $1 || '-a', $1 || '-b', 'e2e', 1)`,
        [id, batch.rows[0]!.id],
      );
      await db.query(
        `INSERT INTO "Comparison" (id, "pairId", "annotatorId", chosen, strength, "leftSide", "timeOnTaskMs") VALUES ($1, $1, $2, $3, $4, 'A', 1000)`,
        [id, labeller.id, goodIsA ? "A" : "B", STRENGTHS[i % 4]],
      );
    }
    return batch.rows[0]!.id;
  });

  await signInAs(page, "ADMIN");
  await page.goto("/admin");
  // The admin home's list entry (its "next step" may name reward models too, by the loop's state).
  await page.getByRole("link", { name: /^Reward models: train/ }).click();
  await expect(page.getByRole("heading", { name: "Reward models" })).toBeVisible();

  // Train on this spec's batch only, leaving the model inactive to activate it by hand.
  const form = page.getByRole("form", { name: "Train" });
  await form.getByLabel("Kind").selectOption("HELPFULNESS");
  await form.getByRole("checkbox", { name: new RegExp(batchName) }).check();
  await form.getByLabel("Held out (% of pairs)").fill("25");
  await form.getByRole("checkbox", { name: /Make it the active/ }).uncheck();
  await form.getByRole("button", { name: "Train" }).click();
  await expect(page.getByRole("status")).toContainText("training pairs");
  await page.getByRole("link", { name: "Follow the training run" }).click();

  // The run's page shows its progress and log until it is done.
  await expect(page.getByTestId("job-status")).toContainText("succeeded", { timeout: 180_000 });
  await expect(page.getByRole("list", { name: "Log" })).toContainText("TensorFlow.js backend:");
  await expect(page.getByRole("list", { name: "Log" })).toContainText("test accuracy");
  const jobId = page.url().split("/").at(-1)!;
  const modelId = await withDatabase(async (db) => (await db.query<{ id: string }>(`SELECT id FROM "RewardModel" WHERE "trainingJobId" = $1`, [jobId])).rows[0]!.id);

  // The model's page: Llama 2's table, one column per strength and the average.
  await page.goto(`/admin/reward-models/${modelId}`);
  const table = page.getByRole("table", { name: "Accuracy per strength" });
  await expect(table).toBeVisible();
  for (const phrase of ["significantly better", "better", "slightly better", "negligibly better or unsure", "all"]) {
    await expect(table.getByRole("columnheader", { name: phrase, exact: true })).toBeVisible();
  }
  await expect(table.getByRole("row", { name: /^test/ }).locator('td[data-strength="all"]')).toContainText(/\d+% \(\d+\/\d+\)/);
  await expect(page.getByTestId("backend")).toContainText(/TensorFlow.js (wasm|cpu|node-gpu)/);

  // Make it the active helpfulness model.
  await page.getByRole("button", { name: "Make active" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("active");
  const active = await withDatabase(async (db) => (await db.query(`SELECT active FROM "RewardModel" WHERE id = $1`, [modelId])).rows[0]);
  expect(active).toEqual({ active: true });

  // A scoring job scores the batch with the active model; its accuracy there then shows.
  const scoring = page.getByRole("form", { name: "Score a batch" });
  await scoring.getByLabel("Score a batch").selectOption(batchId);
  await scoring.getByRole("button", { name: "Score" }).click();
  await scoring.getByRole("link", { name: "Follow the job" }).click();
  await expect(page.getByTestId("job-status")).toContainText("succeeded", { timeout: 120_000 });
  const scored = await withDatabase(async (db) => (await db.query(`SELECT count(*)::int AS n FROM "RewardScore" WHERE "rewardModelId" = $1`, [modelId])).rows[0]);
  expect(scored).toEqual({ n: pairs * 2 });
  await page.goto(`/admin/reward-models/${modelId}`);
  await expect(page.getByRole("table", { name: "Accuracy on batches" })).toContainText(batchName);
});
