// The one Prisma client of a process, and the one pool of connections it runs on. Queries go
// through @prisma/adapter-pg (no native engine); the annotation hot path sends its few
// statements to the same pool directly (`pgPool`), without Prisma's per-call work.
import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import pg from "pg";
import { config } from "../config/config";

// Timestamps are stored without a time zone, in UTC; Prisma reads them so, and so does the pool.
const TIMESTAMP_OID = 1114;
const utcTimestamp = (value: string) => new Date(`${value.replace(" ", "T")}Z`);

function createPool() {
  const { DATABASE_URL: connectionString, DATABASE_POOL_SIZE } = config();
  if (!connectionString) {
    throw new Error("DATABASE_URL is not set: start the app with `npm start`, which provides the database.");
  }
  return new pg.Pool({
    connectionString,
    max: DATABASE_POOL_SIZE,
    // Connections are kept once opened. pg's default closes one after 10 s idle, and the next
    // burst paid for new backends, each planning the queue's functions afresh: the annotate
    // bench's open load showed it as its slowest second, about 10 s after the warm-up.
    idleTimeoutMillis: 0,
    // An idle connection does not keep a script's process alive.
    allowExitOnIdle: true,
    types: { getTypeParser: ((oid: number, format?: "text" | "binary") => (oid === TIMESTAMP_OID && format !== "binary" ? utcTimestamp : pg.types.getTypeParser(oid, format))) as typeof pg.types.getTypeParser },
  });
}

// One client per process, created on first use: `next build` imports server modules without a
// database, and Next.js dev mode re-evaluates modules.
const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient; pool?: pg.Pool };

function client(): PrismaClient {
  if (!globalForPrisma.prisma) {
    globalForPrisma.pool = createPool();
    globalForPrisma.prisma = new PrismaClient({ adapter: new PrismaPg(globalForPrisma.pool, { disposeExternalPool: true }) });
  }
  return globalForPrisma.prisma;
}

export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const value = Reflect.get(client(), property);
    return typeof value === "function" ? value.bind(client()) : value;
  },
});

/** The pool under `prisma`, for the few statements of the annotation hot path. */
export function pgPool(): pg.Pool {
  client();
  return globalForPrisma.pool!;
}

export async function disconnectPrisma() {
  await globalForPrisma.prisma?.$disconnect();
  globalForPrisma.prisma = undefined;
  globalForPrisma.pool = undefined;
}
