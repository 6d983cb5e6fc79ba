import { TRPCError } from "@trpc/server";
import { cancelJob, retryJob } from "../../jobs/job-control";
import { jobDetail, listJobs, liveWorkers } from "../../jobs/job-queries";
import { jobIdInput, jobListInput } from "../../jobs/jobs.schema";
import { adminProcedure, createTRPCRouter } from "../trpc";

export const jobsRouter = createTRPCRouter({
  list: adminProcedure.input(jobListInput).query(({ ctx, input }) => listJobs(ctx.db, input)),
  get: adminProcedure.input(jobIdInput).query(async ({ ctx, input }) => {
    const job = await jobDetail(ctx.db, input.jobId);
    if (!job) throw new TRPCError({ code: "NOT_FOUND", message: `No job ${input.jobId}.` });
    return job;
  }),
  workers: adminProcedure.query(({ ctx }) => liveWorkers(ctx.db)),
  cancel: adminProcedure.input(jobIdInput).mutation(({ ctx, input }) => cancelJob(ctx.db, input.jobId, ctx.user)),
  retry: adminProcedure.input(jobIdInput).mutation(({ ctx, input }) => retryJob(ctx.db, input.jobId, ctx.user)),
});
