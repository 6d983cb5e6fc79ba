// A virtual user over HTTP: signs in through next-auth's credentials flow (a real session
// cookie) and calls tRPC exactly as the browser's httpBatchLink does, or an endpoint of the web
// server's own (the compare screen's submit).
import { Pool } from "undici";

export class HttpUser {
  private cookie = "";
  constructor(private readonly pool: Pool) {}

  async signIn(email: string, password: string) {
    const csrf = await this.pool.request({ path: "/api/auth/csrf", method: "GET" });
    this.keepCookies(csrf.headers["set-cookie"]);
    const { csrfToken } = (await csrf.body.json()) as { csrfToken: string };
    const response = await this.pool.request({
      path: "/api/auth/callback/credentials",
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: this.cookie },
      body: new URLSearchParams({ csrfToken, email, password, json: "true", callbackUrl: "/" }).toString(),
    });
    this.keepCookies(response.headers["set-cookie"]);
    await response.body.dump();
    if (!this.cookie.includes("next-auth.session-token=")) throw new Error(`sign-in failed for ${email} (${response.statusCode})`);
  }

  private keepCookies(setCookie: string | string[] | undefined) {
    const jar = new Map(this.cookie ? this.cookie.split("; ").map((c) => c.split("=", 2) as [string, string]) : []);
    for (const line of [setCookie ?? []].flat()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    this.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  /** A POST with this user's cookie (e.g. a file to /api/import/upload); the JSON answer and status. */
  async post<T>(path: string, body: Buffer | string): Promise<{ status: number; body: T }> {
    const response = await this.pool.request({ path, method: "POST", headers: { cookie: this.cookie }, body });
    return { status: response.statusCode, body: (await response.body.json()) as T };
  }

  /** A JSON POST with this user's cookie, as the compare screen's submit sends it; throws on an error answer. */
  async postJson<T>(path: string, body: unknown): Promise<T> {
    const response = await this.pool.request({
      path,
      method: "POST",
      headers: { cookie: this.cookie, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = (await response.body.json()) as T & { error?: string };
    if (response.statusCode >= 400) throw new Error(`${path}: ${response.statusCode} ${answer.error}`);
    return answer;
  }

  /** Queries a page makes at once, in one GET as httpBatchLink batches them; throws on the first error. */
  async queries(calls: { procedure: string; input?: unknown }[]): Promise<unknown[]> {
    const input = Object.fromEntries(calls.map((c, i) => [i, c.input === undefined ? {} : { json: c.input }]));
    const response = await this.pool.request({
      path: `/api/trpc/${calls.map((c) => c.procedure).join(",")}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`,
      method: "GET",
      headers: { cookie: this.cookie },
    });
    const body = (await response.body.json()) as { result?: { data: { json: unknown } }; error?: { json: { message: string } } }[];
    const failed = body.findIndex((r) => r.error);
    if (failed >= 0) throw new Error(`${calls[failed]!.procedure}: ${body[failed]!.error!.json.message}`);
    return body.map((r) => r.result!.data.json);
  }

  /** One tRPC call as httpBatchLink sends it (batch of one, superjson). */
  async call<T>(procedure: string, kind: "query" | "mutation", input?: unknown): Promise<T> {
    const response =
      kind === "query"
        ? await this.pool.request({
            path: `/api/trpc/${procedure}?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: input === undefined ? {} : { json: input } }))}`,
            method: "GET",
            headers: { cookie: this.cookie },
          })
        : await this.pool.request({
            path: `/api/trpc/${procedure}?batch=1`,
            method: "POST",
            headers: { cookie: this.cookie, "content-type": "application/json" },
            body: JSON.stringify({ 0: { json: input } }),
          });
    const body = (await response.body.json()) as [{ result?: { data: { json: T } }; error?: { json: { message: string } } }];
    if (body[0].error) throw new Error(`${procedure}: ${body[0].error.json.message}`);
    return body[0].result!.data.json;
  }
}

export function percentile(sorted: number[], p: number) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
