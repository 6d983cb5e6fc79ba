/**
 * tRPC in three parts:
 * 1. the context every procedure receives (the database and the user as the database knows them),
 * 2. initialisation, with superjson's wire format (transformer.ts) and an error formatter that
 *    names the invalid fields,
 * 3. the procedure bases, one per role area. Every procedure is built from one of them, and
 *    server/trpc/access.ts declares which roles each procedure admits (checked by a test).
 */
import { initTRPC, TRPCError } from "@trpc/server";
import { z, ZodError } from "zod";
import { type Area, areaRefusal } from "../auth/roles";
import { type CurrentUser, userFromRequestHeaders } from "../auth/current-user";
import { prisma } from "../db/prisma";
import { DomainError, type RefusalKind } from "../errors/domain-error";
import { describeZodError } from "../validation/describe-zod-error";
import { transformer } from "./transformer";

// 1. Context ------------------------------------------------------------------------------

export type Context = { db: typeof prisma; user: CurrentUser | null };

/** The context of a request, from its headers (the session cookie). */
export async function createTRPCContext(headers: { get(name: string): string | null }): Promise<Context> {
  return { db: prisma, user: await userFromRequestHeaders(headers) };
}

// 2. Initialisation -----------------------------------------------------------------------

export { describeZodError };

const t = initTRPC.context<Context>().create({
  transformer,
  // Subscriptions (job updates) are server-sent events: a ping keeps proxies from closing a quiet
  // stream, and a client that hears nothing for longer reconnects (and is sent the state again).
  sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 40_000 } },
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? error.cause : null;
    return {
      ...shape,
      message: zodError ? `Invalid input: ${describeZodError(zodError)}` : shape.message,
      data: { ...shape.data, zodError: zodError ? z.flattenError(zodError) : null },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

// 3. Procedure bases ----------------------------------------------------------------------

/** A domain refusal (server/errors/domain-error.ts) as its tRPC code: the one place they are mapped. */
const TRPC_CODE: Record<RefusalKind, TRPCError["code"]> = {
  invalid: "BAD_REQUEST",
  "not-found": "NOT_FOUND",
  conflict: "CONFLICT",
  forbidden: "FORBIDDEN",
  precondition: "PRECONDITION_FAILED",
  "rate-limited": "TOO_MANY_REQUESTS",
};

const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const refusal = result.error.cause;
    throw new TRPCError({ code: TRPC_CODE[refusal.kind], message: refusal.message, cause: refusal });
  }
  return result;
});

export const publicProcedure = t.procedure.use(domainErrors);

/** Any active, signed-in user. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

function areaProcedure(area: Area) {
  return authedProcedure.use(({ ctx, next }) => {
    const refusal = areaRefusal(ctx.user.role, area);
    if (refusal) throw new TRPCError({ code: "FORBIDDEN", message: refusal });
    return next({ ctx });
  });
}

export const annotatorProcedure = areaProcedure("annotate");
export const researcherProcedure = areaProcedure("research");
export const adminProcedure = areaProcedure("admin");
