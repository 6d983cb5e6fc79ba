import { expect, test } from "@playwright/test";
import { withDatabase } from "./database";
import { alert, signInAs } from "./helpers";

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
