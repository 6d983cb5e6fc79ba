import { TRPCError } from "@trpc/server";
import { cancelJob, retryJob } from "../../jobs/job-control";
import { jobDetail, listJobs, liveWorkers } from "../../jobs/job-queries";
import { jobHasEnded, watchJob, watchJobDetail, watchJobList } from "../../jobs/job-watch";
import { jobIdInput, jobListInput } from "../../jobs/jobs.schema";
import { writingJobView } from "../../prompt-writing/prompt-writing";
import { adminProcedure, annotatorProcedure, createTRPCRouter } from "../trpc";

// The subscriptions (server-sent events) check who may watch before the stream starts, as the
// queries they stand for do: jobs.watch as jobs.get, jobs.watchWriting as promptWriting.job.
export const jobsRouter = createTRPCRouter({
  list: adminProcedure.input(jobListInput).query(({ ctx, input }) => listJobs(ctx.db, input)),
  get: adminProcedure.input(jobIdInput).query(async ({ ctx, input }) => {
    const job = await jobDetail(ctx.db, input.jobId);
    if (!job) throw new TRPCError({ code: "NOT_FOUND", message: `No job ${input.jobId}.` });
    return job;
  }),
  /** One job as jobs.get shows it, pushed: a snapshot, then its changes and new log lines, until it ends. */
  watch: adminProcedure.input(jobIdInput).subscription(async ({ ctx, input, signal }) => {
    if (!(await ctx.db.job.findUnique({ where: { id: input.jobId }, select: { id: true } }))) {
      throw new TRPCError({ code: "NOT_FOUND", message: `No job ${input.jobId}.` });
    }
    return watchJobDetail(ctx.db, input.jobId, signal);
  }),
  /** Which jobs changed (at most once a second), for the jobs list to read again. */
  watchList: adminProcedure.subscription(({ signal }) => watchJobList(signal)),
  /** The author's own prompt-writing job as promptWriting.job shows it, pushed until it ends. */
  watchWriting: annotatorProcedure.input(jobIdInput).subscription(async ({ ctx, input, signal }) => {
    await writingJobView(ctx.db, ctx.user, input.jobId); // refuses another person's job, as the query does
    return watchJob(input.jobId, signal, () => writingJobView(ctx.db, ctx.user, input.jobId), (view) => jobHasEnded(view.status));
  }),
  workers: adminProcedure.query(({ ctx }) => liveWorkers(ctx.db)),
  cancel: adminProcedure.input(jobIdInput).mutation(({ ctx, input }) => cancelJob(ctx.db, input.jobId, ctx.user)),
  retry: adminProcedure.input(jobIdInput).mutation(({ ctx, input }) => retryJob(ctx.db, input.jobId, ctx.user)),
});
