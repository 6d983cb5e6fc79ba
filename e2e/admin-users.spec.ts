import { expect, test } from "@playwright/test";
import { withDatabase } from "./database";
import { alert, signIn, signInAs } from "./helpers";

test("an admin creates a user, changes the role, and the change applies at once", async ({ browser }) => {
  const adminPage = await (await browser.newContext()).newPage();
  await signInAs(adminPage, "ADMIN");
  await adminPage.goto("/admin/users");

  const form = adminPage.locator("form");
  await form.getByLabel("Name").fill("Dana Newcomer");
  await form.getByLabel("Email").fill("dana@example.org");
  await form.getByLabel("Password").fill("short");
  await form.getByRole("button", { name: "Add user" }).click();
  await expect(form.getByText("Use at least 10 characters")).toBeVisible();
  await form.getByLabel("Password").fill("dana-password-1");
  await form.getByRole("button", { name: "Add user" }).click();
  const row = adminPage.locator('tr[data-email="dana@example.org"]');
  await expect(row).toContainText("Dana Newcomer");
  await expect(row.getByRole("combobox")).toHaveValue("ANNOTATOR");

  // Dana signs in as an annotator in another browser context.
  const danaPage = await (await browser.newContext()).newPage();
  await signIn(danaPage, "dana@example.org", "dana-password-1");
  await expect(danaPage).toHaveURL(/\/annotate$/);
  await danaPage.goto("/research");
  await expect(alert(danaPage)).toContainText("Your role cannot open");

  // Promoted to researcher: Dana's next request sees it, without signing in again.
  await row.getByRole("combobox").selectOption("RESEARCHER");
  await expect(row.getByRole("combobox")).toHaveValue("RESEARCHER");
  await danaPage.reload();
  await expect(danaPage.getByRole("heading", { level: 1 })).toHaveText("Data by round and batch");

  // Deactivated: Dana's session stops working at once.
  await row.getByRole("button", { name: "Deactivate" }).click();
  await expect(row).toContainText("deactivated");
  expect((await danaPage.request.get("/api/trpc/me.get")).status()).toBe(401);

  // The last admin cannot be demoted. Admins other specs made are stood down for this check (the
  // specs run one at a time) and restored after it, so it holds in any order.
  const others = await withDatabase(async (db) =>
    (
      await db.query<{ id: string }>(
        `UPDATE "User" SET "deactivatedAt" = now() WHERE role = 'ADMIN' AND "deactivatedAt" IS NULL AND email <> 'admin@demo.local' RETURNING id`,
      )
    ).rows.map((r) => r.id),
  );
  try {
    const adminRow = adminPage.locator('tr[data-email="admin@demo.local"]');
    await adminRow.getByRole("combobox").selectOption("ANNOTATOR");
    await expect(alert(adminPage)).toHaveText("Cannot demote the last active admin.");
    expect(await withDatabase(async (db) => (await db.query(`SELECT role FROM "User" WHERE email = 'admin@demo.local'`)).rows[0].role)).toBe("ADMIN");
  } finally {
    await withDatabase((db) => db.query(`UPDATE "User" SET "deactivatedAt" = NULL WHERE id = ANY($1)`, [others]));
  }
});
