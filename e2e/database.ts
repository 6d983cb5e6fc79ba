// Direct access to the e2e app's database, to check what the UI wrote. The running app says
// where its database is in DATA_DIR/runtime.json.
import fs from "node:fs";
import path from "node:path";
import type pg from "pg";
import { withPgClient } from "../server/db/pg-client";
import { e2eDataDir } from "./data-dir";

export function withDatabase<T>(work: (db: pg.Client) => Promise<T>): Promise<T> {
  const { databaseUrl } = JSON.parse(fs.readFileSync(path.join(e2eDataDir, "runtime.json"), "utf8")) as { databaseUrl: string };
  return withPgClient(databaseUrl, work);
}
