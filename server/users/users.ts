// User administration: the rules live here, the admin router only wires them.
import type { Db, DbOrTx, Tx } from "../db/types";
import { hashPassword } from "../auth/password";
import type { ChangeRoleInput, CreateUserInput, SetActiveInput } from "./users.schema";
import { refuse } from "../errors/domain-error";
import { isUniqueViolation } from "../db/sql-errors";

const publicFields = { id: true, email: true, name: true, role: true, deactivatedAt: true, createdAt: true } as const;

export function listUsers(db: DbOrTx) {
  return db.user.findMany({ select: publicFields, orderBy: [{ role: "asc" }, { email: "asc" }] });
}

export async function createUser(db: DbOrTx, input: CreateUserInput) {
  try {
    return await db.user.create({
      data: { email: input.email, name: input.name, role: input.role, passwordHash: await hashPassword(input.password) },
      select: publicFields,
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw refuse("conflict", `A user with email ${input.email} already exists.`);
    }
    throw error;
  }
}

async function findUserOrThrow(tx: Tx, userId: string) {
  const user = await tx.user.findUnique({ where: { id: userId } });
  if (!user) throw refuse("not-found", `No user with id ${userId}.`);
  return user;
}

/** The last active admin cannot be demoted or deactivated: nobody could manage users any more. */
async function assertNotLastAdmin(tx: Tx, target: { role: string; deactivatedAt: Date | null }, action: string) {
  if (target.role !== "ADMIN" || target.deactivatedAt) return;
  // Lock the active admins so two admins demoting each other at once cannot both succeed.
  const admins = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM "User" WHERE role = 'ADMIN' AND "deactivatedAt" IS NULL FOR UPDATE`;
  if (admins.length <= 1) {
    throw refuse("invalid", `Cannot ${action} the last active admin.`);
  }
}

export function changeRole(db: Db, input: ChangeRoleInput) {
  return db.$transaction(async (tx) => {
    const user = await findUserOrThrow(tx, input.userId);
    if (input.role !== "ADMIN") await assertNotLastAdmin(tx, user, "demote");
    return tx.user.update({ where: { id: input.userId }, data: { role: input.role }, select: publicFields });
  });
}

export function setActive(db: Db, input: SetActiveInput) {
  return db.$transaction(async (tx) => {
    const user = await findUserOrThrow(tx, input.userId);
    if (!input.active) await assertNotLastAdmin(tx, user, "deactivate");
    return tx.user.update({
      where: { id: input.userId },
      data: { deactivatedAt: input.active ? null : (user.deactivatedAt ?? new Date()) },
      select: publicFields,
    });
  });
}
