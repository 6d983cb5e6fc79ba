import { expect, test } from "@playwright/test";
import { alert, demoUser, signIn, signInAs } from "./helpers";

test("each role signs in and lands on its home", async ({ page }) => {
  const homes = [
    { role: "ANNOTATOR", path: "/annotate", heading: "Your queue" },
    { role: "RESEARCHER", path: "/research", heading: "Data by round and batch" },
    { role: "ADMIN", path: "/admin", heading: "Administration" },
  ] as const;
  for (const home of homes) {
    await signInAs(page, home.role);
    await expect(page).toHaveURL(new RegExp(`${home.path}$`));
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(home.heading);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/signin/);
  }
});

test("the annotator's home shows the demo batch waiting", async ({ page }) => {
  await signInAs(page, "ANNOTATOR");
  await expect(page.getByTestId("queue-waiting")).toHaveText(/^(4\d|[5-9]\d)$/);
});

test("an annotator cannot open admin or researcher pages", async ({ page }) => {
  await signInAs(page, "ANNOTATOR");
  for (const path of ["/admin", "/admin/users", "/research"]) {
    await page.goto(path);
    await expect(alert(page)).toContainText("Your role cannot open");
    await expect(page.getByRole("table")).toHaveCount(0);
  }
  await expect(page.getByRole("navigation", { name: "Areas" }).getByRole("link")).toHaveText(["Annotate"]);
  // The API refuses too, whatever the page shows.
  const response = await page.request.get("/api/trpc/users.list");
  expect(response.status()).toBe(403);
});

test("a signed-out visitor is sent to sign in", async ({ page }) => {
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fadmin|\/signin\?callbackUrl=\/admin/);
  expect((await page.request.get("/api/trpc/me.get")).status()).toBe(401);
});

test("a wrong password gets a clear error and no session", async ({ page }) => {
  await signIn(page, demoUser("ADMIN").email, "not the password");
  await expect(alert(page)).toHaveText("Wrong email or password, or the account is deactivated.");
  await expect(page).toHaveURL(/\/signin/);
  expect((await page.request.get("/api/trpc/me.get")).status()).toBe(401);
});

test("the health endpoint says up to anyone and nothing more", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ status: "ok" });
});
