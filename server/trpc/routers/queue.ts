import { queueSummary } from "../../queue/queue-summary";
import { annotatorProcedure, createTRPCRouter } from "../trpc";

export const queueRouter = createTRPCRouter({
  summary: annotatorProcedure.query(({ ctx }) => queueSummary(ctx.db, ctx.user.id)),
});
