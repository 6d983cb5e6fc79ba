// The signed-in user as the database knows them now. Everything that authorises a request
// goes through here, so a role change or deactivation applies to the very next request.
import "server-only";
import type { Role } from "@prisma/client";
import { pgPool } from "../db/prisma";
import { sessionUserId } from "./session-token";

export type CurrentUser = { id: string; email: string; name: string; role: Role };

/**
 * Runs on every request, so it is one plain indexed SQL lookup sent to the pool directly rather
 * than a Prisma call (Prisma's per-call cost showed in the annotation benchmark's profile), as a
 * named statement that each connection parses and plans once.
 */
export const USER_BY_ID = {
  name: "user_by_id",
  text: `SELECT id, email, name, role::text AS role FROM "User" WHERE id = $1 AND "deactivatedAt" IS NULL`,
};

export async function userById(id: string | undefined): Promise<CurrentUser | null> {
  if (!id) return null;
  const { rows } = await pgPool().query<CurrentUser>(USER_BY_ID, [id]);
  return rows[0] ?? null;
}

/** The user of a request, from its session cookie. */
export async function userFromRequestHeaders(requestHeaders: { get(name: string): string | null }): Promise<CurrentUser | null> {
  const id = await sessionUserId(requestHeaders.get("cookie"));
  return id ? userById(id) : null;
}

/**
 * The user of the request being rendered (server components). next/headers is loaded here, not
 * at the top: the web server's own routes import this module outside Next.js's request context.
 */
export async function currentUser(): Promise<CurrentUser | null> {
  const { headers } = await import("next/headers");
  return userFromRequestHeaders(await headers());
}
