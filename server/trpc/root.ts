// Every tRPC router, one per concept. A new procedure also needs its line in access.ts.
import { dashboardRouter } from "./routers/dashboard";
import { healthRouter } from "./routers/health";
import { meRouter } from "./routers/me";
import { queueRouter } from "./routers/queue";
import { usersRouter } from "./routers/users";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  health: healthRouter,
  me: meRouter,
  users: usersRouter,
  queue: queueRouter,
  dashboard: dashboardRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
