// next-auth configuration: email + password always; GitHub, Google or a generic OIDC provider
// when their environment variables are set. Sessions are JWTs that carry only the user id:
// the role is read from the database on every request (server/auth/current-user.ts), so a
// role change or a deactivation takes effect at once.
import "server-only";
import type { NextAuthOptions } from "next-auth";
import type { Provider } from "next-auth/providers/index";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { prisma } from "../db/prisma";
import { signInWithPassword } from "./credentials";
import { oauthSignIn } from "./oauth";
import { noteSignInRefused } from "./sign-in-answer";
import { clientAddress } from "./sign-in-limits";
import { config } from "../config/config";

function oauthProviders(environment: Record<string, string | undefined> = process.env): Provider[] {
  const env = config(environment);
  const providers: Provider[] = [];
  if (env.GITHUB_CLIENT_ID && env.GITHUB_CLIENT_SECRET) {
    providers.push(GitHubProvider({ clientId: env.GITHUB_CLIENT_ID, clientSecret: env.GITHUB_CLIENT_SECRET }));
  }
  if (env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET) {
    providers.push(GoogleProvider({ clientId: env.GOOGLE_CLIENT_ID, clientSecret: env.GOOGLE_CLIENT_SECRET }));
  }
  if (env.OIDC_ISSUER && env.OIDC_CLIENT_ID && env.OIDC_CLIENT_SECRET) {
    providers.push({
      id: "oidc",
      name: env.OIDC_NAME ?? "Single sign-on",
      type: "oauth",
      wellKnown: `${env.OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: env.OIDC_CLIENT_ID,
      clientSecret: env.OIDC_CLIENT_SECRET,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce", "state"],
      profile: (p: { sub: string; email: string; name?: string }) => ({ id: p.sub, email: p.email, name: p.name ?? p.email }),
    });
  }
  return providers;
}

/** The OAuth providers configured by env, for the sign-in page's buttons. */
export function configuredOAuthProviders() {
  return oauthProviders().map((p) => ({ id: p.id, name: p.name }));
}

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
  pages: { signIn: "/signin", error: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const result = await signInWithPassword(credentials, { clientAddress: clientAddress(req.headers ?? {}) });
        if (result.ok) return result.user;
        if (result.reason === "too-many-attempts") {
          noteSignInRefused(result.retryAfterSeconds);
          throw new Error(result.message);
        }
        return null;
      },
    }),
    ...oauthProviders(),
  ],
  callbacks: {
    // OAuth sign-in: a verified email of an active user an admin created, unless
    // OAUTH_SIGNUP_ROLE allows self sign-up (server/auth/oauth.ts).
    async signIn({ user, account, profile }) {
      if (!account || account.type === "credentials") return true;
      const allowed = await oauthSignIn(prisma, {
        provider: account.provider,
        email: user.email,
        name: user.name,
        profile: profile as Record<string, unknown> | undefined,
        accessToken: account.access_token,
      });
      return allowed === true ? true : `/signin?error=${allowed}`;
    },
    async jwt({ token, user, account }) {
      if (user && account) {
        if (account.type === "credentials") {
          token.userId = user.id;
        } else {
          const email = user.email?.trim().toLowerCase() ?? "";
          const dbUser = await prisma.user.findUnique({ where: { email }, select: { id: true } });
          token.userId = dbUser?.id;
        }
      }
      return token;
    },
    session({ session, token }) {
      if (session.user) session.user.id = token.userId as string;
      return session;
    },
  },
};
