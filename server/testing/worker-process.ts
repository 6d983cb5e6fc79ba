// A real worker process for tests of the web side that need jobs run (an import the request
// waits for): workers/jobs/testing/fixture-worker.ts spawned by path, so server/ never imports
// workers/. It inherits this process's environment (the test file's database, DATA_DIR).
import { type ChildProcess, spawn } from "node:child_process";

export type WorkerProcess = { child: ChildProcess; stop(): void };

/** Starts the fixture worker in `mode` and resolves once it takes jobs. */
export function startWorkerProcess(mode: "import" | "steps" | "hanging", env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "workers/jobs/testing/fixture-worker.ts", mode], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const stop = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve({ child, stop }));
    child.once("exit", (code, signal) => reject(new Error(`the ${mode} worker exited (${signal ?? `code ${code}`}) before it was ready`)));
  });
}
