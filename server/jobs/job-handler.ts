// What a job handler is and what it gets. Handlers live with their domain (workers/<concept>/),
// are listed in workers/jobs/register.ts, and are run by workers/jobs/run-job.ts, which owns the
// Job row: status, attempts, heartbeat, cancellation, progress and log lines. A handler only
// does its work and reports; it never sets the status itself.
import type { JobType } from "@prisma/client";
import type { z } from "zod";
import type { Db, Tx } from "../db/types";
import type { JobFence } from "./fence";

export type JobContext<P> = {
  job: { id: string; type: JobType; attempt: number; createdById: string | null };
  parameters: P;
  /** For reads. Writes go through `transaction`, so that they belong to this attempt. */
  db: Db;
  /**
   * Runs `fn` in a transaction that commits only while this attempt still holds the job: if the
   * job was taken over (this worker was thought dead and another runs it), it rolls back and
   * throws JobLost, and the attempt stops. Every result write of a handler goes through it.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>, options?: { timeout?: number; maxWait?: number }): Promise<T>;
  /** This attempt's fence, for a writer on a connection of its own: call lockHeldJobRaw(query,
   *  fence) in that transaction just before its COMMIT (see server/jobs/fence.ts). */
  fence: JobFence;
  /** Aborted when an admin cancels the job (or the worker is stopping); stop promptly. */
  signal: AbortSignal;
  /** Throws the cancellation if the job was cancelled; call between units of work. */
  throwIfCancelled(): void;
  /** fraction 0..1 and what is happening, shown as the job's progress bar. */
  progress(fraction: number, message?: string): Promise<void>;
  /** A line in the job's log, shown on its page. */
  log(message: string, level?: "info" | "warn" | "error"): Promise<void>;
  /** Output while running (e.g. partial texts), for the UI; written at most a few times a second. */
  setLive(value: unknown): void;
};

export type JobHandler<P = unknown> = {
  type: JobType;
  /** Validates the parameters stored on the Job row before the handler runs. */
  parameters: z.ZodType<P>;
  /** Does the work; the value returned is stored as the job's result (JSON). Write results with
   *  `context.transaction`, keyed so that a second copy is refused by the schema (a job's
   *  responses by (jobId, promptId, sampleIndex), pairs by (batchId, responseAId, responseBId)):
   *  a job may be run again after its worker died. */
  run(context: JobContext<P>): Promise<unknown>;
  /** Undoes partial writes when the job ends FAILED or CANCELLED, so the data is as it was. Runs
   *  in one transaction (`db`) that commits only while the cleaning attempt holds the job, with no
   *  short timeout: a big batch may take long to remove. */
  cleanup?(context: { jobId: string; parameters: P; db: Tx }): Promise<void>;
  /** A re-run carries on from what earlier attempts wrote. Then a job handed to another worker
   *  (its worker died or stopped) keeps its partial results; otherwise cleanup runs first. */
  resumable?: boolean;
};

/**
 * A handler's error that retrying cannot fix (bad parameters, missing rows); shown as is. With
 * `failure` (what went wrong, as data for the page that started the job) or `retryable: false`
 * (a retry would fail the same way), the failed job's result becomes a JobFailure
 * (server/jobs/jobs.schema.ts): the page shows the details, and no retry is offered or accepted.
 */
export class JobError extends Error {
  constructor(
    message: string,
    readonly outcome?: { failure?: Record<string, unknown>; retryable?: boolean },
  ) {
    super(message);
  }
}
