import { expect, type Page } from "@playwright/test";
import { demoUsers } from "../prisma/seed";

export type DemoRole = (typeof demoUsers)[number]["role"];

export function demoUser(role: DemoRole) {
  return demoUsers.find((u) => u.role === role)!;
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function signInAs(page: Page, role: DemoRole) {
  const user = demoUser(role);
  await signIn(page, user.email, user.password);
  await expect(page.getByTestId("whoami")).toContainText(role.toLowerCase());
}

/** The page's own alerts (Next.js adds an empty route announcer with role=alert). */
export function alert(page: Page) {
  return page.locator('[role="alert"]:not(#__next-route-announcer__)');
}
