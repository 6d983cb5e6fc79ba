// What a watched job page is sent (tRPC subscriptions over server-sent events, fed by
// job-events.ts): one read of the job when the page subscribes (and again whenever the stream
// reconnects), then one read per batch of changes. The stream ends once the job has ended, so a
// finished job holds no connection; a retry on the page subscribes again.
import type { JobStatus } from "@prisma/client";
import type { Db } from "../db/types";
import { refuse } from "../errors/domain-error";
import { type ChangeBatch, listenForChanges } from "./job-events";
import { jobDetail } from "./job-queries";

export const ENDED_STATUSES: readonly JobStatus[] = ["SUCCEEDED", "FAILED", "CANCELLED"];
export const jobHasEnded = (status: JobStatus | string) => (ENDED_STATUSES as readonly string[]).includes(status);

/**
 * The generic watch: yields `read(null)` at once, then `read(changes)` after each batch of
 * changes of the job, until a value for which `ended` is true (yielded, then the stream ends) or
 * `signal` aborts. Listening starts before the first read, so no change falls between.
 */
export async function* watchJob<T>(
  jobId: string,
  signal: AbortSignal | undefined,
  read: (changes: ChangeBatch | null) => Promise<T>,
  ended: (value: T) => boolean,
): AsyncGenerator<T, void, unknown> {
  const changes = await listenForChanges(jobId, signal);
  try {
    let value = await read(null);
    yield value;
    if (ended(value)) return;
    for await (const batch of changes) {
      value = await read(batch);
      yield value;
      if (ended(value)) return;
    }
  } finally {
    await changes.return?.();
  }
}

type Detail = NonNullable<Awaited<ReturnType<typeof jobDetail>>>;
export type JobLogLineView = Detail["log"][number];
/** The job's row as the jobs page shows it, without its parameters (which never change and can be long). */
export type JobState = Omit<Detail, "log" | "parameters">;

export type JobUpdate =
  /** The whole job with its last log lines: the page replaces what it had. */
  | { kind: "snapshot"; job: Detail }
  /** What it is now and the log lines added since the last update. */
  | { kind: "change"; job: JobState; log: JobLogLineView[] };

const LOG_LIMIT = 500;
/**
 * A line's id is drawn when it is inserted, not when it commits, so a line can become visible
 * below one already sent (two writers: the worker and a control action). Lines this close
 * below the highest sent are read again, and only those not sent yet go out.
 */
const LATE_LINE_WINDOW = 1000n;

/** The admin's view of one job (the same as jobs.get), kept up to date. */
export function watchJobDetail(db: Db, jobId: string, signal?: AbortSignal): AsyncGenerator<JobUpdate, void, unknown> {
  let lastLogId: bigint | null = null;
  const sent = new Set<bigint>();
  return watchJob<JobUpdate>(
    jobId,
    signal,
    async (changes) => {
      if (!changes || changes.what.has("resync") || lastLogId === null) {
        const job = await jobDetail(db, jobId, LOG_LIMIT);
        if (!job) throw refuse("not-found", `No job ${jobId}.`);
        lastLogId = job.log.length ? BigInt(job.log.at(-1)!.id) : 0n;
        sent.clear();
        for (const line of job.log) sent.add(BigInt(line.id));
        return { kind: "snapshot", job };
      }
      const row = await db.job.findUnique({ where: { id: jobId }, include: { createdBy: { select: { name: true, email: true } } } });
      if (!row) throw refuse("not-found", `No job ${jobId}.`);
      const { parameters: _parameters, ...state } = row;
      // The last update reads the log whatever the batch says: a job's final lines commit with
      // its final status, and their notice may come in a batch after the one that ends the stream.
      const recent = changes.what.has("log") || jobHasEnded(row.status)
        ? await db.jobLogLine.findMany({ where: { jobId, id: { gt: lastLogId - LATE_LINE_WINDOW } }, orderBy: { id: "asc" }, take: LOG_LIMIT })
        : [];
      const lines = recent.filter((line) => !sent.has(line.id));
      for (const line of lines) {
        sent.add(line.id);
        if (line.id > lastLogId) lastLogId = line.id;
      }
      for (const id of sent) if (id <= lastLogId - LATE_LINE_WINDOW) sent.delete(id);
      return { kind: "change", job: state, log: lines.map((line) => ({ ...line, id: line.id.toString() })) };
    },
    (update) => jobHasEnded(update.job.status),
  );
}

/** For the jobs list: which jobs changed, at most every `intervalMs` (the page reads the list again). */
export async function* watchJobList(signal?: AbortSignal, intervalMs = 1_000): AsyncGenerator<{ jobIds: string[] }, void, unknown> {
  const changes = await listenForChanges("*", signal);
  try {
    for await (const batch of changes) {
      yield { jobIds: [...batch.jobs] };
      // Changes arriving meanwhile are gathered into the next batch.
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  } finally {
    await changes.return?.();
  }
}
