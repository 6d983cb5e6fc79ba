// A browser's session cookie for a user, as next-auth itself encodes it, for tests that drive
// route handlers the way the signed-in pages do.
import { encode } from "next-auth/jwt";
import { sessionCookieName } from "../auth/session-token";

export async function sessionCookieFor(userId: string): Promise<string> {
  process.env.NEXTAUTH_SECRET ??= "a-test-secret-that-is-long-enough-0123456789";
  const token = await encode({ token: { userId }, secret: process.env.NEXTAUTH_SECRET });
  return `${sessionCookieName()}=${token}`;
}
