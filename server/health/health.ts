// What the health endpoint reports: can we reach the database, which migrations are applied,
// and which workers have checked in recently.
import type { DbOrTx } from "../db/types";
import { liveWorkers } from "../jobs/job-queries";

export type Health = {
  status: "ok" | "degraded";
  database: { ok: boolean; latencyMs?: number; migrations?: number; error?: string };
  workers: { id: string; hostname: string; pid: number; lastSeenAt: string }[];
};

export async function checkHealth(db: DbOrTx): Promise<Health> {
  const started = performance.now();
  try {
    const [{ migrations }] = await db.$queryRaw<[{ migrations: number }]>`
      SELECT count(*)::int AS migrations FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`;
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const workers = await liveWorkers(db);
    return {
      status: "ok",
      database: { ok: true, latencyMs, migrations },
      workers: workers.map((w) => ({ id: w.id, hostname: w.hostname, pid: w.pid, lastSeenAt: w.lastSeenAt.toISOString() })),
    };
  } catch (error) {
    return { status: "degraded", database: { ok: false, error: (error as Error).message }, workers: [] };
  }
}
