// next-auth configuration: email + password always; GitHub, Google or a generic OIDC provider
// when their environment variables are set. Sessions are JWTs that carry only the user id:
// the role is read from the database on every request (server/auth/current-user.ts), so a
// role change or a deactivation takes effect at once.
import type { NextAuthOptions } from "next-auth";
import type { Provider } from "next-auth/providers/index";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { prisma } from "../db/prisma";
import { authenticate } from "./credentials";

function oauthProviders(env = process.env): Provider[] {
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
      authorize: (credentials) => authenticate(credentials),
    }),
    ...oauthProviders(),
  ],
  callbacks: {
    // OAuth sign-in: the email must belong to an active user an admin created, unless
    // OAUTH_SIGNUP_ROLE allows self sign-up (new users then get that role).
    async signIn({ user, account }) {
      if (!account || account.type === "credentials") return true;
      const email = user.email?.trim().toLowerCase();
      if (!email) return false;
      const existing = await prisma.user.findUnique({ where: { email } });
      if (existing) return existing.deactivatedAt === null;
      const signupRole = process.env.OAUTH_SIGNUP_ROLE;
      if (signupRole !== "ANNOTATOR" && signupRole !== "RESEARCHER") return false;
      await prisma.user.create({ data: { email, name: user.name ?? email, role: signupRole } });
      return true;
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
