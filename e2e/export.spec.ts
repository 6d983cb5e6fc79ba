import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { unzipSync } from "fflate";
import fs from "node:fs";
import { withDatabase } from "./database";
import { makeUser, NEXT_ROUND_NUMBER, signInAs } from "./helpers";

test("a researcher downloads an export; a script gets the same rows with an API token", async ({ page }) => {
  // Labels to export, the spec's own: a closed batch of two demo prompts' pairs, labelled by two
  // annotators of its own, exported alone (the batch filter), whatever other specs stored.
  const tag = crypto.randomBytes(4).toString("hex");
  const batchId = `e2e-export-batch-${tag}`;
  const annotators = [await makeUser("ANNOTATOR", "Export spec one"), await makeUser("ANNOTATOR", "Export spec two")];
  await withDatabase(async (db) => {
    const round = await db.query<{ id: string }>(`INSERT INTO "Round" (id, number, name, status) VALUES ($1, ${NEXT_ROUND_NUMBER}, $2, 'COMPLETE') RETURNING id`, [`e2e-export-round-${tag}`, `Export round ${tag}`]);
    await db.query(`INSERT INTO "Batch" (id, "roundId", name, status, "annotationsPerPair") VALUES ($1, $2, 'Export batch', 'CLOSED', 2)`, [batchId, round.rows[0]!.id]);
    await db.query(
      `INSERT INTO "Pair" (id, "batchId", "promptId", "responseAId", "responseBId", "requiredAnnotations", strategy)
       SELECT $1 || '-' || row_number() OVER (ORDER BY pr."createdAt", pr.id), $1, pr.id, (SELECT min(r.id) FROM "Response" r WHERE r."promptId" = pr.id), (SELECT max(r.id) FROM "Response" r WHERE r."promptId" = pr.id), 2, 'e2e'
       FROM (SELECT id, "createdAt" FROM "Prompt" WHERE source = 'demo' AND protocol = 'HELPFULNESS' ORDER BY "createdAt", id LIMIT 2) pr`,
      [batchId],
    );
    await db.query(
      `INSERT INTO "Comparison" (id, "pairId", "annotatorId", chosen, strength, "leftSide", "timeOnTaskMs")
       SELECT p.id || '-' || u.id, p.id, u.id, 'A', 'BETTER', 'A', 5000 FROM "Pair" p, "User" u WHERE p."batchId" = $1 AND u.id = ANY($2)`,
      [batchId, annotators.map((a) => a.id)],
    );
  });
  const expected = 4;

  await signInAs(page, "RESEARCHER");
  await page.getByRole("link", { name: "Export a dataset" }).click();
  // The research home has a Batch filter of its own: choose on the export page.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Export a preference dataset");
  await page.getByRole("combobox", { name: /^Batch\b/ }).selectOption({ label: `Export round ${tag} · Export batch` });
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
  const api = await page.context().request.fetch(`/api/export?format=raw&as=jsonl&batches=${batchId}`, {
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
