// Where the database is: DATABASE_URL when set (a managed PostgreSQL in production), else the
// project's own embedded PostgreSQL under .data/.
import path from "node:path";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { config } from "../config/config";

export type Database = { url: string; embedded: boolean; stop(): Promise<void> };

export async function openDatabase(options: { dataDir?: string; log?: (line: string) => void } = {}): Promise<Database> {
  const { DATABASE_URL } = config();
  if (DATABASE_URL) {
    return { url: DATABASE_URL, embedded: false, stop: async () => {} };
  }
  const dataDir = options.dataDir ?? path.join(process.cwd(), ".data", "postgres");
  const embedded = await startEmbeddedPostgres({ dataDir, log: options.log });
  return { url: embedded.url, embedded: true, stop: embedded.stop };
}
