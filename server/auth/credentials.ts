// Checks an email and password against the database. Kept apart from next-auth so it can be
// tested directly.
import { prisma } from "../db/prisma";
import { credentialsSchema } from "./credentials.schema";
import { verifyPassword } from "./password";

export type AuthenticatedUser = { id: string; email: string; name: string; role: string };

/** The user, or null for any failure: a wrong email and a wrong password look the same. */
export async function authenticate(input: unknown): Promise<AuthenticatedUser | null> {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) return null;
  const user = await prisma.user.findUnique({ where: { email: parsed.data.email } });
  if (!user || !user.passwordHash || user.deactivatedAt) return null;
  if (!(await verifyPassword(parsed.data.password, user.passwordHash))) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}
