// A real worker process (pg-boss, heartbeat, run-job) with one fixture handler, for tests that
// kill workers: `node --import tsx workers/jobs/testing/fixture-worker.ts hanging|steps`.
import { prisma } from "../../../server/db/prisma";
import { createBoss } from "../../../server/jobs/job-queue";
import { registerJobHandlers } from "../register";
import { hangingHandler, stepsHandler } from "./fixture-handlers";

const handler = process.argv[2] === "hanging" ? hangingHandler : stepsHandler;
const boss = createBoss(process.env.DATABASE_URL!, "worker");
boss.on("error", () => {});
await boss.start();
const workerId = `fixture-worker:${process.pid}`;
await registerJobHandlers(boss, prisma, workerId, new AbortController().signal, [handler]);
console.log(`ready ${workerId}`);
