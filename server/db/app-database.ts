// For command-line tools: the database of this checkout's app. DATABASE_URL when set; else the
// running `npm start` (it says where its embedded PostgreSQL listens in DATA_DIR/runtime.json);
// else the embedded database is started for the duration of the command.
import fs from "node:fs";
import path from "node:path";
import { openDatabase } from "./database";
import { isRunning } from "./embedded-postgres";
import { applyMigrations } from "./migrate";
import { config } from "../config/config";

export type AppDatabase = { url: string; close(): Promise<void> };

export async function appDatabase(dataRoot = path.resolve(config().DATA_DIR)): Promise<AppDatabase> {
  const { DATABASE_URL } = config();
  if (DATABASE_URL) return { url: DATABASE_URL, close: async () => {} };
  const runtimeFile = path.join(dataRoot, "runtime.json");
  if (fs.existsSync(runtimeFile)) {
    const runtime = JSON.parse(fs.readFileSync(runtimeFile, "utf8")) as { databaseUrl: string; pid: number };
    if (isRunning(runtime.pid)) return { url: runtime.databaseUrl, close: async () => {} };
  }
  const database = await openDatabase({ dataDir: path.join(dataRoot, "postgres") });
  // The same schema `npm start` would give it (a fresh checkout may never have started).
  await applyMigrations(database.url);
  return { url: database.url, close: () => database.stop() };
}
