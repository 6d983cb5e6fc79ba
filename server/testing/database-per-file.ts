// Before each test file: a database of its own, cloned from the migrated template, as
// DATABASE_URL. Dropped after the file.
import crypto from "node:crypto";
import pg from "pg";
import { afterAll, inject } from "vitest";
import { disconnectPrisma } from "../db/prisma";
import { TEMPLATE_DATABASE } from "./global-setup";

const serverUrl = inject("testServerUrl");
const database = `preference_test_${crypto.randomBytes(6).toString("hex")}`;

export function databaseUrl(name: string) {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

await admin((c) => c.query(`CREATE DATABASE ${database} TEMPLATE ${TEMPLATE_DATABASE}`));
process.env.DATABASE_URL = databaseUrl(database);

afterAll(async () => {
  await disconnectPrisma();
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
});
