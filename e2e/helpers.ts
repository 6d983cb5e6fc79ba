import crypto from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { demoUsers } from "../prisma/seed";
import { hashPassword } from "../server/auth/password";
import { withDatabase } from "./database";

export type DemoRole = (typeof demoUsers)[number]["role"];

/** The demo user of that role (the nth, for the three annotators). */
export function demoUser(role: DemoRole, nth = 0) {
  return demoUsers.filter((u) => u.role === role)[nth]!;
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function signInAs(page: Page, role: DemoRole, nth = 0) {
  const user = demoUser(role, nth);
  await signIn(page, user.email, user.password);
  await expect(page.getByTestId("whoami")).toContainText(role.toLowerCase());
}

/** The page's own alerts (Next.js adds an empty route announcer with role=alert). */
export function alert(page: Page) {
  return page.locator('[role="alert"]:not(#__next-route-announcer__)');
}

/** The password of every user a spec makes for itself. */
export const SPEC_PASSWORD = "a password of the e2e specs' own users";
let specPasswordHash: Promise<string> | undefined;

export type SpecUser = { id: string; email: string; name: string };

/**
 * A user of the spec's own, so that no other spec's labels, leases or counts reach it (and its
 * work reaches no other spec): any spec then passes alone and in any order.
 */
export async function makeUser(role: DemoRole, name = `E2E ${role.toLowerCase()}`): Promise<SpecUser> {
  const tag = crypto.randomBytes(4).toString("hex");
  const user = { id: `e2e-user-${tag}`, email: `e2e-${role.toLowerCase()}-${tag}@e2e.local`, name };
  specPasswordHash ??= hashPassword(SPEC_PASSWORD);
  const hash = await specPasswordHash;
  await withDatabase((db) =>
    db.query(`INSERT INTO "User" (id, email, name, role, "passwordHash", "updatedAt") VALUES ($1, $2, $3, $4, $5, now())`, [user.id, user.email, user.name, role, hash]),
  );
  return user;
}

export async function signInAsUser(page: Page, user: SpecUser) {
  await signIn(page, user.email, SPEC_PASSWORD);
  await expect(page.getByTestId("whoami")).toBeVisible();
}

/** SQL for a round number no round has yet. */
export const NEXT_ROUND_NUMBER = `(SELECT coalesce(max(number), 0) + 1 FROM "Round")`;

/** Closes the spec's batches and drops its users' unfinished leases, so no later spec is served them. */
export async function closeBatches(batchIds: string[], userIds: string[] = []) {
  await withDatabase(async (db) => {
    await db.query(`UPDATE "Batch" SET status = 'CLOSED', "closedAt" = now() WHERE id = ANY($1) AND status = 'OPEN'`, [batchIds]);
    if (userIds.length) await db.query(`DELETE FROM "Assignment" WHERE "annotatorId" = ANY($1) AND "completedAt" IS NULL AND "skippedAt" IS NULL`, [userIds]);
  });
}
