// Issue 16 on the screen: the sign-in page never leaves the site, a flooded account is refused
// with a clear wait (429 and Retry-After on the API), admins are warned while demo accounts keep
// their published passwords, and another site cannot post with the admin's cookie. Each test
// makes its own users.
import crypto from "node:crypto";
import { expect, type APIRequestContext, test } from "@playwright/test";
import { hashPassword } from "../server/auth/password";
import { withDatabase } from "./database";
import { alert, signIn, signInAs } from "./helpers";

const PASSWORD = "a password of this spec's own";

async function makeUser(role: "ANNOTATOR" | "ADMIN") {
  const email = `security-${crypto.randomBytes(4).toString("hex")}@e2e.local`;
  const hash = await hashPassword(PASSWORD);
  await withDatabase((db) =>
    db.query(`INSERT INTO "User" (id, email, name, role, "passwordHash", "updatedAt") VALUES ($1, $2, $3, $4, $5, now())`, [
      `e2e-${crypto.randomUUID()}`,
      email,
      `Security ${role}`,
      role,
      hash,
    ]),
  );
  return email;
}

/** A sign-in as the next-auth client sends it. */
async function postSignIn(request: APIRequestContext, email: string, password: string) {
  const { csrfToken } = (await (await request.get("/api/auth/csrf")).json()) as { csrfToken: string };
  return request.post("/api/auth/callback/credentials", { form: { email, password, csrfToken, json: "true", callbackUrl: "/" } });
}

test("after sign-in the page follows only paths of this site", async ({ page, baseURL }) => {
  const email = await makeUser("ANNOTATOR");
  for (const callbackUrl of ["//evil.example/steal", "/\\evil.example", "https://evil.example/"]) {
    await page.goto(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("whoami")).toContainText("annotator");
    expect(new URL(page.url()).origin, callbackUrl).toBe(new URL(baseURL!).origin);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/signin/);
  }
  // A path of this site is still followed.
  await page.goto(`/signin?callbackUrl=${encodeURIComponent("/annotate/write")}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/annotate\/write$/);
});

test("a flooded account is refused with how long to wait, 429 and Retry-After, even with the right password", async ({ page, request }) => {
  const email = await makeUser("ANNOTATOR");
  // SIGNIN_MAX_ATTEMPTS_PER_ACCOUNT is 10 by default.
  for (let i = 0; i < 10; i++) expect((await postSignIn(request, email, `guess ${i}`)).status()).toBe(401);
  const refused = await postSignIn(request, email, "guess 10");
  expect(refused.status()).toBe(429);
  expect(Number(refused.headers()["retry-after"])).toBeGreaterThan(0);
  expect(decodeURIComponent(((await refused.json()) as { url: string }).url)).toMatch(/Too many sign-in attempts\. Try again in \d+ minutes?\./);

  await signIn(page, email, PASSWORD);
  await expect(alert(page)).toHaveText(/^Too many sign-in attempts\. Try again in \d+ minutes?\.$/);
  expect((await page.request.get("/api/trpc/me.get")).status()).toBe(401);
});

test("admins see a banner while demo accounts keep their published passwords; others do not", async ({ page }) => {
  await signInAs(page, "ADMIN");
  const banner = page.getByRole("region", { name: "Security warning" });
  await expect(banner).toContainText("Demo accounts are open.");
  await expect(banner).toContainText("admin@demo.local");
  await expect(banner.getByRole("link", { name: "Admin → Users" })).toHaveAttribute("href", "/admin/users");
  await page.getByRole("button", { name: "Sign out" }).click();
  // Signing out navigates to the sign-in page itself; the next sign-in waits for that.
  await expect(page).toHaveURL(/\/signin/);

  await signIn(page, await makeUser("ANNOTATOR"), PASSWORD);
  await expect(page.getByTestId("whoami")).toContainText("annotator");
  await expect(page.getByRole("region", { name: "Security warning" })).toHaveCount(0);
});

test("another site cannot post an upload with the admin's cookie; the app's own page can", async ({ page }) => {
  await signIn(page, await makeUser("ADMIN"), PASSWORD);
  await expect(page.getByTestId("whoami")).toContainText("admin");
  const body = '{"prompt": "Planted?"}\n';
  const crossSite = await page.request.post("/api/import/upload?fileName=planted.jsonl", {
    headers: { origin: "https://evil.example", "content-type": "text/plain" },
    data: body,
  });
  expect(crossSite.status()).toBe(403);
  expect(((await crossSite.json()) as { error: string }).error).toMatch(/^Cross-site request refused/);
  const sameSite = await page.request.post("/api/import/upload?fileName=mine.jsonl", { headers: { origin: new URL(page.url()).origin }, data: body });
  expect(sameSite.status()).toBe(200);
});
