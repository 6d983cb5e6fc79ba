import { checkHealth } from "../../health/health";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const healthRouter = createTRPCRouter({
  check: publicProcedure.query(({ ctx }) => checkHealth(ctx.db)),
});
