import { encode } from "next-auth/jwt";
import { afterEach, describe, expect, it } from "vitest";
import { sessionCookieName, sessionCookieValue, sessionUserId } from "./session-token";

const secret = "a-test-secret-that-is-long-enough-0123456789";
const original = process.env.NEXTAUTH_SECRET;
afterEach(() => {
  process.env.NEXTAUTH_SECRET = original;
});

describe("session cookie", () => {
  it("reads the user id from a token next-auth itself encoded", async () => {
    process.env.NEXTAUTH_SECRET = secret;
    const token = await encode({ token: { userId: "user-123", email: "a@b.c" }, secret });
    expect(await sessionUserId(`other=1; ${sessionCookieName()}=${token}; x=y`)).toBe("user-123");
    // Split the way next-auth splits large cookies.
    const half = Math.floor(token.length / 2);
    const chunked = `${sessionCookieName()}.0=${token.slice(0, half)}; ${sessionCookieName()}.1=${token.slice(half)}`;
    expect(await sessionUserId(chunked)).toBe("user-123");
  });

  it("rejects tokens from another secret, expired tokens, garbage and no cookie", async () => {
    process.env.NEXTAUTH_SECRET = secret;
    const foreign = await encode({ token: { userId: "u" }, secret: "another-secret-entirely-0123456789" });
    expect(await sessionUserId(`${sessionCookieName()}=${foreign}`)).toBeNull();
    const expired = await encode({ token: { userId: "u" }, secret, maxAge: -60 });
    expect(await sessionUserId(`${sessionCookieName()}=${expired}`)).toBeNull();
    expect(await sessionUserId(`${sessionCookieName()}=not.a.token`)).toBeNull();
    expect(await sessionUserId(null)).toBeNull();
  });

  it("uses the __Secure- name behind https", () => {
    expect(sessionCookieName("https://labels.example.org")).toBe("__Secure-next-auth.session-token");
    expect(sessionCookieValue("__Secure-next-auth.session-token=abc", sessionCookieName("https://x"))).toBe("abc");
  });
});
