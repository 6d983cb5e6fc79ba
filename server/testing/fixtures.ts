// Test data made through the same domain functions the app uses.
import crypto from "node:crypto";
import type { Role } from "@prisma/client";
import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import type { CurrentUser } from "../auth/current-user";
import { prisma } from "../db/prisma";
import { createCaller } from "../trpc/root";
import { createUser } from "../users/users";
import { describeZodError } from "../validation/describe-zod-error";

export const TEST_PASSWORD = "correct horse battery staple";

export async function makeUser(role: Role, overrides: { email?: string; name?: string } = {}): Promise<CurrentUser> {
  const tag = crypto.randomBytes(4).toString("hex");
  const user = await createUser(prisma, {
    email: overrides.email ?? `${role.toLowerCase()}-${tag}@test.local`,
    name: overrides.name ?? `${role} ${tag}`,
    role,
    password: TEST_PASSWORD,
  });
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

/** A tRPC caller acting as this user (or signed out), going through every middleware. */
export function callerFor(user: CurrentUser | null) {
  return createCaller({ db: prisma, user });
}

/** Many annotators at once, without passwords (hashing is slow on purpose). */
export async function makeAnnotators(count: number): Promise<CurrentUser[]> {
  const tag = crypto.randomBytes(4).toString("hex");
  const data = Array.from({ length: count }, (_, i) => ({
    id: `${tag}-annotator-${i}`,
    email: `annotator-${tag}-${i}@test.local`,
    name: `Annotator ${i}`,
    role: "ANNOTATOR" as const,
  }));
  await prisma.user.createMany({ data });
  return data;
}

/** The message a client gets when a call is refused (the HTTP error formatter names each invalid field). */
export async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCError && error.cause instanceof ZodError) return describeZodError(error.cause);
    if (error instanceof Error) return error.message;
  }
  throw new Error("expected the call to be refused");
}
