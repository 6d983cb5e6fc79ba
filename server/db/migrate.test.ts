import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, readMigrations } from "./migrate";
import { databaseUrlFor, withPgClient } from "./pg-client";

// A scratch database of its own: these tests create and break schemas.
let url: string;
const scratch = `migrate_scratch_${crypto.randomBytes(4).toString("hex")}`;

function query<T extends pg.QueryResultRow>(sql: string, connectionString = url) {
  return withPgClient(connectionString, async (client) => (await client.query<T>(sql)).rows);
}

function migrationsDir(files: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "migrations-"));
  for (const [name, sql] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  return dir;
}

beforeAll(async () => {
  await query(`CREATE DATABASE ${scratch}`, process.env.DATABASE_URL!);
  url = databaseUrlFor(process.env.DATABASE_URL!, scratch);
});
afterAll(async () => {
  await query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`, databaseUrlFor(url, "postgres"));
});

describe("migration runner", () => {
  it("applies the project's migrations and records them as Prisma does", async () => {
    const applied = await applyMigrations(url);
    const migrations = readMigrations();
    expect(applied).toEqual(migrations.map((m) => m.name));
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date; applied_steps_count: number }>(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    for (const [i, row] of rows.entries()) {
      const sql = fs.readFileSync(path.join("prisma", "migrations", row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(crypto.createHash("sha256").update(sql).digest("hex"));
      expect(row.checksum).toBe(migrations[i]!.checksum);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
    }
    expect(await applyMigrations(url)).toEqual([]);
  });

  it("rolls a failing migration back whole and records nothing for it", async () => {
    const db = `${scratch}_fail`;
    await query(`CREATE DATABASE ${db}`, databaseUrlFor(url, "postgres"));
    const u = new URL(databaseUrlFor(url, db));
    const dir = migrationsDir({
      "001_ok": `CREATE TABLE a (id int);`,
      "002_bad": `CREATE TABLE b (id int);\nINSERT INTO a VALUES (1);\nSELECT * FROM no_such_table;`,
    });
    await expect(applyMigrations(u.toString(), dir)).rejects.toThrow(/002_bad failed and was rolled back: .*no_such_table/);
    const tables = await query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
      u.toString(),
    );
    expect(tables.map((t) => t.table_name)).toEqual(["_prisma_migrations", "a"]);
    expect(await query(`SELECT * FROM a`, u.toString())).toEqual([]);
    const recorded = await query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations"`, u.toString());
    expect(recorded.map((r) => r.migration_name)).toEqual(["001_ok"]);

    // An applied migration that was edited afterwards is refused.
    fs.writeFileSync(path.join(dir, "001_ok", "migration.sql"), "CREATE TABLE a (id bigint);");
    await expect(applyMigrations(u.toString(), dir)).rejects.toThrow(/001_ok was changed after it was applied/);
  });
});
