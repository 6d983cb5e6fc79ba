// Cross-site request refusal for route handlers that act on a session cookie. A page on another
// site can make the browser POST to us with the user's cookie (a form or a no-cors fetch, with
// any body and a "simple" content type); the browser says where such a request comes from in
// Sec-Fetch-Site and Origin, which that page cannot change. The rule is Go's net/http
// CrossOriginProtection: Sec-Fetch-Site must be same-origin (or none: typed by the user); without
// it, Origin's host must be this app's; a request with neither is not from a browser and passes.
// Requests that authenticate with a personal API token (Authorization: Bearer) never use the
// cookie (api-tokens.ts), so scripts are not asked for any of this.
import { config } from "../config/config";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** What the rule reads of a request: a web Request, or a Node request seen through server/http/node-request.ts. */
export type RequestLike = { method: string; url: string; headers: { get(name: string): string | null } };

/** The hosts this app answers as: the request's own Host (and a proxy's X-Forwarded-Host), and NEXTAUTH_URL's. */
function ownHosts(request: RequestLike, env: Record<string, string | undefined>): Set<string> {
  const hosts = new Set<string>();
  const add = (host: string | null | undefined) => host && hosts.add(host.trim().toLowerCase());
  add(request.headers.get("host"));
  for (const forwarded of request.headers.get("x-forwarded-host")?.split(",") ?? []) add(forwarded);
  try {
    add(new URL(request.url).host);
  } catch {}
  const { NEXTAUTH_URL } = config(env);
  if (NEXTAUTH_URL) {
    try {
      add(new URL(NEXTAUTH_URL).host);
    } catch {}
  }
  return hosts;
}

/** Why a state-changing, cookie-authenticated request is refused as cross-site, or null when it may go on. */
export function crossSiteRefusal(request: RequestLike, env: Record<string, string | undefined> = process.env): string | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null;
  if (request.headers.get("authorization")?.startsWith("Bearer ")) return null;
  const site = request.headers.get("sec-fetch-site");
  if (site) return site === "same-origin" || site === "none" ? null : `Cross-site request refused (Sec-Fetch-Site: ${site}).`;
  const origin = request.headers.get("origin");
  if (!origin) return null;
  let host: string;
  try {
    host = new URL(origin).host.toLowerCase();
  } catch {
    return `Cross-site request refused (Origin: ${origin}).`;
  }
  return ownHosts(request, env).has(host) ? null : `Cross-site request refused (Origin: ${origin}).`;
}

/** The error a route that also takes API tokens answers a cross-site request with (403), or null. */
export function crossSiteError(request: RequestLike): string | null {
  const refusal = crossSiteRefusal(request);
  return refusal ? `${refusal} Send it from this site, or with a personal API token.` : null;
}

/** The 403 answer for a cross-site request, or null. */
export function refuseCrossSite(request: Request): Response | null {
  const error = crossSiteError(request);
  return error ? Response.json({ error }, { status: 403 }) : null;
}
