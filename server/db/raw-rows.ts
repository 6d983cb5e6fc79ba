// The rows of one read-only SQL statement written with Prisma.sql, for reads that are mostly
// Prisma's per-call work otherwise: through the app's client they go to its pool directly (the
// same connections), without Prisma's query compiler and row decoding; through a transaction or
// another client, by that client. The statement casts every column to the type its caller
// reads (::int, ::float8, ::text), so both ways give the same values.
import "server-only";
import type { Prisma } from "@prisma/client";
import { pgPool, prisma } from "./prisma";
import type { DbOrTx } from "./types";

export async function rawRows<T>(db: DbOrTx, statement: Prisma.Sql): Promise<T[]> {
  if (db !== prisma) return db.$queryRaw<T[]>(statement);
  const { rows } = await pgPool().query<T & object>(statement.text, statement.values);
  return rows;
}
