// Before each test file: a database of its own, cloned from the migrated template, as
// DATABASE_URL. Dropped after the file.
import crypto from "node:crypto";
import os from "node:os";
import { afterAll, inject } from "vitest";
import { databaseUrlFor, withPgClient } from "../db/pg-client";
import { disconnectPrisma } from "../db/prisma";
import { stopJobProducer } from "../jobs/job-queue";
import { TEMPLATE_DATABASE } from "./global-setup";

const serverUrl = inject("testServerUrl");
const database = `preference_test_${crypto.randomBytes(6).toString("hex")}`;

await withPgClient(serverUrl, (c) => c.query(`CREATE DATABASE ${database} TEMPLATE ${TEMPLATE_DATABASE}`));
process.env.DATABASE_URL = databaseUrlFor(serverUrl, database);
// Tests write their tiny models under the system's temporary folder: models may be loaded from there.
process.env.POLICY_MODEL_DIRS ??= os.tmpdir();

afterAll(async () => {
  await stopJobProducer();
  await disconnectPrisma();
  await withPgClient(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
});
