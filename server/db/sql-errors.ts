// Database errors told apart by their SQLSTATE code (PostgreSQL's appendix A), whichever way
// they arrive: straight from `pg`, or wrapped by Prisma (its P-codes, and the driver adapter's
// error with the original code), never by matching message text, which changes with versions
// and locales.
import { Prisma } from "@prisma/client";

export const SQLSTATE = {
  uniqueViolation: "23505",
  foreignKeyViolation: "23503",
  checkViolation: "23514",
  serializationFailure: "40001",
  deadlockDetected: "40P01",
  lockNotAvailable: "55P03",
} as const;

const PRISMA_CODES: Record<string, string> = { P2002: SQLSTATE.uniqueViolation, P2003: SQLSTATE.foreignKeyViolation, P2034: SQLSTATE.serializationFailure };

/** The SQLSTATE of a database error, or undefined when it is not one. */
export function sqlStateOf(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === "object" && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof Prisma.PrismaClientKnownRequestError) {
      const adapter = (e.meta as { driverAdapterError?: { cause?: { originalCode?: string } } } | undefined)?.driverAdapterError;
      const original = adapter?.cause?.originalCode;
      if (original) return original;
      if (PRISMA_CODES[e.code]) return PRISMA_CODES[e.code];
      continue;
    }
    const code = (e as { code?: unknown; originalCode?: unknown }).originalCode ?? (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

export function isUniqueViolation(error: unknown): boolean {
  return sqlStateOf(error) === SQLSTATE.uniqueViolation;
}
