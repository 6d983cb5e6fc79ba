// Rejection-sampling rounds: admins set one up (its job does the work), discard a failed one or
// complete an active one; researchers read the rounds and their results.
import { z } from "zod";
import { loopStatus } from "../../rounds/loop-status";
import { getRound, listRounds } from "../../rounds/round-report";
import { completeRound, discardRound, roundSetupOptions, startRound } from "../../rounds/round-setup";
import { roundRequest } from "../../rounds/rounds.schema";
import { adminProcedure, createTRPCRouter, researcherProcedure } from "../trpc";

const roundId = z.object({ roundId: z.string().trim().min(1).max(64) });

export const roundsRouter = createTRPCRouter({
  list: researcherProcedure.query(({ ctx }) => listRounds(ctx.db)),
  get: researcherProcedure.input(roundId).query(({ ctx, input }) => getRound(ctx.db, input.roundId)),
  loopStatus: adminProcedure.query(({ ctx }) => loopStatus(ctx.db)),
  setupOptions: adminProcedure.query(({ ctx }) => roundSetupOptions(ctx.db)),
  start: adminProcedure.input(roundRequest).mutation(({ ctx, input }) => startRound(ctx.db, input, ctx.user.id)),
  discard: adminProcedure.input(roundId).mutation(({ ctx, input }) => discardRound(ctx.db, input.roundId)),
  complete: adminProcedure.input(roundId).mutation(({ ctx, input }) => completeRound(ctx.db, input.roundId)),
});
