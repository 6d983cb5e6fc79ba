// Issue 13 items 7 and 12 on the screen: an admin who opens Annotate holds no pair until asking
// for one and gives it back on leaving; /research/tokens hydrates without an error; /favicon.ico
// exists; the policy variants table fits a 1,366 px screen; the undo toast leaves the header
// free; an empty table says so. The spec makes its own users and batch.
import crypto from "node:crypto";
import { expect, type Page, test } from "@playwright/test";
import { hashPassword } from "../server/auth/password";
import { withDatabase } from "./database";
import { signIn, signInAs } from "./helpers";

const tag = crypto.randomBytes(4).toString("hex");
const PASSWORD = "a password of the screen-details spec";
const users = { annotator: `screen-annotator-${tag}@e2e.local`, researcher: `screen-researcher-${tag}@e2e.local` };
const batchId = `e2e-screen-batch-${tag}`;

test.beforeAll(async () => {
  const hash = await hashPassword(PASSWORD);
  await withDatabase(async (db) => {
    for (const [role, email] of [["ANNOTATOR", users.annotator], ["RESEARCHER", users.researcher]] as const) {
      await db.query(`INSERT INTO "User" (id, email, name, role, "passwordHash", "updatedAt") VALUES ($1, $2, $3, $4, $5, now())`, [`e2e-${email}`, email, `Screen ${role}`, role, hash]);
    }
    const round = await db.query<{ id: string }>(
      `INSERT INTO "Round" (id, number, name, status) VALUES ($1, (SELECT coalesce(max(number), 0) + 1 FROM "Round"), $2, 'ACTIVE') RETURNING id`,
      [`e2e-screen-round-${tag}`, `Screen round ${tag}`],
    );
    await db.query(`INSERT INTO "Batch" (id, "roundId", name, status, priority, "annotationsPerPair", "openedAt") VALUES ($1, $2, $3, 'OPEN', 1002, 1, now())`, [batchId, round.rows[0]!.id, `Screen ${tag}`]);
    for (const i of [0, 1]) {
      const prompt = `e2e-screen-${tag}-${i}`;
      await db.query(`INSERT INTO "Prompt" (id, protocol, source, "contentHash", turns) VALUES ($1, 'HELPFULNESS', 'e2e', $1, $2)`, [prompt, [`Screen question ${i} (${tag})?`]]);
      await db.query(`INSERT INTO "Response" (id, "promptId", text, source) VALUES ($1, $3, 'One answer.', 'e2e'), ($2, $3, 'Another answer.', 'e2e')`, [`${prompt}-a`, `${prompt}-b`, prompt]);
      await db.query(`INSERT INTO "Pair" (id, "batchId", "promptId", "responseAId", "responseBId", "requiredAnnotations", strategy) VALUES ($1, $2, $3, $4, $5, 1, 'e2e')`, [`${prompt}-pair`, batchId, prompt, `${prompt}-a`, `${prompt}-b`]);
    }
    // A retired variant with a long server address and model name (retired: it serves nobody).
    await db.query(
      `INSERT INTO "PolicyVariant" (id, name, backend, "baseUrl", "modelName", defaults, "retiredAt")
       VALUES ($1, $2, 'OPENAI_COMPATIBLE', 'http://gpu-inference-cluster-0001.research-lab.internal.example.org:8000/v1', 'meta-llama/Llama-2-70b-chat-hf-rejection-sampling-round-3-checkpoint', '{"temperature":0.7,"topP":0.9,"maxTokens":256}', now())`,
      [`e2e-screen-${tag}`, `long-address-${tag}`],
    );
  });
});

test.afterAll(async () => {
  await withDatabase(async (db) => {
    await db.query(`UPDATE "Batch" SET status = 'CLOSED', "closedAt" = now() WHERE id = $1`, [batchId]);
    await db.query(`DELETE FROM "Assignment" WHERE "annotatorId" = $1 AND "completedAt" IS NULL AND "skippedAt" IS NULL`, [`e2e-${users.annotator}`]);
  });
});

async function adminAssignments() {
  return withDatabase(async (db) => {
    const { rows } = await db.query(
      `SELECT a.id, a."expiresAt" > now() AS open FROM "Assignment" a JOIN "User" u ON u.id = a."annotatorId" WHERE u.email = 'admin@demo.local' AND a."completedAt" IS NULL AND a."skippedAt" IS NULL`,
    );
    return rows as { id: string; open: boolean }[];
  });
}

test("an admin on Annotate holds no pair until asking for one, and gives it back on leaving", async ({ page }) => {
  await signInAs(page, "ADMIN");
  const before = (await adminAssignments()).filter((a) => a.open);
  await page.goto("/annotate");
  await expect(page.getByRole("button", { name: "Take a pair to annotate" })).toBeVisible();
  await expect(page.locator(".task[data-assignment]")).toHaveCount(0);
  expect((await adminAssignments()).filter((a) => a.open)).toEqual(before);

  await page.getByRole("button", { name: "Take a pair to annotate" }).click();
  const task = page.locator(".task[data-assignment]");
  await expect(task).toBeVisible();
  const assignmentId = (await task.getAttribute("data-assignment"))!;
  expect((await adminAssignments()).find((a) => a.id === assignmentId)?.open).toBe(true);

  // Leaving the page gives the pair back.
  await page.getByRole("link", { name: "Admin", exact: true }).first().click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect.poll(async () => (await adminAssignments()).find((a) => a.id === assignmentId)?.open).toBe(false);
});

test("/research/tokens hydrates without an error, and an empty table says so", async ({ page }) => {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  await signIn(page, users.researcher, PASSWORD);
  await expect(page.getByTestId("whoami")).toContainText("researcher");
  await page.goto("/research/tokens");
  const example = page.locator("code").filter({ hasText: "/api/export?format=trl" });
  await expect(example).toContainText(new URL(page.url()).origin);
  await expect(page.getByRole("table", { name: "API tokens" }).getByTestId("empty-row")).toHaveText("No tokens yet.");
  // A hydration mismatch is a console error in production builds (React's minified error #418).
  expect(problems).toEqual([]);
});

test("/favicon.ico is served", async ({ request }) => {
  const icon = await request.get("/favicon.ico");
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toMatch(/icon/);
  expect((await icon.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
});

test("the policy variants table fits a 1,366 px screen", async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await signInAs(page, "ADMIN");
  await page.goto("/admin/variants");
  await expect(page.getByRole("row").filter({ hasText: `long-address-${tag}` })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

async function box(page: Page, selector: string) {
  return (await page.locator(selector).boundingBox())!;
}

test("the undo toast leaves the header free", async ({ page }) => {
  await signIn(page, users.annotator, PASSWORD);
  const task = page.locator(".task[data-assignment]");
  await expect(task).toContainText(`(${tag})`);
  for (const key of ["a", "2", "Enter"]) await page.keyboard.press(key);
  await expect(page.getByTestId("undo-toast")).toBeVisible();
  const [toast, header] = [await box(page, '[data-testid="undo-toast"]'), await box(page, "header.topbar")];
  const overlaps = toast.x < header.x + header.width && header.x < toast.x + toast.width && toast.y < header.y + header.height && header.y < toast.y + toast.height;
  expect(overlaps).toBe(false);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
});

test("pair generation keeps the admin's temperature B when its options are read again", async ({ page }) => {
  await signInAs(page, "ADMIN");
  await page.goto("/admin/pair-generation");
  const variantB = page.getByLabel("Variant B");
  await expect(variantB.locator("option").nth(1)).toBeAttached();
  const temperatureB = page.getByLabel("Temperature B");
  await temperatureB.fill("0.35");
  await variantB.selectOption({ index: (await variantB.locator("option").count()) - 1 });
  await expect(temperatureB).toHaveValue("0.35");

  // Another prompt arrives meanwhile, and the page reads its options again (as when the window regains focus).
  await withDatabase((db) => db.query(`INSERT INTO "Prompt" (id, protocol, source, "contentHash", turns) VALUES ($1, 'HELPFULNESS', $1, $1, ARRAY['Meanwhile?'])`, [`e2e-screen-meanwhile-${tag}`]));
  await page.waitForTimeout(5_500); // past the options' 5 s staleness, so a focus reads them again
  const reread = page.waitForResponse((r) => r.url().includes("pairGeneration.options"));
  await page.evaluate(() => window.dispatchEvent(new Event("visibilitychange")));
  await reread;
  await expect(page.locator("option", { hasText: `e2e-screen-meanwhile-${tag}` })).toBeAttached();
  await expect(temperatureB).toHaveValue("0.35");
});
