// The one Prisma client of a process. Queries go through @prisma/adapter-pg (no native engine).
import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { config } from "../config/config";

function createPrismaClient() {
  const { DATABASE_URL: connectionString, DATABASE_POOL_SIZE } = config();
  if (!connectionString) {
    throw new Error("DATABASE_URL is not set: start the app with `npm start`, which provides the database.");
  }
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString, max: DATABASE_POOL_SIZE }),
  });
}

// One client per process, created on first use: `next build` imports server modules without a
// database, and Next.js dev mode re-evaluates modules.
const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

function client(): PrismaClient {
  globalForPrisma.prisma ??= createPrismaClient();
  return globalForPrisma.prisma;
}

export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const value = Reflect.get(client(), property);
    return typeof value === "function" ? value.bind(client()) : value;
  },
});

export async function disconnectPrisma() {
  await globalForPrisma.prisma?.$disconnect();
  globalForPrisma.prisma = undefined;
}
