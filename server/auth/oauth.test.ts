// OAuth sign-in links to an existing user only through an email the provider verified.
import { describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { makeUser } from "../testing/fixtures";
import { oauthSignIn, verifiedEmail } from "./oauth";

/** GitHub's /user/emails for an account, as its API answers. */
function githubEmails(emails: { email: string; verified: boolean; primary?: boolean }[]) {
  const seen: { url: string; authorization: string | null }[] = [];
  const fake = (async (url: string | URL | Request, init?: RequestInit) => {
    seen.push({ url: String(url), authorization: new Headers(init?.headers).get("authorization") });
    return Response.json(emails.map((e) => ({ primary: false, visibility: null, ...e })));
  }) as typeof fetch;
  return { fetch: fake, seen };
}

describe("OAuth sign-in", () => {
  it("refuses an unverified email that matches an existing user, for every provider", async () => {
    const admin = await makeUser("ADMIN");
    const env = {};
    expect(await oauthSignIn(prisma, { provider: "google", email: admin.email, profile: { email_verified: false }, accessToken: "t" }, { env })).toBe("EmailNotVerified");
    expect(await oauthSignIn(prisma, { provider: "oidc", email: admin.email, profile: {}, accessToken: "t" }, { env })).toBe("EmailNotVerified");
    expect(await oauthSignIn(prisma, { provider: "oidc", email: admin.email, profile: { email_verified: "false" }, accessToken: "t" }, { env })).toBe("EmailNotVerified");
    // next-auth's GitHub provider falls back to the account's first address, verified or not.
    const github = githubEmails([
      { email: "me@elsewhere.example", verified: true, primary: true },
      { email: admin.email.toUpperCase(), verified: false },
    ]);
    expect(await oauthSignIn(prisma, { provider: "github", email: admin.email, profile: {}, accessToken: "gho_abc" }, { env, fetch: github.fetch })).toBe("EmailNotVerified");
    expect(github.seen).toEqual([{ url: "https://api.github.com/user/emails", authorization: "Bearer gho_abc" }]);
  });

  it("links a verified email to its user", async () => {
    const researcher = await makeUser("RESEARCHER");
    const env = {};
    expect(await oauthSignIn(prisma, { provider: "google", email: researcher.email, profile: { email_verified: true }, accessToken: "t" }, { env })).toBe(true);
    expect(await oauthSignIn(prisma, { provider: "oidc", email: researcher.email, profile: { email_verified: "true" }, accessToken: "t" }, { env })).toBe(true);
    const github = githubEmails([{ email: researcher.email, verified: true, primary: true }]);
    expect(await oauthSignIn(prisma, { provider: "github", email: researcher.email, profile: {}, accessToken: "gho_x" }, { env, fetch: github.fetch })).toBe(true);
  });

  it("trusts an identity provider without email_verified only when told to", async () => {
    const user = await makeUser("ANNOTATOR");
    const identity = { provider: "oidc", email: user.email, profile: { sub: "1" }, accessToken: "t" };
    expect(await verifiedEmail(identity, { env: {} })).toBeNull();
    expect(await verifiedEmail(identity, { env: { OIDC_TRUST_EMAILS: "true" } })).toBe(user.email);
    // A provider that says "not verified" is believed even then.
    expect(await verifiedEmail({ ...identity, profile: { email_verified: false } }, { env: { OIDC_TRUST_EMAILS: "true" } })).toBeNull();
  });

  it("signs up only verified emails, and only when OAUTH_SIGNUP_ROLE allows it", async () => {
    const env = { OAUTH_SIGNUP_ROLE: "ANNOTATOR" };
    expect(await oauthSignIn(prisma, { provider: "google", email: "new-unverified@test.local", profile: { email_verified: false }, accessToken: "t" }, { env })).toBe("EmailNotVerified");
    expect(await prisma.user.count({ where: { email: "new-unverified@test.local" } })).toBe(0);
    expect(await oauthSignIn(prisma, { provider: "google", email: "New-Verified@test.local", name: "New", profile: { email_verified: true }, accessToken: "t" }, { env })).toBe(true);
    expect(await prisma.user.findUnique({ where: { email: "new-verified@test.local" } })).toMatchObject({ role: "ANNOTATOR" });
    expect(await oauthSignIn(prisma, { provider: "google", email: "other@test.local", profile: { email_verified: true }, accessToken: "t" }, { env: {} })).toBe("AccessDenied");
  });
});
