// Which servers a served variant may name, and so receive its API key and the dialogues:
// POLICY_ALLOWED_HOSTS (comma-separated host names or host:port, "*.example.org" for a domain's
// hosts) when the operator sets it; any host otherwise. Workers check it before every connection
// (workers/policy/open-backend.ts); the web app when a variant is registered.
import { config } from "../config/config";

type Env = Record<string, string | undefined>;

export function allowedHosts(env: Env = process.env): string[] | null {
  const list = config(env).POLICY_ALLOWED_HOSTS.map((s) => s.toLowerCase());
  return list.length ? list : null;
}

function matches(entry: string, url: URL): boolean {
  const hostname = url.hostname.toLowerCase();
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  const [pattern, entryPort] = entry.startsWith("[") ? [entry.slice(0, entry.indexOf("]") + 1), entry.slice(entry.indexOf("]") + 2) || null] : (entry.split(":") as [string, string?]);
  if (entryPort && entryPort !== port) return false;
  if (pattern.startsWith("*.")) return hostname.endsWith(pattern.slice(1));
  return hostname === pattern;
}

/** Why this base URL may not be used, or null. */
export function baseUrlRefusal(baseUrl: string, env: Env = process.env): string | null {
  const hosts = allowedHosts(env);
  if (!hosts) return null;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return `${baseUrl} is not a URL.`;
  }
  return hosts.some((entry) => matches(entry, url)) ? null : `${url.host} is not one of the policy servers allowed by POLICY_ALLOWED_HOSTS (${hosts.join(", ")}).`;
}

/** The environment variables a variant may name for its key: never DATABASE_URL or the auth secret. */
export const API_KEY_ENV_PATTERN = /^POLICY_API_KEY(_[A-Z0-9_]+)?$/;
