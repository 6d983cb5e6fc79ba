// Where the sign-in page may send the user afterwards: a path on this site, never another one.
// "//evil.example" and "/\evil.example" start with "/" but are other hosts to a browser, and a
// path such as "/.//evil.example" becomes one once resolved; so the URL is resolved against
// this origin, refused unless it stays on it, and handed back as a path with one leading slash.

export function safeCallbackPath(raw: string | null | undefined, origin: string): string {
  if (!raw) return "/";
  let url: URL;
  try {
    url = new URL(raw, origin);
  } catch {
    return "/";
  }
  if (url.origin !== new URL(origin).origin) return "/";
  return `${url.pathname.replace(/^\/+/, "/")}${url.search}${url.hash}`;
}
