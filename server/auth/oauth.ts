// OAuth sign-in: which user an OAuth identity is, by email. An email is only trusted when the
// provider says it verified it; otherwise anyone who can add an address to their GitHub account
// or to a lax identity provider could sign in as the user who owns that address here.
import type { DbOrTx } from "../db/types";
import type { OAuthRefusal } from "./oauth-refusals";
import { config } from "../config/config";

export type OAuthIdentity = {
  /** next-auth's provider id: "github", "google", "oidc". */
  provider: string;
  /** The email next-auth took from the profile (GitHub: the public one, else the primary, else the first). */
  email: string | null | undefined;
  /** The provider's raw profile (id-token claims or userinfo). */
  profile: Record<string, unknown> | undefined;
  accessToken: string | undefined;
};

type Fetch = typeof fetch;

const truthy = (value: unknown) => value === true || value === "true";

/**
 * The identity's email when the provider vouches for it, else null. Google and OpenID Connect
 * say so in the `email_verified` claim (OIDC_TRUST_EMAILS=true trusts an identity provider that
 * omits it, e.g. one that only issues its own organisation's addresses); GitHub lists each of
 * the account's addresses with `verified` at /user/emails.
 */
export async function verifiedEmail(identity: OAuthIdentity, options: { fetch?: Fetch; env?: Record<string, string | undefined> } = {}): Promise<string | null> {
  const email = identity.email?.trim().toLowerCase();
  if (!email) return null;
  const env = options.env ?? process.env;
  switch (identity.provider) {
    case "google":
      return truthy(identity.profile?.email_verified) ? email : null;
    case "oidc":
      if (truthy(identity.profile?.email_verified)) return email;
      return config(env).OIDC_TRUST_EMAILS && identity.profile?.email_verified === undefined ? email : null;
    case "github": {
      if (!identity.accessToken) return null;
      const response = await (options.fetch ?? fetch)("https://api.github.com/user/emails", {
        headers: { authorization: `Bearer ${identity.accessToken}`, accept: "application/vnd.github+json" },
        redirect: "error",
      });
      if (!response.ok) return null;
      const emails = (await response.json()) as { email?: string; verified?: boolean }[];
      const listed = Array.isArray(emails) ? emails.find((e) => e.email?.trim().toLowerCase() === email) : undefined;
      return listed?.verified === true ? email : null;
    }
    default:
      return null;
  }
}

/**
 * Whether an OAuth identity may sign in: its email must be verified and belong to an active
 * user an admin created, unless OAUTH_SIGNUP_ROLE lets new users in with that role. Returns
 * true or the refusal to show.
 */
export async function oauthSignIn(
  db: DbOrTx,
  identity: OAuthIdentity & { name?: string | null },
  options: { fetch?: Fetch; env?: Record<string, string | undefined> } = {},
): Promise<true | OAuthRefusal> {
  const env = options.env ?? process.env;
  const email = await verifiedEmail(identity, options);
  if (!email) return "EmailNotVerified";
  const existing = await db.user.findUnique({ where: { email } });
  if (existing) return existing.deactivatedAt === null ? true : "AccessDenied";
  const signupRole = config(env).OAUTH_SIGNUP_ROLE;
  if (signupRole !== "ANNOTATOR" && signupRole !== "RESEARCHER") return "AccessDenied";
  await db.user.create({ data: { email, name: identity.name ?? email, role: signupRole } });
  return true;
}
