// Importing prompts through the admin page against the real app: upload, preview with the
// detected format, confirm, and the prompts are listed (and stored with their provenance). A
// file with a bad row is refused with its line and field, and nothing is written.
import { expect, test } from "@playwright/test";
import { withDatabase } from "./database";
import { alert, signInAs } from "./helpers";

const tag = `e2e-${Date.now()}`;
const rows = [
  { prompt: `How do tides work? (${tag})` },
  { messages: [{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello!" }, { role: "user", content: `Tell me a joke about "quotes" (${tag})` }] },
  { prompt: `How do I pick a lock? (${tag})`, protocol: "SAFETY", risk_category: "illicit and criminal activities", attack_vector: "direct request" },
];
const jsonl = (lines: unknown[]) => Buffer.from(lines.map((r) => JSON.stringify(r)).join("\n") + "\n");

test("an admin uploads a prompt file, sees the preview and detected format, confirms, and the prompts are listed", async ({ page }) => {
  await signInAs(page, "ADMIN");
  await page.goto("/admin");
  await page.getByRole("link", { name: /Import prompts/ }).click();
  await expect(page.getByRole("heading", { name: "Import", exact: true })).toBeVisible();

  await page.getByLabel("File to import").setInputFiles({ name: "prompts.jsonl", mimeType: "application/jsonl", buffer: jsonl(rows) });
  await page.getByRole("button", { name: "Upload and preview" }).click();
  await expect(page.getByTestId("detected-format")).toHaveText("prompts (detected)");
  const preview = page.getByRole("table", { name: "First rows" });
  await expect(preview.getByRole("row")).toHaveCount(4);
  await expect(preview).toContainText(`How do tides work? (${tag})`);
  await expect(preview).toContainText("safety");
  // Nothing is written before the confirmation.
  const before = await withDatabase((db) => db.query(`SELECT count(*)::int AS n FROM "Prompt" WHERE source = $1`, [tag]));
  expect(before.rows[0].n).toBe(0);

  await page.getByLabel("Source name").fill(tag);
  await page.getByLabel("Licence and terms").fill("CC-BY-4.0");
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page.getByTestId("import-result")).toHaveText("Imported 3 of 3 rows (0 duplicates skipped) as prompts.");
  const listed = page.getByTestId("imported-prompts");
  await expect(listed.getByRole("listitem")).toHaveCount(3);
  await expect(listed).toContainText(`Tell me a joke about "quotes" (${tag})`);
  await expect(listed).toContainText("3 turns");
  await expect(listed).toContainText("illicit and criminal activities");
  await expect(page.getByRole("table", { name: "Past imports" })).toContainText(tag);

  const stored = await withDatabase((db) =>
    db.query(`SELECT p.protocol, i.licence, i."fileName", i."fileSha256" FROM "Prompt" p JOIN "DatasetImport" i ON i.id = p."importId" WHERE p.source = $1 ORDER BY p.protocol`, [tag]),
  );
  expect(stored.rows.map((r) => r.protocol)).toEqual(["HELPFULNESS", "HELPFULNESS", "SAFETY"]);
  expect(stored.rows[0]).toMatchObject({ licence: "CC-BY-4.0", fileName: "prompts.jsonl" });
  expect(stored.rows[0].fileSha256).toMatch(/^[0-9a-f]{64}$/);
});

test("a file with a bad row is refused with its line and field, and nothing is written", async ({ page }) => {
  await signInAs(page, "ADMIN");
  await page.goto("/admin/import");
  const bad = [...rows.map((r) => ({ ...r, prompt: r.prompt ? `${r.prompt} again` : undefined })), { prompt: "fine" }, { prompt: 42 }];
  await page.getByLabel("File to import").setInputFiles({ name: "bad.jsonl", mimeType: "application/jsonl", buffer: jsonl(bad) });
  await page.getByRole("button", { name: "Upload and preview" }).click();
  await expect(alert(page)).toContainText("line 5, prompt:");
  await expect(page.getByRole("button", { name: "Import", exact: true })).toHaveCount(0);
  const stored = await withDatabase((db) => db.query(`SELECT count(*)::int AS n FROM "Prompt" p, unnest(p.turns) t WHERE t LIKE $1`, [`%(${tag}) again`]));
  expect(stored.rows[0].n).toBe(0);
});

test("a bad row past the preview fails the import job: its line and field on the import page, nothing written, no Retry", async ({ page }) => {
  await signInAs(page, "ADMIN");
  await page.goto("/admin/import");
  const late = `late-${tag}`;
  const lines = Array.from({ length: 14 }, (_, i) => ({ prompt: `Fine question ${i} (${late})` }) as { prompt: unknown });
  lines[11] = { prompt: 42 };
  await page.getByLabel("File to import").setInputFiles({ name: "late.jsonl", mimeType: "application/jsonl", buffer: jsonl(lines) });
  await page.getByRole("button", { name: "Upload and preview" }).click();
  // The first ten rows are fine: the preview cannot see the twelfth.
  await expect(page.getByRole("table", { name: "First rows" }).getByRole("row")).toHaveCount(11);
  await page.getByLabel("Source name").fill(late);
  await page.getByRole("button", { name: "Import", exact: true }).click();
  const failure = page.getByTestId("import-failure");
  await expect(failure.getByRole("alert")).toContainText("Nothing was imported. line 12, prompt:");
  await expect(page.getByTestId("import-failure-where")).toHaveText("line 12");
  await expect(page.getByTestId("import-failure-field")).toHaveText("prompt");
  await expect(failure).toContainText("a retry would fail the same way");
  await expect(failure.getByRole("button", { name: "Retry" })).toHaveCount(0);
  const stored = await withDatabase((db) => db.query(`SELECT count(*)::int AS n FROM "Prompt" p, unnest(p.turns) t WHERE t LIKE $1`, [`%(${late})`]));
  expect(stored.rows[0].n).toBe(0);
  // The job's own page offers no Retry either.
  await failure.getByRole("link", { name: "the job's page and log" }).click();
  await expect(page.getByTestId("job-status")).toContainText("failed");
  await expect(page.getByTestId("job-error")).toContainText("line 12, prompt:");
  await expect(page.getByRole("button", { name: "Retry" })).toHaveCount(0);
});
