// Once per test run: a PostgreSQL server (DATABASE_URL's, or a fresh embedded one under
// .data/test-postgres) and a template database with every migration applied.
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../db/embedded-postgres";
import { applyMigrations } from "../db/migrate";

export const TEMPLATE_DATABASE = "preference_test_template";

function withDatabase(url: string, database: string) {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export default async function setup(project: TestProject) {
  let serverUrl = process.env.DATABASE_URL;
  let stop = async () => {};
  if (!serverUrl) {
    const dataDir = path.join(process.cwd(), ".data", "test-postgres");
    fs.rmSync(dataDir, { recursive: true, force: true });
    const embedded = await startEmbeddedPostgres({ dataDir });
    serverUrl = embedded.url;
    stop = async () => {
      await embedded.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    };
  }

  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.end();
  await applyMigrations(withDatabase(serverUrl, TEMPLATE_DATABASE));

  project.provide("testServerUrl", serverUrl);
  return stop;
}

declare module "vitest" {
  export interface ProvidedContext {
    testServerUrl: string;
  }
}
