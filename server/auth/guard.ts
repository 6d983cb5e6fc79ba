// Page guards for server components: the same rules as the tRPC procedure bases.
import "server-only";
import { redirect } from "next/navigation";
import { type CurrentUser, currentUser } from "./current-user";
import { prisma } from "../db/prisma";
import { demoAccountsWithPublishedPassword } from "./demo-accounts";
import { type Area, mayEnter } from "./roles";

export type AreaAccess = { user: CurrentUser; allowed: boolean };

/** Signed-out visitors go to the sign-in page; signed-in users learn whether they may enter. */
export async function requireArea(area: Area): Promise<AreaAccess> {
  const user = await currentUser();
  if (!user) redirect(`/signin?callbackUrl=/${area}`);
  return { user, allowed: mayEnter(user.role, area) };
}

/** Demo accounts that still have their published password, for the banner admins see (none for others). */
export async function demoAccountsToWarnAbout(user: CurrentUser) {
  return user.role === "ADMIN" ? demoAccountsWithPublishedPassword(prisma) : [];
}
