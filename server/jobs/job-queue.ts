// The queue under the Job rows: pg-boss 10 in the same PostgreSQL (v11+ need Node 22). A queue
// message carries only the Job id; the Job row is the truth about a job (status, attempts,
// progress), so pg-boss never retries on its own: run-job.ts and the stalled-job recovery do.
// Web processes only send (no maintenance or scheduling there); worker processes work.
import crypto from "node:crypto";
import type { JobType } from "@prisma/client";
import PgBoss from "pg-boss";
import type { Tx } from "../db/types";
import { config } from "../config/config";

export type QueueMessage = { jobId: string };

/** One queue per job type, so a GPU worker can take the model jobs and a CPU worker the rest. */
export function queueNameFor(type: JobType): string {
  return `job-${type.toLowerCase().replace(/_/g, "-")}`;
}

const QUEUE_OPTIONS = { retryLimit: 0, expireInHours: 23 } as const;

export function createBoss(connectionString: string, role: "producer" | "worker"): PgBoss {
  return new PgBoss({
    connectionString,
    schema: "pgboss",
    application_name: `preference-${role}`,
    ...(role === "producer" ? { supervise: false, schedule: false, max: 2 } : {}),
  });
}

/** A new id for the next queue message of a job (stored on the Job row before sending). */
export function newQueueJobId(): string {
  return crypto.randomUUID();
}

const createdQueues = new WeakMap<PgBoss, Set<string>>();

export async function ensureQueue(boss: PgBoss, type: JobType): Promise<string> {
  const name = queueNameFor(type);
  const created = createdQueues.get(boss) ?? new Set<string>();
  createdQueues.set(boss, created);
  if (!created.has(name)) {
    await boss.createQueue(name, { name, ...QUEUE_OPTIONS });
    created.add(name);
  }
  return name;
}

/**
 * pg-boss's statements run on the caller's transaction (pg-boss 10's `db` option of send): the
 * message commits with the Job row that waits for it, or neither does.
 */
function onTransaction(tx: Tx): PgBoss.Db {
  return {
    async executeSql(text, values) {
      // node-postgres would send objects as JSON and undefined as NULL; Prisma's raw queries need it said.
      const params = values.map((v) => (v === undefined ? null : v !== null && typeof v === "object" && !(v instanceof Date) ? JSON.stringify(v) : v));
      return { rows: await tx.$queryRawUnsafe<unknown[]>(text, ...params) };
    },
  };
}

/** Writes a job's queue message in the caller's transaction (the one that queued the Job row). */
export async function sendToQueue(tx: Tx, job: { id: string; type: JobType; queueJobId: string }): Promise<void> {
  const boss = await jobProducer();
  const name = await ensureQueue(boss, job.type);
  const message: QueueMessage = { jobId: job.id };
  const sent = await boss.send(name, message, { id: job.queueJobId, ...QUEUE_OPTIONS, db: onTransaction(tx) });
  if (!sent) throw new Error(`pg-boss did not accept the message for job ${job.id}`);
}

// One producer per process, started on first use and keyed by the database it talks to
// (tests give each file its own database).
const globalForQueue = globalThis as unknown as { jobProducer?: { url: string; boss: Promise<PgBoss> } };

export function jobProducer(): Promise<PgBoss> {
  const url = config().DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set; jobs cannot be queued.");
  if (globalForQueue.jobProducer?.url !== url) {
    const boss = createBoss(url, "producer");
    // Connection errors surface on the next send; an unhandled 'error' event would kill the process.
    boss.on("error", (error) => console.error(`job queue: ${error.message}`));
    globalForQueue.jobProducer = { url, boss: boss.start() };
  }
  return globalForQueue.jobProducer.boss;
}

export async function stopJobProducer(): Promise<void> {
  const producer = globalForQueue.jobProducer;
  globalForQueue.jobProducer = undefined;
  if (producer) await (await producer.boss).stop({ graceful: false, wait: true }).catch(() => {});
}
