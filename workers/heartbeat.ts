// A worker announces itself in WorkerProcess and checks in every few seconds, so the admin
// pages and /api/health can tell whether anyone will pick jobs up.
import crypto from "node:crypto";
import os from "node:os";
import type { Db } from "../server/db/types";

export const HEARTBEAT_INTERVAL_MS = 15_000;

export async function startHeartbeat(db: Db) {
  const id = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString("hex")}`;
  await db.workerProcess.create({ data: { id, hostname: os.hostname(), pid: process.pid } });
  const timer = setInterval(() => {
    db.workerProcess
      .update({ where: { id }, data: { lastSeenAt: new Date() } })
      .catch((error: Error) => console.error(`worker heartbeat failed: ${error.message}`));
  }, HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return {
    id,
    /** Leaves the list of live workers: called first thing when the worker stops, not when it has. */
    async stop() {
      clearInterval(timer);
      await db.workerProcess.deleteMany({ where: { id } }).catch(() => {});
    },
  };
}
