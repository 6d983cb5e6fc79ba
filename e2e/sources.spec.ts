// The source choice against the real app: a small HH-RLHF file imported as the CLI imports it
// (server/import/run-import.ts on the app's database); its comparisons stay out of the
// dashboard and the export until a researcher ticks its source, and then they are in.
import { expect, type Page, test } from "@playwright/test";
import { unzipSync } from "fflate";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runImport } from "../server/import/run-import";
import { withDatabase } from "./database";
import { e2eDataDir } from "./data-dir";
import { alert, signInAs } from "./helpers";

const source = `e2e-source-${Date.now()}`;
const questions = [`Why is the sky blue? (${source})`, `What is 2+2? (${source})`, `Capital of France? (${source})`];
const today = new Date().toISOString().slice(0, 10);
let importId: string;

test.beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-sources-"));
  const file = path.join(dir, "hh.jsonl");
  const rows = questions.map((q, i) => ({ chosen: `\n\nHuman: ${q}\n\nAssistant: Good answer ${i}`, rejected: `\n\nHuman: ${q}\n\nAssistant: Bad answer ${i}` }));
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const { databaseUrl } = JSON.parse(fs.readFileSync(path.join(e2eDataDir, "runtime.json"), "utf8")) as { databaseUrl: string };
  const result = await runImport(databaseUrl, { path: file, fileName: "hh.jsonl" }, { sourceName: source }, { createdById: null });
  expect(result).toMatchObject({ format: "hh-rlhf", inserted: 3 });
  importId = result.importId!;
});

// Other specs count every comparison in the database: the import goes again (its prompts,
// then the import with its batch, pairs and comparisons).
test.afterAll(async () => {
  await withDatabase(async (db) => {
    await db.query(`DELETE FROM "Prompt" WHERE "importId" = $1`, [importId]);
    await db.query(`DELETE FROM "DatasetImport" WHERE id = $1`, [importId]);
  });
});

/** The number at the start of the over-time chart's summary ("No comparisons" is 0). */
async function comparisonsShown(page: Page): Promise<number> {
  const summary = page.getByTestId("chart-over-time-summary");
  await expect(summary).toHaveText(/comparison/);
  const text = (await summary.textContent()) ?? "";
  return text.startsWith("No ") ? 0 : Number(text.match(/^([\d,]+) comparison/)![1]!.replace(/,/g, ""));
}

async function downloadRows(page: Page): Promise<{ prompt: unknown }[]> {
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download export" }).click();
  const zip = unzipSync(new Uint8Array(fs.readFileSync(await (await download).path())));
  return new TextDecoder().decode(zip["data.jsonl"]).split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

test("a researcher adds an imported source to the dashboard's counts, and exports it", async ({ page }) => {
  await signInAs(page, "RESEARCHER");
  await page.goto("/research");
  const team = page.getByRole("checkbox", { name: "Team's annotators" });
  const imported = page.getByRole("checkbox", { name: `${source} (3)` });
  await expect(team).toBeChecked();
  await expect(imported).not.toBeChecked();
  await expect(page.getByTestId("chart-over-time-summary")).not.toHaveText(/Loading/);
  const teamCount = await comparisonsShown(page);

  // Ticked: its three comparisons join the team's.
  await imported.check();
  await expect.poll(() => comparisonsShown(page)).toBe(teamCount + 3);
  await expect(page).toHaveURL(new RegExp(`source=${encodeURIComponent(source)}`));
  // Alone: only them, all today.
  await team.uncheck();
  await expect(page.getByTestId("chart-over-time-summary")).toHaveText(`3 comparisons in the selection (3 helpfulness, 0 safety), on ${today}.`);
  await expect(page.getByTestId("chart-strengths-summary")).toContainText("3 comparisons in 1 batch");
  // The choice is in the URL: a reload keeps it.
  await page.reload();
  await expect(page.getByRole("checkbox", { name: "Team's annotators" })).not.toBeChecked();
  await expect(page.getByTestId("chart-over-time-summary")).toHaveText(`3 comparisons in the selection (3 helpfulness, 0 safety), on ${today}.`);
  // None at all is refused.
  await page.getByRole("checkbox", { name: `${source} (3)` }).uncheck();
  await expect(page.getByRole("alert").filter({ hasText: "Choose at least one source." })).toBeVisible();
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(page.getByRole("checkbox", { name: "Team's annotators" })).toBeChecked();
  await expect.poll(() => comparisonsShown(page)).toBe(teamCount);

  // The export: the team's by default, the imported dataset alone, or both.
  await page.goto("/research/export");
  const exportTeam = page.getByRole("checkbox", { name: "Team's annotators" });
  const exportImported = page.getByRole("checkbox", { name: `Imported: ${source} (3 comparisons)` });
  await expect(exportTeam).toBeChecked();
  const teamRows = await downloadRows(page);
  expect(teamRows.some((r) => JSON.stringify(r).includes(source))).toBe(false);

  await exportImported.check();
  await exportTeam.uncheck();
  const importedRows = await downloadRows(page);
  expect(importedRows).toHaveLength(3);
  for (const question of questions) expect(importedRows.filter((r) => JSON.stringify(r.prompt).includes(question))).toHaveLength(1);

  await exportTeam.check();
  const both = await downloadRows(page);
  expect(both).toHaveLength(teamRows.length + 3);
  expect(both.filter((r) => JSON.stringify(r).includes(source))).toHaveLength(3);

  await exportTeam.uncheck();
  await exportImported.uncheck();
  await expect(alert(page)).toContainText("sources: choose");
  await expect(page.getByRole("link", { name: "Download export" })).toHaveCount(0);
});

test("an admin sees the imported dataset's batch as such, its status not to be changed", async ({ page }) => {
  const batch = await withDatabase(async (db) => (await db.query(`SELECT id, name FROM "Batch" WHERE "importId" = $1`, [importId])).rows[0] as { id: string; name: string });
  await signInAs(page, "ADMIN");
  await page.goto("/admin/batches");
  const row = page.locator(`tr[data-batch-id="${batch.id}"]`);
  await expect(row).toContainText("imported dataset");
  await expect(row.getByRole("combobox", { name: `Status of ${batch.name}` })).toBeDisabled();
  // The team's batches keep theirs.
  await expect(page.locator("tr[data-batch-id]").filter({ hasNotText: "imported dataset" }).first().getByRole("combobox")).toBeEnabled();
});
