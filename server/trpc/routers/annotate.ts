// The compare screen's procedures: thin wiring of server/annotation and server/queue.
import { flagInput, releaseInput, skipInput, submitInput, undoInput } from "../../annotation/annotation.schema";
import { flagPair, skipPair } from "../../annotation/skip";
import { submitComparison } from "../../annotation/submit";
import { undoComparison } from "../../annotation/undo";
import { leaseNextTask } from "../../queue/lease";
import { queueProgress } from "../../queue/progress";
import { releaseLease } from "../../queue/release";
import { annotatorProcedure, createTRPCRouter } from "../trpc";

export const annotateRouter = createTRPCRouter({
  current: annotatorProcedure.query(({ ctx }) => leaseNextTask(ctx.db, ctx.user.id)),
  progress: annotatorProcedure.query(({ ctx }) => queueProgress(ctx.db, ctx.user.id)),
  submit: annotatorProcedure.input(submitInput).mutation(({ ctx, input }) => submitComparison(ctx.db, ctx.user.id, input)),
  skip: annotatorProcedure.input(skipInput).mutation(({ ctx, input }) => skipPair(ctx.db, ctx.user.id, input)),
  flag: annotatorProcedure.input(flagInput).mutation(({ ctx, input }) => flagPair(ctx.db, ctx.user.id, input)),
  undo: annotatorProcedure.input(undoInput).mutation(({ ctx, input }) => undoComparison(ctx.db, ctx.user.id, input)),
  release: annotatorProcedure.input(releaseInput).mutation(({ ctx, input }) => releaseLease(ctx.db, ctx.user.id, input.assignmentId)),
});
