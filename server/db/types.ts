import type { Prisma, PrismaClient } from "@prisma/client";

export type Db = PrismaClient;
/** The client inside `db.$transaction(async (tx) => …)`. */
export type Tx = Prisma.TransactionClient;
/** Either: for domain functions that only read or write and leave the transaction to the caller. */
export type DbOrTx = Db | Tx;
