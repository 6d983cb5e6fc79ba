// Every tRPC router, one per concept. A new procedure also needs its line in access.ts.
import { annotateRouter } from "./routers/annotate";
import { apiTokensRouter } from "./routers/api-tokens";
import { batchesRouter } from "./routers/batches";
import { dashboardRouter } from "./routers/dashboard";
import { healthRouter } from "./routers/health";
import { importRouter } from "./routers/import";
import { jobsRouter } from "./routers/jobs";
import { meRouter } from "./routers/me";
import { pairGenerationRouter } from "./routers/pair-generation";
import { rewardModelsRouter } from "./routers/reward-models";
import { roundsRouter } from "./routers/rounds";
import { policyVariantsRouter } from "./routers/policy-variants";
import { reviewRouter } from "./routers/review";
import { promptWritingRouter } from "./routers/prompt-writing";
import { usersRouter } from "./routers/users";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  health: healthRouter,
  me: meRouter,
  users: usersRouter,
  annotate: annotateRouter,
  dashboard: dashboardRouter,
  batches: batchesRouter,
  apiTokens: apiTokensRouter,
  jobs: jobsRouter,
  policyVariants: policyVariantsRouter,
  pairGeneration: pairGenerationRouter,
  rewardModels: rewardModelsRouter,
  rounds: roundsRouter,
  promptWriting: promptWritingRouter,
  import: importRouter,
  review: reviewRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
