// Reward models: admins train, activate, retire and score; researchers read models and their accuracy.
import { z } from "zod";
import {
  accuracyOnBatches,
  activateRewardModel,
  annotatorModelAgreement,
  compareRewardModels,
  getRewardModel,
  listRewardModels,
  retireRewardModel,
} from "../../reward-models/registry";
import { rewardScoringParameters, rewardTrainingParameters } from "../../reward-models/reward-models.schema";
import { rewardTrainingOptions, startRewardScoring, startRewardTraining } from "../../reward-models/reward-training";
import { adminProcedure, createTRPCRouter, researcherProcedure } from "../trpc";

const modelId = z.object({ rewardModelId: z.string().trim().min(1).max(64) });

export const rewardModelsRouter = createTRPCRouter({
  list: researcherProcedure.query(({ ctx }) => listRewardModels(ctx.db)),
  get: researcherProcedure.input(modelId).query(({ ctx, input }) => getRewardModel(ctx.db, input.rewardModelId)),
  compare: researcherProcedure
    .input(z.object({ a: z.string().trim().min(1).max(64), b: z.string().trim().min(1).max(64) }))
    .query(({ ctx, input }) => compareRewardModels(ctx.db, input.a, input.b)),
  accuracyOnBatches: researcherProcedure.input(modelId).query(({ ctx, input }) => accuracyOnBatches(ctx.db, input.rewardModelId)),
  annotatorAgreement: researcherProcedure.query(({ ctx }) => annotatorModelAgreement(ctx.db)),
  trainingOptions: adminProcedure.query(({ ctx }) => rewardTrainingOptions(ctx.db)),
  train: adminProcedure.input(rewardTrainingParameters).mutation(({ ctx, input }) => startRewardTraining(ctx.db, input, ctx.user.id)),
  score: adminProcedure.input(rewardScoringParameters).mutation(({ ctx, input }) => startRewardScoring(ctx.db, input, ctx.user.id)),
  activate: adminProcedure.input(modelId).mutation(({ ctx, input }) => activateRewardModel(ctx.db, input.rewardModelId)),
  retire: adminProcedure.input(modelId).mutation(({ ctx, input }) => retireRewardModel(ctx.db, input.rewardModelId)),
});
