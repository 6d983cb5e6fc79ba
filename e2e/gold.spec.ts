import { expect, test } from "@playwright/test";
import { withDatabase } from "./database";
import { alert, signInAs } from "./helpers";

test("a researcher marks a gold pair and an admin sets the batch's gold rate", async ({ browser }) => {
  const researcher = await (await browser.newContext()).newPage();
  await signInAs(researcher, "RESEARCHER");
  await researcher.getByRole("link", { name: "Batch 1" }).click();
  await expect(researcher.getByRole("heading", { level: 1 })).toHaveText("Batch 1");

  const card = researcher.getByRole("article").first();
  const pairId = await card.getAttribute("data-pair-id");
  await card.getByRole("button", { name: "Mark as gold" }).click();
  await expect(card.getByText("Choose the expected response")).toBeVisible();
  await card.getByRole("radio", { name: "Expected B" }).check();
  await card.getByLabel("Expected strength").selectOption({ label: "better" });
  await card.getByRole("button", { name: "Mark as gold" }).click();
  await expect(card).toContainText("Gold: B (better)");
  const row = await withDatabase(async (db) => (await db.query(`SELECT * FROM "Pair" WHERE id = $1`, [pairId])).rows[0]);
  expect(row).toMatchObject({ isGold: true, goldChoice: "B", goldStrength: "BETTER" });

  const admin = await (await browser.newContext()).newPage();
  await signInAs(admin, "ADMIN");
  await admin.goto("/admin/batches");
  const batchRow = admin.getByRole("row").filter({ hasText: "Batch 1" });
  await batchRow.getByLabel("Gold rate of Batch 1").fill("1.5");
  await batchRow.getByRole("button", { name: "Save" }).click();
  await expect(alert(admin)).toContainText("goldRate: between 0 and 1");
  await batchRow.getByLabel("Gold rate of Batch 1").fill("0.1");
  await batchRow.getByRole("button", { name: "Save" }).click();
  await expect(batchRow.getByRole("status")).toHaveText("Saved");
  const batch = await withDatabase(async (db) => (await db.query(`SELECT "goldRate" FROM "Batch" WHERE name = 'Batch 1'`)).rows[0]);
  expect(batch.goldRate).toBe(0.1);
});
