import { batchOverview } from "../../dashboard/overview";
import { createTRPCRouter, researcherProcedure } from "../trpc";

export const dashboardRouter = createTRPCRouter({
  batches: researcherProcedure.query(({ ctx }) => batchOverview(ctx.db)),
});
