import { agreementSummary } from "../../dashboard/agreement-summary";
import { batchOverview } from "../../dashboard/overview";
import { annotatorStats, comparisonsOverTime, distributions, filterOptions } from "../../dashboard/stats";
import { dashboardFiltersInput } from "../../dashboard/stats.schema";
import { goldAccuracy } from "../../gold/gold";
import { createTRPCRouter, researcherProcedure } from "../trpc";

export const dashboardRouter = createTRPCRouter({
  batches: researcherProcedure.query(({ ctx }) => batchOverview(ctx.db)),
  goldAccuracy: researcherProcedure.query(({ ctx }) => goldAccuracy(ctx.db)),
  filterOptions: researcherProcedure.query(({ ctx }) => filterOptions(ctx.db)),
  overTime: researcherProcedure.input(dashboardFiltersInput).query(({ ctx, input }) => comparisonsOverTime(ctx.db, input)),
  distributions: researcherProcedure.input(dashboardFiltersInput).query(({ ctx, input }) => distributions(ctx.db, input)),
  annotators: researcherProcedure.input(dashboardFiltersInput).query(({ ctx, input }) => annotatorStats(ctx.db, input)),
  agreement: researcherProcedure.input(dashboardFiltersInput).query(({ ctx, input }) => agreementSummary(ctx.db, input)),
});
