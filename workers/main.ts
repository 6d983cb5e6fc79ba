// `npm run worker`: one worker process. Connects to DATABASE_URL (the same database as the web
// app; on GPU machines point it at the shared PostgreSQL), starts the queue and announces
// itself. Job handlers are registered in workers/jobs/ as they are built.
import { prisma, disconnectPrisma } from "../server/db/prisma";
import { startHeartbeat } from "./heartbeat";
import { registerJobHandlers } from "./jobs/register";
import { createBoss } from "./queue/boss";

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error("DATABASE_URL is not set. `npm start` provides it; a standalone worker needs the web app's database URL.");
  }
  const boss = createBoss(url);
  let stopping = false;
  // Errors while stopping are the database going away with us (Ctrl-C reaches the whole group).
  boss.on("error", (error) => {
    if (!stopping) console.error(`queue error: ${error.message}`);
  });
  await boss.start();
  const handlers = await registerJobHandlers(boss);
  const heartbeat = await startHeartbeat(prisma);
  console.log(`Worker ${heartbeat.id} ready (${handlers.length ? handlers.join(", ") : "no job types registered yet"}).`);

  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await boss.stop({ graceful: true, timeout: 10_000, wait: true });
    await heartbeat.stop();
    await disconnectPrisma();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());
}

main().catch((error: Error) => {
  console.error(`worker failed to start: ${error.message}`);
  process.exit(1);
});
