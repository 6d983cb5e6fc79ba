// `npm run worker`: one worker process. Connects to DATABASE_URL (the same database as the web
// app; on GPU machines point it at the shared PostgreSQL), announces itself, works the job
// queues and, now and then, recovers jobs whose worker died.
import { prisma, disconnectPrisma } from "../server/db/prisma";
import { removeStaleUploads } from "../server/import/uploads";
import { createBoss } from "../server/jobs/job-queue";
import { closePolicyBackends } from "./policy/open-backend";
import { startHeartbeat } from "./heartbeat";
import { recoverStalledJobs, STALE_AFTER_MS } from "./jobs/recover-stalled";
import { handlersByType, registerJobHandlers } from "./jobs/register";
import { config } from "../server/config/config";

async function main() {
  const url = config().DATABASE_URL;
  if (!url) {
    throw new Error("DATABASE_URL is not set. `npm start` provides it; a standalone worker needs the web app's database URL.");
  }
  const boss = createBoss(url, "worker");
  let stopping = false;
  const stop = new AbortController();
  // Errors while stopping are the database going away with us (Ctrl-C reaches the whole group).
  boss.on("error", (error: Error) => {
    if (!stopping) console.error(`queue error: ${error.message}`);
  });
  await boss.start();
  const heartbeat = await startHeartbeat(prisma);
  const types = await registerJobHandlers(boss, prisma, heartbeat.id, stop.signal);
  console.log(`Worker ${heartbeat.id} ready (${types.length ? types.join(", ") : "no job types registered"}).`);

  const recover = async () => {
    try {
      const { requeued, failed, cancelled } = await recoverStalledJobs(prisma, handlersByType());
      const total = requeued.length + failed.length + cancelled.length;
      if (total) console.log(`Recovered ${total} stalled job(s): ${requeued.length} queued again, ${failed.length} failed, ${cancelled.length} cancelled.`);
    } catch (error) {
      if (!stopping) console.error(`stalled-job recovery failed: ${(error as Error).message}`);
    }
  };
  void recover();
  const recovery = setInterval(() => void recover(), Math.max(5_000, STALE_AFTER_MS / 2));

  // Uploads nobody imported (previewed and left, failed imports) go after their retention time.
  const sweepUploads = async () => {
    try {
      const removed = await removeStaleUploads(prisma);
      if (removed.length) console.log(`Removed ${removed.length} upload(s) older than the retention time that no import needs.`);
    } catch (error) {
      if (!stopping) console.error(`upload cleanup failed: ${(error as Error).message}`);
    }
  };
  void sweepUploads();
  const uploadSweep = setInterval(() => void sweepUploads(), 15 * 60_000);

  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // Gone from the live workers at once: it takes no new job, and pages must not count on it.
    await heartbeat.stop();
    console.log(`Worker ${heartbeat.id} stopping (${signal}): its running jobs go back to the queue.`);
    clearInterval(recovery);
    clearInterval(uploadSweep);
    // Stop fetching first, then tell running jobs to put themselves back in the queue
    // (run-job.ts, WorkerStopping) for another worker.
    const stopped = boss.stop({ graceful: true, timeout: 10_000, wait: true });
    stop.abort();
    await stopped;
    await closePolicyBackends();
    await disconnectPrisma();
    console.log(`Worker ${heartbeat.id} stopped.`);
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: Error) => {
  console.error(`worker failed to start: ${error.message}`);
  process.exit(1);
});
