// The job types this worker runs. Each later capability (policy sampling, reward training,
// rejection sampling, imports, exports) adds its handler here; the web side only enqueues.
import type PgBoss from "pg-boss";

type JobHandler = { queue: string; work: PgBoss.WorkHandler<object> };

const handlers: JobHandler[] = [];

/** Creates each queue and starts working it; returns the queue names. */
export async function registerJobHandlers(boss: PgBoss): Promise<string[]> {
  for (const handler of handlers) {
    await boss.createQueue(handler.queue);
    await boss.work(handler.queue, handler.work);
  }
  return handlers.map((h) => h.queue);
}
