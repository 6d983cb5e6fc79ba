// The HTTP path the browser uses: the error formatter must turn zod issues into a message that
// names each field, and nothing may be written.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { makeUser } from "../testing/fixtures";
import { appRouter } from "./root";

async function post(path: string, input: unknown, user: Awaited<ReturnType<typeof makeUser>> | null) {
  const req = new Request(`http://localhost/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ json: input }),
  });
  const res = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () => ({ db: prisma, user }),
  });
  return { status: res.status, body: (await res.json()) as { error?: { json: { message: string; data: { code: string; zodError: unknown } } } } };
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
});
