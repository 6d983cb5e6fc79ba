// Walks every tRPC procedure and every cookie- or token-authenticated route handler with every
// role and signed out, and checks the outcome against the one declared table in access.ts. An
// allowed call must be answered (a result, or a refusal of its input), not crash: a procedure
// that fails for every role does not pass as "allowed". A procedure or route without a line
// there fails this test.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Role } from "@prisma/client";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../auth/current-user";
import { stopJobProducer } from "../jobs/job-queue";
import { callerFor, makeUser } from "../testing/fixtures";
import { sessionCookieFor } from "../testing/session-cookie";
import { NO_WORKER } from "../health/health";
import { ownRoutes } from "../runtime/own-routes";
import { makeBatch } from "../testing/batches";
import { serveHandler } from "../testing/http-server";
import { type Access, procedureAccess, routeAccess } from "./access";
import { appRouter } from "./root";

const roles: Role[] = ["ANNOTATOR", "RESEARCHER", "ADMIN"];
const procedurePaths = Object.keys(appRouter._def.procedures).sort();

function expectedAllowed(access: Access, role: Role | null): boolean {
  if (access === "public") return true;
  if (role === null) return false;
  if (access === "signed-in") return true;
  return access.includes(role);
}

type Outcome = "allowed" | "UNAUTHORIZED" | "FORBIDDEN" | `failed: ${string}`;

/**
 * "allowed" means the call was answered: a result, or a refusal of the input or the request (bad
 * input, not found, a conflict). A crash (INTERNAL_SERVER_ERROR, or anything not a TRPCError) is
 * "failed", never allowed.
 */
async function answer(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    await call();
    return "allowed";
  } catch (error) {
    if (!(error instanceof TRPCError)) return `failed: ${String(error)}`;
    if (error.code === "UNAUTHORIZED" || error.code === "FORBIDDEN") return error.code;
    if (error.code === "INTERNAL_SERVER_ERROR") return `failed: ${error.message}`;
    return "allowed";
  }
}

/** Calls the procedure with no input: a denial comes before input validation, so no data changes. */
function outcome(path: string, user: CurrentUser | null): Promise<Outcome> {
  const caller = callerFor(user) as unknown as Record<string, unknown>;
  const procedure = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  return answer(() => (procedure as (input?: unknown) => Promise<unknown>)(undefined));
}

const users = new Map<Role, CurrentUser>();
beforeAll(async () => {
  process.env.DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "access-"));
  for (const role of roles) users.set(role, await makeUser(role));
});
afterAll(() => stopJobProducer());

describe("authorization table: tRPC procedures", () => {
  it("has exactly one rule per procedure", () => {
    expect(procedurePaths.length).toBeGreaterThan(0);
    expect(Object.keys(procedureAccess).sort()).toEqual(procedurePaths);
  });

  for (const path of procedurePaths) {
    it(`${path} admits exactly the declared roles, and answers them`, async () => {
      const access = procedureAccess[path];
      expect(access, `${path} has no line in server/trpc/access.ts`).toBeDefined();
      const signedOut = await outcome(path, null);
      expect(signedOut, `${path} signed out`).toBe(expectedAllowed(access!, null) ? "allowed" : "UNAUTHORIZED");
      for (const role of roles) {
        const got = await outcome(path, users.get(role)!);
        expect(got, `${path} as ${role}`).toBe(expectedAllowed(access!, role) ? "allowed" : "FORBIDDEN");
      }
    });
  }

  it("tells a crash from an answer", async () => {
    const { initTRPC } = await import("@trpc/server");
    const t = initTRPC.create();
    const router = t.router({
      boom: t.procedure.query(() => Promise.reject(new Error('relation "Nope" does not exist'))),
      refuses: t.procedure.query(() => Promise.reject(new TRPCError({ code: "NOT_FOUND", message: "No such batch." }))),
      fine: t.procedure.query(() => 1),
    });
    const caller = router.createCaller({});
    expect(await answer(() => caller.boom())).toBe('failed: relation "Nope" does not exist');
    expect(await answer(() => caller.refuses())).toBe("allowed");
    expect(await answer(() => caller.fine())).toBe("allowed");
  });

  it("reads the role from the database on every call", async () => {
    const user = await makeUser("ANNOTATOR");
    const caller = callerFor(user);
    await expect(caller.users.list()).rejects.toMatchObject({ code: "FORBIDDEN" });
    // The caller's context still says ANNOTATOR; a real request re-reads the user each time,
    // which is what userById does.
    const { userById } = await import("../auth/current-user");
    const admin = users.get("ADMIN")!;
    await callerFor(admin).users.changeRole({ userId: user.id, role: "ADMIN" });
    const fresh = await userById(user.id);
    expect(fresh?.role).toBe("ADMIN");
    await expect(callerFor(fresh).users.list()).resolves.toBeInstanceOf(Array);
    await callerFor(admin).users.setActive({ userId: user.id, active: false });
    expect(await userById(user.id)).toBeNull();
  });
});

// The route handlers, called as the browser calls them: with the session cookie.
type Handler = (request: Request) => Promise<Response>;
const routeModules: Record<string, () => Promise<Record<string, unknown>>> = {
  "/api/health": () => import("../../app/api/health/route"),
  "/api/export": () => import("../../app/api/export/route"),
  "/api/import": () => import("../../app/api/import/route"),
  "/api/import/upload": () => import("../../app/api/import/upload/route"),
};
/** A request each handler can act on, so an allowed call shows it works, not only that it was let in. */
const requests: Record<string, (headers: Headers) => Request> = {
  "GET /api/health": (headers) => new Request("http://localhost/api/health", { headers }),
  "GET /api/export": (headers) => new Request("http://localhost/api/export?format=raw&as=jsonl", { headers }),
  "POST /api/import": (headers) =>
    new Request(`http://localhost/api/import?fileName=p.jsonl&source=access-${crypto.randomUUID()}&wait=false`, { method: "POST", headers, body: '{"prompt": "Access?"}\n', duplex: "half" } as RequestInit),
  "POST /api/import/upload": (headers) =>
    new Request("http://localhost/api/import/upload?fileName=p.jsonl", { method: "POST", headers, body: '{"prompt": "Access?"}\n', duplex: "half" } as RequestInit),
};

/**
 * The web server's own routes (server/runtime/own-routes.ts), each on a real HTTP server as the web
 * server mounts it, with a request it can act on for the user.
 */
const ownRouteRequests: Record<string, (user: CurrentUser | null) => Promise<unknown>> = {
  "POST /api/annotate/submit": async (user) => {
    // A pair leased to the user where the role may annotate, so an allowed call is a saved label.
    const leased = user && expectedAllowed(routeAccess["POST /api/annotate/submit"]!, user.role) ? await leaseOnePair(user) : null;
    return { assignmentId: leased ?? "no-such-assignment", pick: "LEFT", strength: "BETTER", timeOnTaskMs: 1_000 };
  },
};

async function leaseOnePair(user: CurrentUser): Promise<string> {
  await makeBatch({ pairs: 1 });
  const task = await callerFor(user).annotate.current();
  if (!task) throw new Error("no pair to lease");
  return task.assignmentId;
}

async function ownRouteResponse(route: string, user: CurrentUser | null): Promise<Response> {
  const [method, pathname] = route.split(" ") as [string, string];
  const server = await serveHandler(ownRoutes.get(pathname)!);
  try {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (user) headers.cookie = await sessionCookieFor(user.id);
    const body = JSON.stringify(await ownRouteRequests[route]!(user));
    const response = await fetch(`${server.url}${pathname}`, { method, headers, body });
    // Read here, while the server is up.
    return new Response(await response.arrayBuffer(), { status: response.status, headers: response.headers });
  } finally {
    await server.close();
  }
}

async function routeOutcome(route: string, user: CurrentUser | null): Promise<{ outcome: Outcome; body: unknown }> {
  const [method, pathname] = route.split(" ") as [string, string];
  let response: Response;
  try {
    if (ownRoutes.has(pathname)) response = await ownRouteResponse(route, user);
    else {
      const handler = (await routeModules[pathname]!())[method] as Handler;
      const headers = new Headers(user ? { cookie: await sessionCookieFor(user.id) } : {});
      response = await handler(requests[route]!(headers));
    }
  } catch (error) {
    return { outcome: `failed: ${String(error)}`, body: null };
  }
  const type = response.headers.get("content-type") ?? "";
  const body = /^application\/json(;|$)/.test(type) ? await response.json() : (await response.body?.cancel(), null);
  if (response.status === 401) return { outcome: "UNAUTHORIZED", body };
  if (response.status === 403) return { outcome: "FORBIDDEN", body };
  if (response.status >= 400) return { outcome: `failed: ${response.status} ${JSON.stringify(body)}`, body };
  return { outcome: "allowed", body };
}

describe("authorization table: route handlers", () => {
  it("has a line for every handler under app/api that is not next-auth's or tRPC's, and for the web server's own routes", async () => {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name === "route.ts") found.push(full);
      }
    };
    walk(path.resolve("app/api"));
    const routes: string[] = [];
    for (const file of found) {
      const pathname = `/${path.relative(path.resolve("app"), path.dirname(file)).split(path.sep).join("/")}`;
      if (pathname.startsWith("/api/auth") || pathname.startsWith("/api/trpc")) continue;
      const module = (await import(file)) as Record<string, unknown>;
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) if (typeof module[method] === "function") routes.push(`${method} ${pathname}`);
    }
    for (const pathname of ownRoutes.keys()) routes.push(`POST ${pathname}`);
    expect(routes.sort()).toEqual(Object.keys(routeAccess).sort());
  });

  for (const [route, access] of Object.entries(routeAccess)) {
    it(`${route} admits exactly the declared roles, and works for them`, async () => {
      expect((await routeOutcome(route, null)).outcome, `${route} signed out`).toBe(expectedAllowed(access, null) ? "allowed" : "UNAUTHORIZED");
      for (const role of roles) {
        expect((await routeOutcome(route, users.get(role)!)).outcome, `${route} as ${role}`).toBe(expectedAllowed(access, role) ? "allowed" : "FORBIDDEN");
      }
    });
  }

  it("GET /api/health gives its details to admins only", async () => {
    // No worker runs in this test: degraded (issue 13 item 11), and only admins learn why.
    expect((await routeOutcome("GET /api/health", null)).body).toEqual({ status: "degraded" });
    for (const role of ["ANNOTATOR", "RESEARCHER"] as const) expect((await routeOutcome("GET /api/health", users.get(role)!)).body).toEqual({ status: "degraded" });
    expect((await routeOutcome("GET /api/health", users.get("ADMIN")!)).body).toMatchObject({ status: "degraded", database: { ok: true }, workers: [], problems: [NO_WORKER] });
  });
});
