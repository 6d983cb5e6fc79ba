// Fails when prisma/schema.prisma and prisma/migrations disagree: the database built by
// replaying the migrations must equal, catalog entry by catalog entry, the database that
// Prisma derives from schema.prisma alone.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMigrations } from "./migrate";
import { databaseUrlFor, withPgClient } from "./pg-client";

const fromSchema = `drift_from_schema_${crypto.randomBytes(4).toString("hex")}`;
let fromSchemaUrl: string;

const urlFor = (database: string) => databaseUrlFor(process.env.DATABASE_URL!, database);

/** Everything about the public schema that a migration can change, as sorted text lines. */
async function catalog(connectionString: string): Promise<string[]> {
  return withPgClient(connectionString, async (c) => {
    const queries = [
      `SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || udt_name || ' null=' || is_nullable || ' default=' || coalesce(column_default, '')
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
      // Hand-written objects (partial indexes, check constraints, functions) are named manual_* and not part of schema.prisma.
      `SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' AND indexname NOT LIKE 'manual\_%'`,
      `SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
         FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT IN ('_prisma_migrations', '"_prisma_migrations"')
          AND conname NOT LIKE 'manual\_%'`,
      `SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname`,
    ];
    const lines: string[] = [];
    for (const sql of queries) lines.push(...(await c.query<{ "?column?": string }>(sql)).rows.map((r) => Object.values(r)[0] as string));
    return lines.sort();
  });
}

beforeAll(async () => {
  await withPgClient(urlFor("postgres"), (c) => c.query(`CREATE DATABASE ${fromSchema}`));
  fromSchemaUrl = urlFor(fromSchema);
  // Prisma's own rendering of schema.prisma as SQL (WASM schema engine through the adapter).
  const diff = spawnSync(
    path.join("node_modules", ".bin", "prisma"),
    ["migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
    { env: { ...process.env, DATABASE_URL: fromSchemaUrl }, encoding: "utf8" },
  );
  if (diff.status !== 0) throw new Error(`prisma migrate diff failed: ${diff.stderr}`);
  await withPgClient(fromSchemaUrl, (c) => c.query(diff.stdout));
});

afterAll(async () => {
  await withPgClient(urlFor("postgres"), (c) => c.query(`DROP DATABASE IF EXISTS ${fromSchema} WITH (FORCE)`));
});

describe("schema drift", () => {
  it("replaying prisma/migrations gives exactly the database schema.prisma describes", async () => {
    // The per-file test database was cloned from a template built by replaying the migrations.
    const fromMigrations = await catalog(process.env.DATABASE_URL!);
    const fromDatamodel = await catalog(fromSchemaUrl);
    expect(fromMigrations.length).toBeGreaterThan(50);
    expect(fromMigrations).toEqual(fromDatamodel);
  });

  it("the last migration keeps a copy of the schema it leads to (the base of the next migration)", () => {
    const last = readMigrations().at(-1)!;
    const snapshot = fs.readFileSync(path.join("prisma", "migrations", last.name, "schema.prisma"), "utf8");
    expect(snapshot, `run npm run db:migration -- <name> after changing schema.prisma`).toBe(
      fs.readFileSync(path.join("prisma", "schema.prisma"), "utf8"),
    );
  });
});
