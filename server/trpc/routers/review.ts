import { markPromptBad, removePairFromBatch, resolveReviewItem, reviewCounts, reviewItems } from "../../review/review";
import { markPromptBadInput, removePairInput, resolveInput, reviewListInput } from "../../review/review.schema";
import { createTRPCRouter, researcherProcedure } from "../trpc";

export const reviewRouter = createTRPCRouter({
  list: researcherProcedure.input(reviewListInput).query(({ ctx, input }) => reviewItems(ctx.db, input)),
  counts: researcherProcedure.query(({ ctx }) => reviewCounts(ctx.db)),
  resolve: researcherProcedure.input(resolveInput).mutation(({ ctx, input }) => resolveReviewItem(ctx.db, ctx.user.id, input)),
  removePair: researcherProcedure.input(removePairInput).mutation(({ ctx, input }) => removePairFromBatch(ctx.db, ctx.user.id, input)),
  markPromptBad: researcherProcedure.input(markPromptBadInput).mutation(({ ctx, input }) => markPromptBad(ctx.db, ctx.user.id, input)),
});
