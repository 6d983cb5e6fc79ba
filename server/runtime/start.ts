// `npm start`: the whole platform in one command. Starts (or connects to) PostgreSQL, applies
// migrations, seeds the demo workspace into an empty database, builds the web app if needed,
// then runs the web server and one worker until Ctrl-C, and stops everything cleanly.
//
// Environment: PORT (3000), HOST (0.0.0.0, or 127.0.0.1 while demo accounts keep their published
// passwords: server/runtime/listen-host.ts), DATABASE_URL (else embedded under DATA_DIR),
// DATA_DIR (.data), SEED_DEMO (true), NEXTAUTH_SECRET, NEXTAUTH_URL, POLICY_MODEL_PATH / POLICY_BASE_URL.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { openDatabase } from "../db/database";
import { applyMigrations } from "../db/migrate";
import { listenHost } from "./listen-host";
import { authSecret, ensureBuild, ensurePrismaClient } from "./prepare";
import { config } from "../config/config";

const root = process.cwd();
const dataRoot = path.resolve(root, config().DATA_DIR);
const port = config().PORT;
/** Where a running instance says how to reach it (tools, benchmarks and e2e checks read it). */
export const runtimeFile = path.join(dataRoot, "runtime.json");

async function main() {
  ensurePrismaClient();
  const database = await openDatabase({ dataDir: path.join(dataRoot, "postgres") });
  console.log(database.embedded ? `Embedded PostgreSQL started (${dataRoot}/postgres).` : "Using DATABASE_URL.");

  const children: ChildProcess[] = [];
  let stopping = false;
  const stop = async (code: number, signal?: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    if (signal) console.log(`\n${signal}: stopping the web server and the worker, then the database…`);
    for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
            child.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
    fs.rmSync(runtimeFile, { force: true });
    await database.stop();
    if (signal) console.log("Stopped.");
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0, "SIGINT"));
  process.on("SIGTERM", () => void stop(0, "SIGTERM"));

  let host!: string;
  try {
    const applied = await applyMigrations(database.url);
    if (applied.length) console.log(`Applied migrations: ${applied.join(", ")}`);

    process.env.DATABASE_URL = database.url;
    const { prisma, disconnectPrisma } = await import("../db/prisma");
    if (config().SEED_DEMO) {
      const { seedDemoWorkspaceIfEmpty, demoCredentialsText } = await import("../../prisma/seed");
      if (await seedDemoWorkspaceIfEmpty(prisma)) console.log(demoCredentialsText());
    }
    const { demoAccountsWithPublishedPassword } = await import("../auth/demo-accounts");
    const listen = listenHost(process.env, await demoAccountsWithPublishedPassword(prisma));
    host = listen.host;
    if (listen.notice) console.log(listen.notice);
    await disconnectPrisma();
    // A policy to sample from out of the box, registered by the worker side (workers/prepare.ts).
    const prepared = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "workers", "prepare.ts")], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataRoot },
      stdio: "inherit",
    });
    if (prepared.status !== 0) throw new Error(`Registering the default policy failed (${prepared.error?.message ?? `exit ${prepared.status ?? prepared.signal}`}).`);

    ensureBuild();
  } catch (error) {
    console.error((error as Error).message);
    return stop(1);
  }

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    NEXTAUTH_SECRET: authSecret(dataRoot),
    NEXTAUTH_URL: config().NEXTAUTH_URL ?? `http://localhost:${port}`,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const launch = (name: string, args: string[]) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: "inherit" });
    child.on("exit", (code, signal) => {
      if (stopping) return;
      console.error(`${name} exited (${signal ?? `code ${code}`}); stopping everything.`);
      void stop(code || 1);
    });
    children.push(child);
  };
  launch("web", ["--import", "tsx", path.join(root, "server", "runtime", "web-server.ts"), String(port), host]);
  launch("worker", ["--import", "tsx", path.join(root, "workers", "main.ts")]);
  fs.writeFileSync(runtimeFile, JSON.stringify({ databaseUrl: database.url, port, pid: process.pid }, null, 2), { mode: 0o600 });
  console.log(`Preference Studio on http://localhost:${port} (Ctrl-C stops web, worker and database).`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
