// The signed-in user as the database knows them now. Everything that authorises a request
// goes through here, so a role change or deactivation applies to the very next request.
import type { Role } from "@prisma/client";
import { headers } from "next/headers";
import { prisma } from "../db/prisma";
import { sessionUserId } from "./session-token";

export type CurrentUser = { id: string; email: string; name: string; role: Role };

export async function userById(id: string | undefined): Promise<CurrentUser | null> {
  if (!id) return null;
  const user = await prisma.user.findUnique({
    where: { id },
    select: { id: true, email: true, name: true, role: true, deactivatedAt: true },
  });
  if (!user || user.deactivatedAt) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/** The user of a request, from its session cookie. */
export async function userFromRequestHeaders(requestHeaders: Headers): Promise<CurrentUser | null> {
  const id = await sessionUserId(requestHeaders.get("cookie"));
  return id ? userById(id) : null;
}

/** The user of the request being rendered (server components). */
export async function currentUser(): Promise<CurrentUser | null> {
  return userFromRequestHeaders(await headers());
}
