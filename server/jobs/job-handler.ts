// What a job handler is and what it gets. Handlers live with their domain (workers/<concept>/),
// are listed in workers/jobs/register.ts, and are run by workers/jobs/run-job.ts, which owns the
// Job row: status, attempts, heartbeat, cancellation, progress and log lines. A handler only
// does its work and reports; it never sets the status itself.
import type { JobType } from "@prisma/client";
import type { z } from "zod";
import type { Db } from "../db/types";

export type JobContext<P> = {
  job: { id: string; type: JobType; attempt: number; createdById: string | null };
  parameters: P;
  db: Db;
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
  /** Does the work; the value returned is stored as the job's result (JSON). Write results in
   *  transactions or idempotently: a job may be run again after its worker died. */
  run(context: JobContext<P>): Promise<unknown>;
  /** Undoes partial writes when the job ends FAILED or CANCELLED, so the data is as it was. */
  cleanup?(context: { jobId: string; parameters: P; db: Db }): Promise<void>;
  /** A re-run carries on from what earlier attempts wrote. Then a job handed to another worker
   *  (its worker died or stopped) keeps its partial results; otherwise cleanup runs first. */
  resumable?: boolean;
};

/** A handler's error that retrying cannot fix (bad parameters, missing rows); shown as is. */
export class JobError extends Error {}
