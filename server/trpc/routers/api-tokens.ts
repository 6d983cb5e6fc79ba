import { createApiToken, createTokenInput, listApiTokens, revokeApiToken, revokeTokenInput } from "../../api-tokens/api-tokens";
import { createTRPCRouter, researcherProcedure } from "../trpc";

export const apiTokensRouter = createTRPCRouter({
  list: researcherProcedure.query(({ ctx }) => listApiTokens(ctx.db, ctx.user.id)),
  create: researcherProcedure.input(createTokenInput).mutation(({ ctx, input }) => createApiToken(ctx.db, ctx.user.id, input)),
  revoke: researcherProcedure.input(revokeTokenInput).mutation(({ ctx, input }) => revokeApiToken(ctx.db, ctx.user.id, input)),
});
