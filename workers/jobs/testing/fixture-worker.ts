// A real worker process (pg-boss, heartbeat, run-job) with one fixture handler, for tests that
// kill or pause workers, or that need jobs run while they drive the web side:
// `node --import tsx workers/jobs/testing/fixture-worker.ts hanging|steps|slow-pairs|import`.
// import is the real IMPORT handler.
// slow-pairs is the real pair-generation handler on a scripted backend whose every generation
// takes SLOW_PAIRS_MS and is announced on stdout ("generating seed N").
import { prisma } from "../../../server/db/prisma";
import { createBoss } from "../../../server/jobs/job-queue";
import { importHandler } from "../../import/import-job";
import { makePairGenerationHandler } from "../../pair-generation/pair-generation-job";
import { registerJobHandlers } from "../register";
import { hangingHandler, stepsHandler } from "./fixture-handlers";
import { scriptedBackend } from "./scripted-backend";

const mode = process.argv[2];
const slowPairs = () => {
  const backend = scriptedBackend(Number(process.env.SLOW_PAIRS_MS ?? 2_000), (request) => console.log(`generating seed ${request.sampling.seed}`));
  return makePairGenerationHandler(async () => backend);
};
const handler = mode === "hanging" ? hangingHandler : mode === "slow-pairs" ? slowPairs() : mode === "import" ? importHandler : stepsHandler;
const boss = createBoss(process.env.DATABASE_URL!, "worker");
boss.on("error", () => {});
await boss.start();
const workerId = `fixture-worker:${process.pid}`;
await registerJobHandlers(boss, prisma, workerId, new AbortController().signal, [handler]);
console.log(`ready ${workerId}`);
