import { checkHealth, publicHealth } from "../../health/health";
import { adminProcedure, createTRPCRouter, publicProcedure } from "../trpc";

export const healthRouter = createTRPCRouter({
  /** Up or down, for anyone. */
  check: publicProcedure.query(({ ctx }) => publicHealth(ctx.db)),
  /** Database and worker details, for admins. */
  details: adminProcedure.query(({ ctx }) => checkHealth(ctx.db)),
});
