// Sign-in with email and password: attempts are limited per account and per address in
// PostgreSQL before any bcrypt work, the answer is 429 with Retry-After, and known and unknown
// emails cost the same hash work.
import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { makeUser, TEST_PASSWORD } from "../testing/fixtures";
import { waitFor } from "../testing/wait-for";
import { setActive } from "../users/users";
import { authenticate, type PasswordCheck, signInWithPassword } from "./credentials";
import { DUMMY_PASSWORD_HASH, ROUNDS, verifyPassword } from "./password";
import { answerSignIn, noteSignInRefused } from "./sign-in-answer";
import { clientAddress, signInLimitSettings, takeSignInAttempt } from "./sign-in-limits";

/** The real bcrypt check, counted. */
function countedCheck() {
  const calls: string[] = [];
  const check: PasswordCheck = (password, hash) => {
    calls.push(hash);
    return verifyPassword(password, hash);
  };
  return { check, calls };
}

describe("sign-in attempt limits", () => {
  it("refuses a flooded account without hashing, across addresses, and lets the right password in after the window", async () => {
    const user = await makeUser("ANNOTATOR");
    const limits = { perAccount: 3, perAddress: 1000, windowSeconds: 2 };
    const { check, calls } = countedCheck();

    for (let i = 0; i < 3; i++) {
      expect(await signInWithPassword({ email: user.email, password: `guess ${i}` }, { clientAddress: `10.0.0.${i}` }, { check, limits })).toEqual({ ok: false, reason: "invalid" });
    }
    expect(calls).toHaveLength(3);

    // A flood, partly concurrent, from many addresses: every attempt is refused and none is hashed.
    const flood = await Promise.all(
      Array.from({ length: 20 }, (_, i) => signInWithPassword({ email: user.email, password: `guess ${i}` }, { clientAddress: `10.0.1.${i}` }, { check, limits })),
    );
    for (const result of flood) {
      expect(result).toMatchObject({ ok: false, reason: "too-many-attempts" });
      if (result.ok || result.reason !== "too-many-attempts") throw new Error("unreachable");
      expect(result.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(result.retryAfterSeconds).toBeLessThanOrEqual(limits.windowSeconds);
      expect(result.message).toMatch(/^Too many sign-in attempts\. Try again in \d+ seconds?\.$/);
    }
    // The right password inside the window is refused too, and not hashed either.
    expect(await signInWithPassword({ email: user.email, password: TEST_PASSWORD }, { clientAddress: "10.0.2.1" }, { check, limits })).toMatchObject({ reason: "too-many-attempts" });
    expect(calls).toHaveLength(3);

    // Another account is not affected.
    const other = await makeUser("ANNOTATOR");
    expect(await signInWithPassword({ email: other.email, password: TEST_PASSWORD }, { clientAddress: "10.0.0.1" }, { check, limits })).toMatchObject({ ok: true });

    // After the window the right password works again.
    const result = await waitFor(
      () => signInWithPassword({ email: user.email, password: TEST_PASSWORD }, { clientAddress: "10.0.3.1" }, { check, limits }),
      (r) => r.ok || r.reason !== "too-many-attempts",
    );
    expect(result).toMatchObject({ ok: true, user: { id: user.id } });
  });

  it("holds across processes: the count is in PostgreSQL", async () => {
    const user = await makeUser("ANNOTATOR");
    const limits = { perAccount: 2, perAddress: 1000, windowSeconds: 60 };
    await takeSignInAttempt(user.email, null, limits);
    await takeSignInAttempt(user.email, null, limits);
    const rows = await prisma.signInLimit.findMany({ where: { key: { startsWith: "account:" } } });
    expect(rows.some((r) => r.points === 2 && Number(r.expire) > Date.now())).toBe(true);
    // The email is not stored.
    expect(rows.some((r) => r.key.includes(user.email))).toBe(false);
  });

  it("limits one address spraying many accounts", async () => {
    const limits = { perAccount: 100, perAddress: 4, windowSeconds: 60 };
    const { check, calls } = countedCheck();
    const results = [];
    for (let i = 0; i < 8; i++) {
      results.push(await signInWithPassword({ email: `nobody-${i}@test.local`, password: "guess" }, { clientAddress: "203.0.113.7" }, { check, limits }));
    }
    expect(results.slice(0, 4).map((r) => (r.ok ? "ok" : r.reason))).toEqual(["invalid", "invalid", "invalid", "invalid"]);
    expect(results.slice(4).map((r) => (r.ok ? "ok" : r.reason))).toEqual(Array(4).fill("too-many-attempts"));
    expect(calls).toHaveLength(4);
    // Another address still gets in.
    const user = await makeUser("ANNOTATOR");
    expect(await signInWithPassword({ email: user.email, password: TEST_PASSWORD }, { clientAddress: "203.0.113.8" }, { check, limits })).toMatchObject({ ok: true });
  });

  it("does not count successful sign-ins against the account or the address", async () => {
    const user = await makeUser("ANNOTATOR");
    const limits = { perAccount: 2, perAddress: 2, windowSeconds: 60 };
    for (let i = 0; i < 6; i++) {
      expect(await signInWithPassword({ email: user.email, password: TEST_PASSWORD }, { clientAddress: "198.51.100.1" }, { limits })).toMatchObject({ ok: true });
    }
  });

  it("reads its settings from the environment", () => {
    expect(signInLimitSettings({})).toEqual({ perAccount: 10, perAddress: 50, windowSeconds: 900 });
    expect(signInLimitSettings({ SIGNIN_MAX_ATTEMPTS_PER_ACCOUNT: "5", SIGNIN_MAX_ATTEMPTS_PER_ADDRESS: "7", SIGNIN_WINDOW_SECONDS: "30" })).toEqual({
      perAccount: 5,
      perAddress: 7,
      windowSeconds: 30,
    });
  });

  it("takes the address the nearest proxy saw", () => {
    expect(clientAddress(new Headers({ "x-forwarded-for": "1.2.3.4, 10.0.0.9" }))).toBe("10.0.0.9");
    expect(clientAddress({ "x-forwarded-for": "192.0.2.1" })).toBe("192.0.2.1");
    expect(clientAddress({})).toBeNull();
  });

  it("answers a refused sign-in 429 with Retry-After, and leaves other answers alone", async () => {
    const refused = await answerSignIn(async () => {
      noteSignInRefused(120);
      return Response.json({ url: "http://localhost/signin?error=Too%20many" }, { status: 401 });
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("120");
    expect(await refused.json()).toEqual({ url: "http://localhost/signin?error=Too%20many" });

    const wrong = await answerSignIn(async () => Response.json({ url: "x" }, { status: 401 }));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("retry-after")).toBeNull();
  });
});

describe("equal work for known and unknown emails", () => {
  it("runs exactly one bcrypt check of the same cost whether or not the email has a usable password", async () => {
    expect(bcrypt.getRounds(DUMMY_PASSWORD_HASH)).toBe(ROUNDS);
    const known = await makeUser("ANNOTATOR");
    const deactivated = await makeUser("ANNOTATOR");
    await setActive(prisma, { userId: deactivated.id, active: false });
    const oauthOnly = await prisma.user.create({ data: { email: "oauth-only@test.local", name: "OAuth only", role: "ANNOTATOR" } });
    const stored = await prisma.user.findUniqueOrThrow({ where: { id: known.id } });

    for (const email of [known.email, "nobody-at-all@test.local", deactivated.email, oauthOnly.email]) {
      const { check, calls } = countedCheck();
      expect(await authenticate({ email, password: "a wrong password" }, check)).toBeNull();
      expect(calls, email).toHaveLength(1);
      expect(bcrypt.getRounds(calls[0]!), email).toBe(bcrypt.getRounds(stored.passwordHash!));
    }
    // The right password of a deactivated user is checked the same way and still refused.
    const { check, calls } = countedCheck();
    expect(await authenticate({ email: deactivated.email, password: TEST_PASSWORD }, check)).toBeNull();
    expect(calls).toHaveLength(1);
    expect(await authenticate({ email: known.email, password: TEST_PASSWORD })).toMatchObject({ id: known.id });
  });
});
