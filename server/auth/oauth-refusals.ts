// What the sign-in page says when an OAuth sign-in is refused (next-auth passes the key back as
// ?error=…). Apart from oauth.ts so the page can import it.
export const OAUTH_REFUSALS = {
  EmailNotVerified:
    "Your account at the sign-in provider has no verified email address for this sign-in. Verify the address with the provider (or make a verified one primary), then try again.",
  AccessDenied: "That account has no access here. Ask an admin to add your email.",
} as const;
export type OAuthRefusal = keyof typeof OAUTH_REFUSALS;
