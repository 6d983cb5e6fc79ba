// The HTTP path the browser uses (the web server's own tRPC endpoint, on a real HTTP server): the
// error formatter must turn zod issues into a message that names each field, and nothing may be
// written; the session cookie says who calls; the page's batched queries are answered together.
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { makeUser } from "../testing/fixtures";
import { serveHandler, type TestServer } from "../testing/http-server";
import { sessionCookieFor } from "../testing/session-cookie";
import { serveTrpc, TRPC_PATH } from "./endpoint";

let server: TestServer;
beforeAll(async () => {
  server = await serveHandler(serveTrpc);
});
afterAll(() => server.close());

type ErrorBody = { error?: { json: { message: string; data: { code: string; zodError: unknown } } } };

async function cookieOf(user: Awaited<ReturnType<typeof makeUser>> | null): Promise<Record<string, string>> {
  return user ? { cookie: await sessionCookieFor(user.id) } : {};
}

async function post(path: string, input: unknown, user: Awaited<ReturnType<typeof makeUser>> | null) {
  const res = await fetch(`${server.url}${TRPC_PATH}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(await cookieOf(user)) },
    body: JSON.stringify({ json: input }),
  });
  return { status: res.status, body: (await res.json()) as ErrorBody };
}

describe("tRPC over HTTP", () => {
  it("answers bad input with 400 and a message naming every field at fault; nothing is written", async () => {
    const admin = await makeUser("ADMIN");
    const before = await prisma.user.count();
    const { status, body } = await post(
      "users.create",
      { email: "not-an-email", name: "", role: "OWNER", password: "short" },
      admin,
    );
    expect(status).toBe(400);
    expect(body.error?.json.message).toBe(
      'Invalid input: email: Enter a valid email address; name: Enter a name; role: Invalid option: expected one of "ANNOTATOR"|"RESEARCHER"|"ADMIN"; password: Use at least 10 characters',
    );
    expect(body.error?.json.data.zodError).toMatchObject({ fieldErrors: { email: ["Enter a valid email address"] } });
    expect(await prisma.user.count()).toBe(before);
  });

  it("answers 401 signed out and 403 for the wrong role", async () => {
    expect((await post("users.create", {}, null)).status).toBe(401);
    const annotator = await makeUser("ANNOTATOR");
    const forbidden = await post("users.create", {}, annotator);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error?.json.message).toBe("This needs the ADMIN role; you are ANNOTATOR.");
  });

  it("answers a batch of queries, each with its own result, for the user of the session cookie", async () => {
    const researcher = await makeUser("RESEARCHER");
    const input = encodeURIComponent(JSON.stringify({ 0: { json: undefined }, 1: { json: undefined } }));
    const res = await fetch(`${server.url}${TRPC_PATH}me.get,users.list?batch=1&input=${input}`, { headers: await cookieOf(researcher) });
    const body = (await res.json()) as { result?: { data: unknown }; error?: { json: { data: { code: string } } } }[];
    expect(body).toHaveLength(2);
    expect(superjson.deserialize(body[0]!.result!.data as never)).toMatchObject({ id: researcher.id, role: "RESEARCHER" });
    // users.list is the admins': refused on its own, the rest of the batch answered.
    expect(body[1]!.error?.json.data.code).toBe("FORBIDDEN");
    expect(res.status).toBe(207);
  });
});
