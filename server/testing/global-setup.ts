// Once per test run: a PostgreSQL server (DATABASE_URL's, or a fresh embedded one under
// .data/test-postgres-<pid>) and a template database with every migration applied.
import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { passwordFileOf, startEmbeddedPostgres } from "../db/embedded-postgres";
import { applyMigrations } from "../db/migrate";
import { databaseUrlFor, withPgClient } from "../db/pg-client";

export const TEMPLATE_DATABASE = "preference_test_template";

export default async function setup(project: TestProject) {
  let serverUrl = process.env.DATABASE_URL;
  let stop = async () => {};
  if (!serverUrl) {
    // One folder per run, so two runs on one machine (or one checkout) never share a server.
    const dataDir = path.join(process.cwd(), ".data", `test-postgres-${process.pid}`);
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(passwordFileOf(dataDir), { force: true });
    const embedded = await startEmbeddedPostgres({ dataDir });
    serverUrl = embedded.url;
    stop = async () => {
      await embedded.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(passwordFileOf(dataDir), { force: true });
    };
  }

  await withPgClient(serverUrl, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  });
  await applyMigrations(databaseUrlFor(serverUrl, TEMPLATE_DATABASE));

  project.provide("testServerUrl", serverUrl);
  return stop;
}

declare module "vitest" {
  export interface ProvidedContext {
    testServerUrl: string;
  }
}
