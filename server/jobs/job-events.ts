// Pushed job updates, the web side. Every change a job page shows makes PostgreSQL send a NOTIFY
// on "job_events" (a trigger on Job and JobLogLine, manual_job_notify in the migrations) with
// the job's id and what changed; each web process LISTENs on one dedicated connection and fans
// the notifications out to the subscriptions watching that job. Since PostgreSQL delivers each
// notification to every listening connection, this works with any number of web processes.
//
// A notification says only that something changed: the subscription reads the job again, so a
// burst of changes costs one read, and a notification lost while the connection was down costs
// nothing more than a re-read ("resync", sent to everyone when the connection comes back).
import { EventEmitter } from "node:events";
import pg from "pg";
import { config } from "../config/config";

export const JOB_EVENTS_CHANNEL = "job_events";
export type JobChange = "status" | "progress" | "live" | "log" | "resync";
type Notification = { job: string; what: Exclude<JobChange, "resync"> };

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;

class JobEventHub {
  private readonly emitter = new EventEmitter();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private retryMs = RECONNECT_MIN_MS;
  private closed = false;
  private listenedBefore = false;

  constructor(private readonly connectionString: string) {
    this.emitter.setMaxListeners(0);
  }

  /** Resolves once the connection is listening (the first call opens it). */
  ready(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: "preference-job-events" });
    client.on("notification", (message) => {
      if (message.channel !== JOB_EVENTS_CHANNEL || !message.payload) return;
      let parsed: Notification;
      try {
        parsed = JSON.parse(message.payload) as Notification;
      } catch {
        return;
      }
      this.emitter.emit(parsed.job, parsed.what);
      this.emitter.emit("*", parsed.what, parsed.job);
    });
    // A dropped connection: reconnect with backoff; whatever was missed meanwhile is re-read.
    const lost = () => {
      if (this.client !== client) return;
      this.client = null;
      client.end().catch(() => {});
      if (!this.closed && this.emitter.eventNames().length > 0) this.scheduleReconnect();
    };
    client.on("error", lost);
    client.on("end", lost);
    await client.connect();
    await client.query(`LISTEN ${JOB_EVENTS_CHANNEL}`);
    if (this.closed) {
      await client.end();
      return;
    }
    const reconnected = this.listenedBefore;
    this.client = client;
    this.listenedBefore = true;
    this.retryMs = RECONNECT_MIN_MS;
    if (reconnected) this.resyncAll();
  }

  private scheduleReconnect() {
    const wait = this.retryMs;
    this.retryMs = Math.min(RECONNECT_MAX_MS, this.retryMs * 2);
    setTimeout(() => {
      if (this.closed) return;
      this.ready().catch((error: Error) => {
        console.error(`job updates: cannot listen (${error.message}); retrying`);
        this.scheduleReconnect();
      });
    }, wait).unref();
  }

  private resyncAll() {
    for (const name of this.emitter.eventNames()) {
      if (name === "*") this.emitter.emit("*", "resync", null);
      else this.emitter.emit(name, "resync");
    }
  }

  /** Calls `listener` with what changed for `jobId` ("*": any job, with its id) until `signal` aborts. */
  on(jobId: string, listener: (what: JobChange, job?: string | null) => void, signal?: AbortSignal): () => void {
    this.emitter.on(jobId, listener);
    const off = () => this.emitter.off(jobId, listener);
    signal?.addEventListener("abort", off, { once: true });
    return off;
  }

  async close() {
    this.closed = true;
    const client = this.client;
    this.client = null;
    this.emitter.removeAllListeners();
    await client?.end().catch(() => {});
  }
}

// One hub per process, keyed by the database it listens to (tests give each file its own).
const globalForEvents = globalThis as unknown as { jobEventHub?: { url: string; hub: JobEventHub } };

export function jobEventHub(): JobEventHub {
  const url = config().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set; job updates cannot be listened to.");
  if (globalForEvents.jobEventHub?.url !== url) globalForEvents.jobEventHub = { url, hub: new JobEventHub(url) };
  return globalForEvents.jobEventHub.hub;
}

export async function stopJobEvents(): Promise<void> {
  const current = globalForEvents.jobEventHub;
  globalForEvents.jobEventHub = undefined;
  await current?.hub.close();
}

export type ChangeBatch = { what: Set<JobChange>; jobs: Set<string> };

/**
 * Listens to the changes of one job (or of every job, "*"); resolves once listening, so a read
 * made after it misses nothing. The result iterates coalesced batches: each step waits for at
 * least one change and then gives every kind of change (and job) seen since the step before, so
 * a reader slower than the writer reads once per step, not once per change. Ends when `signal`
 * aborts.
 */
export async function listenForChanges(jobId: string, signal?: AbortSignal): Promise<AsyncIterableIterator<ChangeBatch>> {
  const hub = jobEventHub();
  let pending: ChangeBatch = { what: new Set(), jobs: new Set() };
  let wake: (() => void) | null = null;
  let done = false;
  const finish = () => {
    done = true;
    off();
    wake?.();
  };
  const off = hub.on(jobId, (what, job) => {
    pending.what.add(what);
    if (job) pending.jobs.add(job);
    wake?.();
  });
  signal?.addEventListener("abort", finish, { once: true });
  try {
    await hub.ready();
  } catch (error) {
    finish();
    throw error;
  }
  const iterator: AsyncIterableIterator<ChangeBatch> = {
    [Symbol.asyncIterator]: () => iterator,
    async next() {
      if (!done && pending.what.size === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      if (done || signal?.aborted) return { done: true, value: undefined };
      const batch = pending;
      pending = { what: new Set(), jobs: new Set() };
      return { done: false, value: batch };
    },
    async return() {
      finish();
      signal?.removeEventListener("abort", finish);
      return { done: true, value: undefined };
    },
  };
  return iterator;
}
