import { z } from "zod";

// Spelled out (not imported from @prisma/client) so client pages can import this file;
// server/jobs/jobs.test.ts checks they match the database enums.
export const JOB_STATUSES = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"] as const;
export const JOB_TYPES = [
  "POLICY_SAMPLING",
  "EMBEDDING",
  "REWARD_TRAINING",
  "REWARD_SCORING",
  "REJECTION_SAMPLING",
  "PAIR_GENERATION",
  "IMPORT",
  "EXPORT",
] as const;

export const jobListInput = z.object({
  status: z.enum(JOB_STATUSES).optional(),
  type: z.enum(JOB_TYPES).optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type JobListInput = z.infer<typeof jobListInput>;

export const jobIdInput = z.object({ jobId: z.string().min(1) });

/** A failed job's result when its handler said why in data (JobError's outcome). */
export const jobFailureSchema = z.object({ failure: z.record(z.string(), z.unknown()).nullable(), retryable: z.boolean() });
export type JobFailure = z.infer<typeof jobFailureSchema>;

/** Whether Retry may run the job again: it failed or was cancelled, and not in a way a retry would repeat. */
export function jobRetryable(job: { status: string; result?: unknown }): boolean {
  if (job.status === "CANCELLED") return true;
  if (job.status !== "FAILED") return false;
  const failed = jobFailureSchema.safeParse(job.result);
  return !failed.success || failed.data.retryable;
}
