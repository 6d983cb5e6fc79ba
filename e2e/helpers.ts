import { expect, type Page } from "@playwright/test";
import { demoUsers } from "../prisma/seed";

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
