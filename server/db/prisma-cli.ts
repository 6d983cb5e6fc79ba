// Runs the Prisma CLI with a database behind it.
//
//   npm run prisma -- <prisma args>      any Prisma command (e.g. `migrate status`)
//   npm run db:migration -- <name>       writes prisma/migrations/<timestamp>_<name>/migration.sql
//                                        from the difference between the schema as of the last
//                                        migration and schema.prisma
//
// Each migration folder keeps a copy of the schema it brings the database to (schema.prisma
// beside migration.sql; Prisma reads only migration.sql). The next migration is the diff from
// that copy, because Prisma's introspection of a live database does not work through the
// driver adapter (see cli-adapter.ts). server/db/schema-drift.test.ts checks that replaying the
// migrations gives exactly the database that schema.prisma describes.
//
// The Prisma CLI here uses its WASM schema engine through the pg driver adapter
// (prisma.config.ts), and even a diff needs a live database. When DATABASE_URL is unset a
// scratch embedded PostgreSQL is started under .data/prisma-cli and removed afterwards.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { passwordFileOf, startEmbeddedPostgres } from "./embedded-postgres";
import { generatedStamp, schemaHash } from "./generated-client";
import { config } from "../config/config";

const root = process.cwd();
const prismaBin = path.join(root, "node_modules", ".bin", "prisma");

function runPrisma(args: string[], env: NodeJS.ProcessEnv, capture = false) {
  const result = spawnSync(prismaBin, args, {
    cwd: root,
    env,
    stdio: capture ? ["ignore", "pipe", "inherit"] : "inherit",
    encoding: "utf8",
  });
  if (result.error) throw result.error;
  return result;
}

async function withDatabase<T>(work: (env: NodeJS.ProcessEnv) => Promise<T> | T): Promise<T> {
  if (config().DATABASE_URL) return work({ ...process.env });
  const dataDir = path.join(root, ".data", "prisma-cli");
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.rmSync(passwordFileOf(dataDir), { force: true });
  const database = await startEmbeddedPostgres({ dataDir });
  try {
    return await work({ ...process.env, DATABASE_URL: database.url });
  } finally {
    await database.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(passwordFileOf(dataDir), { force: true });
  }
}

function timestamp(now = new Date()) {
  return now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

async function createMigration(name: string | undefined) {
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    throw new Error("Give the migration a name of lowercase letters, digits and underscores: npm run db:migration -- add_gold_pairs");
  }
  const migrationsDir = path.join(root, "prisma", "migrations");
  const last = fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .at(-1);
  const snapshot = last ? path.join(migrationsDir, last, "schema.prisma") : undefined;
  if (snapshot && !fs.existsSync(snapshot)) {
    throw new Error(`${path.relative(root, snapshot)} is missing: every migration keeps the schema it leads to.`);
  }
  const sql = await withDatabase((env) => {
    const from = snapshot ? ["--from-schema-datamodel", snapshot] : ["--from-empty"];
    const result = runPrisma(
      ["migrate", "diff", ...from, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
      env,
      true,
    );
    if (result.status !== 0) throw new Error(`prisma migrate diff failed (exit ${result.status})`);
    return result.stdout;
  });
  if (/^-- This is an empty migration\.\s*$/.test(sql.trim()) || sql.trim() === "") {
    console.log("schema.prisma and the migrations agree: no migration written.");
    return;
  }
  const dir = path.join(migrationsDir, `${timestamp()}_${name}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "migration.sql"), sql);
  fs.copyFileSync(path.join(root, "prisma", "schema.prisma"), path.join(dir, "schema.prisma"));
  console.log(`Wrote ${path.relative(root, dir)}/migration.sql. Read it, then commit it with schema.prisma.`);
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (command === "migration") return createMigration(rest[0]);
  if (command === "generate") {
    // `generate` reads no database, but the schema's env("DATABASE_URL") must resolve.
    const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL || "postgresql://unused@127.0.0.1/unused" };
    const status = runPrisma(["generate", ...rest], env).status ?? 1;
    if (status === 0) fs.writeFileSync(generatedStamp, schemaHash());
    process.exitCode = status;
    return;
  }
  if (!command) throw new Error("Usage: npm run prisma -- <prisma command>");
  const status = await withDatabase((env) => runPrisma([command, ...rest], env).status);
  process.exitCode = status ?? 1;
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
