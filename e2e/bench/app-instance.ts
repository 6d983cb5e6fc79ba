// Starts the platform exactly as `npm start` does (production build, embedded PostgreSQL,
// worker) on a fresh data folder, for a benchmark, and stops it afterwards.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePort } from "../../server/db/embedded-postgres";

export type AppInstance = { baseUrl: string; databaseUrl: string; stop(): Promise<void> };

export async function startApp(name: string, env: Record<string, string> = {}): Promise<AppInstance> {
  const dataDir = path.join(process.cwd(), ".data", `bench-${name}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "server/runtime/start.ts"], {
    cwd: process.cwd(),
    env: { ...process.env, DATABASE_URL: "", DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 600_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app exited during start:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the app did not start in time:\n${output}`);
    const ok = await fetch(`${baseUrl}/api/health`).then((r) => r.ok).catch(() => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const runtime = JSON.parse(fs.readFileSync(path.join(dataDir, "runtime.json"), "utf8")) as { databaseUrl: string };
  return {
    baseUrl,
    databaseUrl: runtime.databaseUrl,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
