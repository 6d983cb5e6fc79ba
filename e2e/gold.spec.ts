import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { withDatabase } from "./database";
import { alert, NEXT_ROUND_NUMBER, signInAs } from "./helpers";

// A batch of its own (closed, so never served), two pairs of demo prompts: the demo batch keeps
// no gold pair and its gold rate for the other specs.
const tag = crypto.randomBytes(4).toString("hex");
const batchName = `Gold batch ${tag}`;

test.beforeAll(async () => {
  await withDatabase(async (db) => {
    const round = await db.query<{ id: string }>(`INSERT INTO "Round" (id, number, name, status) VALUES ($1, ${NEXT_ROUND_NUMBER}, $2, 'ACTIVE') RETURNING id`, [`e2e-gold-round-${tag}`, `Gold round ${tag}`]);
    await db.query(`INSERT INTO "Batch" (id, "roundId", name, status, "annotationsPerPair") VALUES ($1, $2, $3, 'CLOSED', 1)`, [`e2e-gold-batch-${tag}`, round.rows[0]!.id, batchName]);
    await db.query(
      `INSERT INTO "Pair" (id, "batchId", "promptId", "responseAId", "responseBId", strategy)
       SELECT $1 || '-' || row_number() OVER (ORDER BY pr."createdAt", pr.id), $1, pr.id, (SELECT min(r.id) FROM "Response" r WHERE r."promptId" = pr.id), (SELECT max(r.id) FROM "Response" r WHERE r."promptId" = pr.id), 'e2e'
       FROM (SELECT id, "createdAt" FROM "Prompt" WHERE source = 'demo' ORDER BY "createdAt", id LIMIT 2) pr`,
      [`e2e-gold-batch-${tag}`],
    );
  });
});

test("a researcher marks a gold pair and an admin sets the batch's gold rate", async ({ browser }) => {
  const researcher = await (await browser.newContext()).newPage();
  await signInAs(researcher, "RESEARCHER");
  await researcher.getByRole("link", { name: batchName }).click();
  await expect(researcher.getByRole("heading", { level: 1 })).toHaveText(batchName);

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
  const batchRow = admin.getByRole("row").filter({ hasText: batchName });
  await batchRow.getByLabel(`Gold rate of ${batchName}`).fill("1.5");
  await batchRow.getByRole("button", { name: "Save" }).click();
  await expect(alert(admin)).toContainText("goldRate: between 0 and 1");
  await batchRow.getByLabel(`Gold rate of ${batchName}`).fill("0.1");
  await batchRow.getByRole("button", { name: "Save" }).click();
  await expect(batchRow.getByRole("status")).toHaveText("Saved");
  const batch = await withDatabase(async (db) => (await db.query(`SELECT "goldRate" FROM "Batch" WHERE name = $1`, [batchName])).rows[0]);
  expect(batch.goldRate).toBe(0.1);
});
