import { roleHome } from "../../auth/roles";
import { authedProcedure, createTRPCRouter } from "../trpc";

export const meRouter = createTRPCRouter({
  get: authedProcedure.query(({ ctx }) => ({ ...ctx.user, home: roleHome[ctx.user.role] })),
});
