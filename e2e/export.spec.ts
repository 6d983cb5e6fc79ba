import { expect, test } from "@playwright/test";
import { unzipSync } from "fflate";
import fs from "node:fs";
import { withDatabase } from "./database";
import { signInAs } from "./helpers";

test("a researcher downloads an export; a script gets the same rows with an API token", async ({ page }) => {
  // Labels to export: two comparisons on demo pairs, inserted directly.
  await withDatabase(async (db) => {
    await db.query(`
      INSERT INTO "Comparison" (id, "pairId", "annotatorId", chosen, strength, "leftSide", "timeOnTaskMs")
      SELECT 'e2e-export-' || u.email, p.id, u.id, 'A', 'BETTER', 'A', 5000
      FROM (SELECT id FROM "Pair" WHERE strategy = 'demo' ORDER BY "createdAt" LIMIT 1) p,
           (SELECT id, email FROM "User" WHERE email IN ('annotator2@demo.local', 'annotator3@demo.local')) u
      ON CONFLICT DO NOTHING`);
  });
  const expected = await withDatabase(async (db) => (await db.query(`SELECT count(*)::int AS n FROM "Comparison"`)).rows[0].n as number);

  await signInAs(page, "RESEARCHER");
  await page.getByRole("link", { name: "Export a dataset" }).click();
  await page.getByLabel("Margin").selectOption("large");
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download export" }).click();
  const file = await (await download).path();
  const zip = unzipSync(new Uint8Array(fs.readFileSync(file)));
  expect(Object.keys(zip).sort()).toEqual(["README.md", "data.jsonl", "manifest.json"]);
  const lines = new TextDecoder().decode(zip["data.jsonl"]).split("\n").filter(Boolean).map((l) => JSON.parse(l));
  expect(lines).toHaveLength(expected);
  for (const line of lines) {
    expect(Object.keys(line).sort()).toEqual(["chosen", "margin", "prompt", "rejected"]);
    expect([0, 1, 2, 3]).toContain(line.margin);
  }
  const manifest = JSON.parse(new TextDecoder().decode(zip["manifest.json"]));
  expect(manifest.totalRows).toBe(expected);
  expect(new TextDecoder().decode(zip["README.md"])).toContain("Llama 2 margin large");

  // A personal API token for scripts.
  await page.goto("/research");
  await page.getByRole("link", { name: "API tokens" }).click();
  await page.getByLabel("Token name").fill("e2e script");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())!;
  const api = await page.context().request.fetch("/api/export?format=raw&as=jsonl", {
    headers: { authorization: `Bearer ${token}`, cookie: "" },
  });
  expect(api.status()).toBe(200);
  const raw = (await api.text()).split("\n").filter(Boolean).map((l) => JSON.parse(l));
  expect(raw).toHaveLength(expected);
  expect(raw.every((r) => /^annotator-[0-9a-f]{12}$/.test(r.annotator))).toBe(true);
  const bad = await page.context().request.fetch("/api/export?format=parquet", { headers: { authorization: `Bearer ${token}` } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toMatch(/^Invalid export: format:/);
});
