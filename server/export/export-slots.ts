// How many exports one person may stream at once (EXPORT_MAX_CONCURRENT_PER_USER, default 2),
// across every web process: each running export holds one of the user's slots as a PostgreSQL
// advisory lock on a connection of its own, which the database lets go the moment that
// connection closes, whether the export finished, failed or was abandoned.
import pg from "pg";
import { config } from "../config/config";

export function maxExportsPerUser(env: Record<string, string | undefined> = process.env): number {
  return config(env).EXPORT_MAX_CONCURRENT_PER_USER;
}

export type ExportSlot = { release(): Promise<void> };

/** One of the user's export slots, or null when all are taken. */
export async function takeExportSlot(connectionString: string, userId: string, max = maxExportsPerUser()): Promise<ExportSlot | null> {
  const client = new pg.Client({ connectionString, application_name: "export slot" });
  client.on("error", () => {});
  await client.connect();
  try {
    for (let slot = 0; slot < max; slot++) {
      const { rows } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtext($1), $2) AS ok", [`export:${userId}`, slot]);
      if (rows[0]!.ok) {
        let released: Promise<void> | null = null;
        return { release: () => (released ??= client.end().catch(() => {})) };
      }
    }
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  await client.end().catch(() => {});
  return null;
}
