import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { withDatabase } from "./database";
import { alert, NEXT_ROUND_NUMBER, signInAs } from "./helpers";

test("an admin registers a served variant (field errors first), sees it listed, is refused a duplicate name, and retires it", async ({ page }) => {
  await signInAs(page, "ADMIN");
  await page.goto("/admin/variants");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Policy variants");
  const name = `llama-2-70b-chat vLLM ${Date.now()}`;
  const form = page.getByRole("form", { name: "Register a variant" });

  // A llama.cpp variant needs its GGUF file; nothing is sent without it.
  await form.getByLabel("Name").fill(name);
  await form.getByRole("button", { name: "Register variant" }).click();
  await expect(form.getByText("a llama.cpp variant needs the path of its GGUF file")).toBeVisible();

  await form.getByLabel("Backend").selectOption("OPENAI_COMPATIBLE");
  await form.getByLabel("Base URL").fill("gpu-1:8000");
  await form.getByRole("button", { name: "Register variant" }).click();
  await expect(form.getByText("an http:// or https:// URL")).toBeVisible();

  await form.getByLabel("Base URL").fill("http://gpu-1:8000/v1");
  await form.getByLabel("Model name").fill("meta-llama/Llama-2-70b-chat-hf");
  await form.getByLabel("Temperature").fill("0.9");
  await form.getByLabel(/System prompt/).fill("You are a safe and responsible assistant.");
  await form.getByRole("button", { name: "Register variant" }).click();

  const row = page.locator(`tr[data-variant="${name}"]`);
  await expect(row).toContainText("OpenAI-compatible");
  await expect(row).toContainText("http://gpu-1:8000/v1 · meta-llama/Llama-2-70b-chat-hf");
  await expect(row).toContainText("0.9");
  await expect(row).toContainText("active");
  await expect(alert(page)).toHaveCount(0);

  // The same name again is refused, clearly.
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Backend").selectOption("OPENAI_COMPATIBLE");
  await form.getByLabel("Base URL").fill("http://gpu-2:8000/v1");
  await form.getByRole("button", { name: "Register variant" }).click();
  await expect(alert(page)).toContainText(`a variant named "${name}" already exists`);

  await row.getByRole("button", { name: "Retire" }).click();
  await expect(row).toContainText("retired");
  await expect(row.getByRole("button", { name: "Restore" })).toBeVisible();

  const stored = await withDatabase(async (db) => (await db.query(`SELECT * FROM "PolicyVariant" WHERE name = $1`, [name])).rows[0]);
  expect(stored).toMatchObject({
    backend: "OPENAI_COMPATIBLE",
    baseUrl: "http://gpu-1:8000/v1",
    modelPath: null,
    modelName: "meta-llama/Llama-2-70b-chat-hf",
    systemPrompt: "You are a safe and responsible assistant.",
    defaults: { temperature: 0.9, topP: 0.9, maxTokens: 512 },
  });
  expect(stored.retiredAt).not.toBeNull();
});

test("an admin generates a batch of pairs from the page: one variant at two temperatures, followed on the job's page, opened at the end", async ({ page }) => {
  test.setTimeout(180_000);
  // A round of its own, and the tiny test model chosen by name: other specs' rounds and
  // variants may come first in the form.
  const tag = crypto.randomBytes(4).toString("hex");
  const { roundId, variantId } = await withDatabase(async (db) => {
    const round = await db.query<{ id: string }>(`INSERT INTO "Round" (id, number, name, status) VALUES ($1, ${NEXT_ROUND_NUMBER}, $2, 'ACTIVE') RETURNING id`, [`e2e-generate-round-${tag}`, `Generate round ${tag}`]);
    const variant = await db.query<{ id: string }>(`SELECT id FROM "PolicyVariant" WHERE backend = 'LLAMA_CPP' AND "retiredAt" IS NULL ORDER BY "createdAt" LIMIT 1`);
    return { roundId: round.rows[0]!.id, variantId: variant.rows[0]!.id };
  });
  await signInAs(page, "ADMIN");
  await page.goto("/admin/pair-generation");
  const form = page.getByRole("form", { name: "Generate pairs" });
  // The form starts from the newest round and the first active variant.
  await expect(form.getByLabel("Variant A").locator("option:checked")).not.toHaveText("—");
  await form.getByLabel("Round").selectOption(roundId);
  await form.getByLabel("Variant A").selectOption(variantId);
  const batchName = `Generated ${tag}`;
  await form.getByLabel("New batch name").fill(batchName);
  await form.locator('select[name="protocol"]').selectOption("HELPFULNESS");
  await form.getByLabel("How many").fill("2");
  await form.getByLabel("Max tokens").fill("24");

  // Both sides the same variant at the same temperature compare nothing.
  const temperatureA = await form.getByLabel("Temperature A").inputValue();
  await form.getByLabel("Variant B").selectOption(variantId);
  await form.getByLabel("Temperature B").fill(temperatureA);
  await form.getByRole("button", { name: "Start generating" }).click();
  await expect(form.getByText("side B must differ from side A in variant or temperature")).toBeVisible();

  await form.getByLabel("Temperature B").fill("1.2");
  await form.getByRole("button", { name: "Start generating" }).click();
  await expect(page.getByRole("status")).toContainText("Queued 2 prompts");
  await page.getByRole("link", { name: "Follow the job" }).click();
  await expect(page).toHaveURL(/\/admin\/jobs\/[^/]+$/);
  await expect(page.getByTestId("job-status")).toContainText("succeeded", { timeout: 120_000 });
  const pairs = await withDatabase(async (db) =>
    (
      await db.query(
        `SELECT b.status, p.strategy, ra.temperature AS ta, rb.temperature AS tb, ra."maxTokens", ra."jobId" = b."jobId" AS "sameJob"
         FROM "Batch" b JOIN "Pair" p ON p."batchId" = b.id
         JOIN "Response" ra ON ra.id = p."responseAId" JOIN "Response" rb ON rb.id = p."responseBId"
         WHERE b.name = $1`,
        [batchName],
      )
    ).rows,
  );
  expect(pairs).toHaveLength(2);
  for (const pair of pairs) {
    expect(pair).toMatchObject({ status: "OPEN", strategy: "temperatures", tb: 1.2, maxTokens: 24, sameJob: true });
    expect(pair.ta).toBe(Number(temperatureA));
  }
  // Not left open for other specs' annotators.
  await withDatabase((db) => db.query(`UPDATE "Batch" SET status = 'CLOSED', "closedAt" = now() WHERE name = $1`, [batchName]));
});
