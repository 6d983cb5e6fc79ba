import { changeRole, createUser, listUsers, setActive } from "../../users/users";
import { changeRoleInput, createUserInput, setActiveInput } from "../../users/users.schema";
import { adminProcedure, createTRPCRouter } from "../trpc";

export const usersRouter = createTRPCRouter({
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.db)),
  create: adminProcedure.input(createUserInput).mutation(({ ctx, input }) => createUser(ctx.db, input)),
  changeRole: adminProcedure.input(changeRoleInput).mutation(({ ctx, input }) => changeRole(ctx.db, input)),
  setActive: adminProcedure.input(setActiveInput).mutation(({ ctx, input }) => setActive(ctx.db, input)),
});
