// Pair generation: admins start a job that samples two responses per prompt into a new batch.
import { pairGenerationOptions, startPairGeneration } from "../../pair-generation/pair-generation";
import { pairGenerationRequest } from "../../pair-generation/pair-generation.schema";
import { adminProcedure, createTRPCRouter } from "../trpc";

export const pairGenerationRouter = createTRPCRouter({
  options: adminProcedure.query(({ ctx }) => pairGenerationOptions(ctx.db)),
  start: adminProcedure.input(pairGenerationRequest).mutation(({ ctx, input }) => startPairGeneration(ctx.db, input, ctx.user.id)),
});
