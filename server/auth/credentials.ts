// Checks an email and password against the database. Kept apart from next-auth so it can be
// tested directly.
import "server-only";
import { prisma } from "../db/prisma";
import { credentialsSchema } from "./credentials.schema";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "./password";
import { type SignInLimitSettings, signInLimitSettings, takeSignInAttempt } from "./sign-in-limits";

export type AuthenticatedUser = { id: string; email: string; name: string; role: string };

/** The password check, injectable so tests can count how often bcrypt runs. */
export type PasswordCheck = (password: string, hash: string) => Promise<boolean>;

/**
 * The user, or null for any failure: a wrong email and a wrong password look the same, and
 * take the same work. An email with no usable password (unknown, deactivated, OAuth-only) is
 * checked against a dummy hash of the same cost, so the answer's timing tells nothing either.
 */
export async function authenticate(input: unknown, check: PasswordCheck = verifyPassword): Promise<AuthenticatedUser | null> {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) return null;
  const user = await prisma.user.findUnique({ where: { email: parsed.data.email } });
  const usable = user && user.passwordHash && !user.deactivatedAt ? user : null;
  const matches = await check(parsed.data.password, usable?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!usable || !matches) return null;
  return { id: usable.id, email: usable.email, name: usable.name, role: usable.role };
}

export type SignInResult =
  | { ok: true; user: AuthenticatedUser }
  | { ok: false; reason: "invalid" }
  | { ok: false; reason: "too-many-attempts"; retryAfterSeconds: number; message: string };

/**
 * A sign-in with email and password: the attempt is counted against the account and the client
 * address first (server/auth/sign-in-limits.ts), and refused without any hash work once either
 * is over its limit.
 */
export async function signInWithPassword(
  input: unknown,
  context: { clientAddress: string | null },
  options: { check?: PasswordCheck; limits?: SignInLimitSettings } = {},
): Promise<SignInResult> {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, reason: "invalid" };
  const attempt = await takeSignInAttempt(parsed.data.email, context.clientAddress, options.limits ?? signInLimitSettings());
  if (!attempt.allowed) return { ok: false, reason: "too-many-attempts", retryAfterSeconds: attempt.retryAfterSeconds, message: attempt.message };
  const user = await authenticate(parsed.data, options.check);
  if (!user) return { ok: false, reason: "invalid" };
  await attempt.succeeded();
  return { ok: true, user };
}
