import crypto from "node:crypto";
import { expect, test } from "@playwright/test";
import { withDatabase } from "./database";
import { alert, closeBatches, demoUser, makeUser, NEXT_ROUND_NUMBER, signIn, signInAs, signInAsUser } from "./helpers";

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

test("the annotator's home counts the pairs waiting for them: the demo batch's, and a batch that opens", async ({ page }) => {
  // An annotator of this spec's own: no pair has been given to them yet.
  const annotator = await makeUser("ANNOTATOR", "Auth spec annotator");
  await signInAsUser(page, annotator);
  // The screen leases the first pair while it counts: read the count once that lease is held.
  await expect(page.locator(".task[data-assignment]")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("queue-waiting")).toHaveText(/^\d+$/);
  const before = Number(await page.getByTestId("queue-waiting").textContent());
  const demoWaiting = await withDatabase(async (db) =>
    Number(
      (
        await db.query(
          `SELECT count(*)::int AS n FROM "Pair" p JOIN "Batch" b ON b.id = p."batchId"
           WHERE b.name = 'Batch 1' AND b.status = 'OPEN' AND p."annotationCount" < p."requiredAnnotations" AND NOT p."isGold"
             AND NOT EXISTS (SELECT 1 FROM "Assignment" a WHERE a."pairId" = p.id AND a."annotatorId" = $1)`,
          [annotator.id],
        )
      ).rows[0].n,
    ),
  );
  expect(demoWaiting).toBeGreaterThan(0);
  expect(before).toBeGreaterThanOrEqual(demoWaiting);

  // A batch of three opens, at the lowest priority (so no other spec is served it): three more.
  const tag = crypto.randomBytes(4).toString("hex");
  const batchId = `e2e-auth-batch-${tag}`;
  await withDatabase(async (db) => {
    const round = await db.query<{ id: string }>(`INSERT INTO "Round" (id, number, name, status) VALUES ($1, ${NEXT_ROUND_NUMBER}, $2, 'ACTIVE') RETURNING id`, [`e2e-auth-round-${tag}`, `Auth round ${tag}`]);
    await db.query(`INSERT INTO "Batch" (id, "roundId", name, status, priority, "annotationsPerPair", "openedAt") VALUES ($1, $2, 'Auth batch', 'OPEN', -1000, 1, now())`, [batchId, round.rows[0]!.id]);
    for (const i of [0, 1, 2]) {
      const prompt = `e2e-auth-${tag}-${i}`;
      await db.query(`INSERT INTO "Prompt" (id, protocol, source, "contentHash", turns) VALUES ($1, 'HELPFULNESS', 'e2e', $1, ARRAY[$2])`, [prompt, `Auth question ${i} (${tag})?`]);
      await db.query(`INSERT INTO "Response" (id, "promptId", text, source) VALUES ($1 || '-a', $1, 'A', 'e2e'), ($1 || '-b', $1, 'B', 'e2e')`, [prompt]);
      await db.query(`INSERT INTO "Pair" (id, "batchId", "promptId", "responseAId", "responseBId", strategy) VALUES ($1, $2, $1, $1 || '-a', $1 || '-b', 'e2e')`, [prompt, batchId]);
    }
  });
  try {
    await page.reload();
    await expect(page.getByTestId("queue-waiting")).toHaveText(String(before + 3));
  } finally {
    await closeBatches([batchId]);
  }
  await page.reload();
  await expect(page.getByTestId("queue-waiting")).toHaveText(String(before));
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
