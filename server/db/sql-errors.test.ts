// Database errors are told apart by SQLSTATE whichever client raised them.
import { describe, expect, it } from "vitest";
import { withPgClient } from "./pg-client";
import { prisma } from "./prisma";
import { isUniqueViolation, SQLSTATE, sqlStateOf } from "./sql-errors";

describe("sqlStateOf", () => {
  it("reads the SQLSTATE of Prisma model calls, Prisma raw queries and pg alike", async () => {
    const user = { email: "dup@example.com", name: "Dup" };
    await prisma.user.create({ data: user });
    const viaModel = await prisma.user.create({ data: user }).catch((e: unknown) => e);
    expect(sqlStateOf(viaModel)).toBe(SQLSTATE.uniqueViolation);
    const viaRaw = await prisma
      .$executeRawUnsafe(`INSERT INTO "User" (id, email, name, "updatedAt") VALUES ('x1', $1, 'Dup', now())`, user.email)
      .catch((e: unknown) => e);
    expect(isUniqueViolation(viaRaw)).toBe(true);
    const viaCheck = await prisma.$executeRawUnsafe(`SELECT 1/0`).catch((e: unknown) => e);
    expect(sqlStateOf(viaCheck)).toBe("22012");
    expect(isUniqueViolation(viaCheck)).toBe(false);
    const viaPg = await withPgClient(process.env.DATABASE_URL!, (client) =>
      client.query(`INSERT INTO "User" (id, email, name, "updatedAt") VALUES ('x2', $1, 'Dup', now())`, [user.email]),
    ).catch((e: unknown) => e);
    expect(isUniqueViolation(viaPg)).toBe(true);
    expect(sqlStateOf(new Error("duplicate key value violates unique constraint"))).toBeUndefined();
  });
});
