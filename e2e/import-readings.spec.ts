// Issue 13 item 4 on the screen: the import preview says how TRL standard strings were read,
// plain strings as a single-turn dialogue, or the Llama 2 chat template as its dialogue.
import { expect, test } from "@playwright/test";
import { signInAs } from "./helpers";

const jsonl = (rows: unknown[]) => Buffer.from(rows.map((r) => JSON.stringify(r)).join("\n") + "\n");

test("the preview names the reading of TRL standard strings", async ({ page }) => {
  await signInAs(page, "ADMIN");
  await page.goto("/admin/import");
  const preview = page.getByRole("table", { name: "First rows" });

  await page.getByLabel("File to import").setInputFiles({ name: "plain.jsonl", mimeType: "application/jsonl", buffer: jsonl([{ prompt: "What color is the sky?", chosen: "Blue.", rejected: "Green." }]) });
  await page.getByRole("button", { name: "Upload and preview" }).click();
  await expect(page.getByTestId("detected-format")).toHaveText("trl (detected)");
  await expect(page.getByTestId("import-reading")).toHaveText("plain strings: the prompt as a single user turn");
  await expect(preview.getByRole("row").nth(1)).toContainText("user:");
  await expect(preview.getByRole("row").nth(1)).toContainText("What color is the sky?");
  await expect(preview.getByRole("row").nth(1)).toContainText("Blue.");
  await expect(page.getByRole("button", { name: "Import", exact: true })).toBeVisible();

  const template = "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST] Hello! </s><s>[INST] What color is the sky? [/INST]";
  await page.getByLabel("File to import").setInputFiles({ name: "template.jsonl", mimeType: "application/jsonl", buffer: jsonl([{ prompt: template, chosen: " Blue.", rejected: " Green." }]) });
  await page.getByRole("button", { name: "Upload and preview" }).click();
  await expect(page.getByTestId("import-reading")).toHaveText("strings in the Llama 2 chat template");
  await expect(preview).toContainText("system:");
  await expect(preview).toContainText("Be brief.");
  await expect(preview).toContainText("assistant:");
});
