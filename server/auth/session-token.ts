// Reads the signed-in user's id from the next-auth session cookie. next-auth v4 sessions are
// JWE tokens (dir + A256GCM) keyed by HKDF of NEXTAUTH_SECRET; next-auth's own getServerSession
// re-derives that key and builds a whole session object on every call, which is most of the
// cost of an annotation request. Here the key is derived once per secret.
import "server-only";
import hkdf from "@panva/hkdf";
import { jwtDecrypt } from "jose";
import { config } from "../config/config";

let cachedKey: { secret: string; key: Uint8Array } | null = null;

async function encryptionKey(secret: string) {
  if (cachedKey?.secret !== secret) {
    // The same derivation as next-auth/jwt (empty salt).
    const key = await hkdf("sha256", secret, "", "NextAuth.js Generated Encryption Key", 32);
    cachedKey = { secret, key };
  }
  return cachedKey.key;
}

export function sessionCookieName(nextAuthUrl = config().NEXTAUTH_URL) {
  return nextAuthUrl?.startsWith("https://") ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}

/** The cookie's value; next-auth splits values over 4 KB into name.0, name.1, … */
export function sessionCookieValue(cookieHeader: string | null, name = sessionCookieName()): string | null {
  if (!cookieHeader) return null;
  const cookies = new Map<string, string>();
  for (const part of cookieHeader.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0) cookies.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const whole = cookies.get(name);
  if (whole) return decodeURIComponent(whole);
  const chunks: string[] = [];
  for (let i = 0; cookies.has(`${name}.${i}`); i++) chunks.push(cookies.get(`${name}.${i}`)!);
  return chunks.length ? decodeURIComponent(chunks.join("")) : null;
}

export async function sessionUserId(cookieHeader: string | null): Promise<string | null> {
  const token = sessionCookieValue(cookieHeader);
  const secret = config().NEXTAUTH_SECRET;
  if (!token || !secret) return null;
  try {
    const { payload } = await jwtDecrypt(token, await encryptionKey(secret), { clockTolerance: 15 });
    return typeof payload.userId === "string" ? payload.userId : null;
  } catch {
    return null; // expired, tampered with, or signed with another secret
  }
}
