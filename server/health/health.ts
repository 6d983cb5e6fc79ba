// What the health endpoint reports. Anyone may learn whether the platform is up (load
// balancers, uptime checks); the details (migrations, latency, worker host names and process
// ids, the database's own error) are for admins only: they map the deployment for an attacker.
import type { CurrentUser } from "../auth/current-user";
import { mayEnter } from "../auth/roles";
import type { DbOrTx } from "../db/types";
import { liveWorkers } from "../jobs/job-queries";
import { userForRequest } from "../api-tokens/api-tokens";
import { prisma } from "../db/prisma";

export type PublicHealth = { status: "ok" | "degraded" };

export type Health = PublicHealth & {
  database: { ok: boolean; latencyMs?: number; migrations?: number; error?: string };
  workers: { id: string; hostname: string; pid: number; lastSeenAt: string }[];
  /** Why the status is degraded, in words an operator can act on. */
  problems: string[];
};

/** Jobs (pair generation, prompt writing, imports, training) wait while no worker runs: the platform is not all up. */
export const NO_WORKER = "No worker has checked in: jobs wait until one runs (`npm start` starts one; `npm run worker` starts more).";

/** Everything: for admins. */
export async function checkHealth(db: DbOrTx): Promise<Health> {
  const started = performance.now();
  try {
    const [{ migrations }] = await db.$queryRaw<[{ migrations: number }]>`
      SELECT count(*)::int AS migrations FROM "_prisma_migrations" WHERE finished_at IS NOT NULL`;
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const workers = await liveWorkers(db);
    const problems = workers.length ? [] : [NO_WORKER];
    return {
      status: problems.length ? "degraded" : "ok",
      database: { ok: true, latencyMs, migrations },
      workers: workers.map((w) => ({ id: w.id, hostname: w.hostname, pid: w.pid, lastSeenAt: w.lastSeenAt.toISOString() })),
      problems,
    };
  } catch (error) {
    return { status: "degraded", database: { ok: false, error: (error as Error).message }, workers: [], problems: ["The database cannot be reached."] };
  }
}

/** Up or down, and nothing else: for anyone. */
export async function publicHealth(db: DbOrTx): Promise<PublicHealth> {
  return { status: (await checkHealth(db)).status };
}

/**
 * The health endpoint's answer for this requester: details for admins, up or down otherwise.
 * 503 only when the database is down: without a worker the web app still serves (degraded, 200).
 */
export async function healthFor(db: DbOrTx, user: CurrentUser | null): Promise<{ status: 200 | 503; body: PublicHealth | Health }> {
  const health = await checkHealth(db);
  const body = user && mayEnter(user.role, "admin") ? health : { status: health.status };
  return { status: health.database.ok ? 200 : 503, body };
}

/** /api/health's answer to an HTTP request: public status, details for an admin (session or token). */
export async function healthForRequest(headers: Headers) {
  const user = await userForRequest(prisma, headers).catch(() => null);
  return healthFor(prisma, user);
}
