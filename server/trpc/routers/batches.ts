import { batchPairs, listBatches, updateBatch } from "../../batches/batches";
import { batchPairsInput, updateBatchInput } from "../../batches/batches.schema";
import { setGold } from "../../gold/gold";
import { setGoldInput } from "../../gold/gold.schema";
import { adminProcedure, createTRPCRouter, researcherProcedure } from "../trpc";

export const batchesRouter = createTRPCRouter({
  list: researcherProcedure.query(({ ctx }) => listBatches(ctx.db)),
  pairs: researcherProcedure.input(batchPairsInput).query(({ ctx, input }) => batchPairs(ctx.db, input)),
  setGold: researcherProcedure.input(setGoldInput).mutation(({ ctx, input }) => setGold(ctx.db, input)),
  update: adminProcedure.input(updateBatchInput).mutation(({ ctx, input }) => updateBatch(ctx.db, input)),
});
