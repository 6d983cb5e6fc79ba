import { batchOverview } from "../../dashboard/overview";
import { goldAccuracy } from "../../gold/gold";
import { createTRPCRouter, researcherProcedure } from "../trpc";

export const dashboardRouter = createTRPCRouter({
  batches: researcherProcedure.query(({ ctx }) => batchOverview(ctx.db)),
  goldAccuracy: researcherProcedure.query(({ ctx }) => goldAccuracy(ctx.db)),
});
