// Walks every tRPC procedure with every role and signed out, and checks the outcome against
// the one declared table in access.ts. A procedure without a line there fails this test.
import type { Role } from "@prisma/client";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "../auth/current-user";
import { callerFor, makeUser } from "../testing/fixtures";
import { type Access, procedureAccess } from "./access";
import { appRouter } from "./root";

const roles: Role[] = ["ANNOTATOR", "RESEARCHER", "ADMIN"];
const procedurePaths = Object.keys(appRouter._def.procedures).sort();

function expectedAllowed(access: Access, role: Role | null): boolean {
  if (access === "public") return true;
  if (role === null) return false;
  if (access === "signed-in") return true;
  return access.includes(role);
}

/** Calls the procedure with no input: a denial comes before input validation, so no data changes. */
async function outcome(path: string, user: CurrentUser | null): Promise<"allowed" | "UNAUTHORIZED" | "FORBIDDEN"> {
  const caller = callerFor(user) as unknown as Record<string, unknown>;
  const procedure = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  try {
    await (procedure as (input?: unknown) => Promise<unknown>)(undefined);
    return "allowed";
  } catch (error) {
    if (error instanceof TRPCError && (error.code === "UNAUTHORIZED" || error.code === "FORBIDDEN")) return error.code;
    return "allowed"; // it got past authorisation (then failed on the missing input, say)
  }
}

describe("authorization table", () => {
  const users = new Map<Role, CurrentUser>();
  beforeAll(async () => {
    for (const role of roles) users.set(role, await makeUser(role));
  });

  it("has exactly one rule per procedure", () => {
    expect(procedurePaths.length).toBeGreaterThan(0);
    expect(Object.keys(procedureAccess).sort()).toEqual(procedurePaths);
  });

  for (const path of procedurePaths) {
    it(`${path} admits exactly the declared roles`, async () => {
      const access = procedureAccess[path];
      expect(access, `${path} has no line in server/trpc/access.ts`).toBeDefined();
      const signedOut = await outcome(path, null);
      expect(signedOut).toBe(expectedAllowed(access!, null) ? "allowed" : "UNAUTHORIZED");
      for (const role of roles) {
        const got = await outcome(path, users.get(role)!);
        expect(got, `${path} as ${role}`).toBe(expectedAllowed(access!, role) ? "allowed" : "FORBIDDEN");
      }
    });
  }

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
