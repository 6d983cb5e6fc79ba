// Personal API tokens, for scripts that export data. A token is shown once; only its sha256 is
// stored, so a database leak does not leak tokens. The role is read from the user on every use.
import crypto from "node:crypto";
import { z } from "zod";
import { type CurrentUser, userFromRequestHeaders } from "../auth/current-user";
import type { DbOrTx } from "../db/types";
import { refuse } from "../errors/domain-error";

const PREFIX = "pp_";

export const createTokenInput = z.object({ name: z.string().trim().min(1, "Name the token").max(100) });
export const revokeTokenInput = z.object({ tokenId: z.string().min(1) });

const hash = (token: string) => crypto.createHash("sha256").update(token).digest("hex");

export async function createApiToken(db: DbOrTx, userId: string, input: z.infer<typeof createTokenInput>) {
  const token = `${PREFIX}${crypto.randomBytes(32).toString("base64url")}`;
  const row = await db.apiToken.create({
    data: { userId, name: input.name, tokenHash: hash(token), prefix: token.slice(0, PREFIX.length + 6) },
    select: { id: true, name: true, prefix: true, createdAt: true },
  });
  return { ...row, token };
}

export function listApiTokens(db: DbOrTx, userId: string) {
  return db.apiToken.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  });
}

export async function revokeApiToken(db: DbOrTx, userId: string, input: z.infer<typeof revokeTokenInput>) {
  const { count } = await db.apiToken.updateMany({
    where: { id: input.tokenId, userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  if (count === 0) throw refuse("not-found", "No active token of yours with that id.");
}

/** The active user a bearer token belongs to, or null. */
export async function userForApiToken(db: DbOrTx, token: string): Promise<CurrentUser | null> {
  if (!token.startsWith(PREFIX)) return null;
  const row = await db.apiToken.findUnique({ where: { tokenHash: hash(token) }, include: { user: true } });
  if (!row || row.revokedAt || row.user.deactivatedAt) return null;
  await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  return { id: row.user.id, email: row.user.email, name: row.user.name, role: row.user.role };
}

/** Who sends a request to a script-facing endpoint (export, import): a personal API token as
 *  `Authorization: Bearer pp_…`, else the browser's session. */
export async function userForRequest(db: DbOrTx, headers: Headers): Promise<CurrentUser | null> {
  const authorization = headers.get("authorization");
  if (authorization?.startsWith("Bearer ")) return userForApiToken(db, authorization.slice("Bearer ".length).trim());
  return userFromRequestHeaders(headers);
}
