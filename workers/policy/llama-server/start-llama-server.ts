// Starts the cached llama-server on loopback for tests: a free port, waits for /health, stops it.
import { spawn } from "node:child_process";
import { freePort } from "../../../server/db/embedded-postgres";

export type RunningLlamaServer = { url: string; stop: () => Promise<void>; output: () => string };

/** Runs `binary` with the model and `args`, resolving once /health answers 200 (or failing with its output). */
export async function startLlamaServer(binary: string, modelPath: string, args: string[], timeoutMs = 60_000): Promise<RunningLlamaServer> {
  const port = await freePort();
  const child = spawn(binary, ["-m", modelPath, "--host", "127.0.0.1", "--port", String(port), ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let exited = false;
  child.once("exit", () => (exited = true));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited) return;
    const done = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await done;
    clearTimeout(timer);
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`llama-server exited before it was ready:\n${output}`);
    try {
      if ((await fetch(`${url}/health`)).status === 200) return { url, stop, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`llama-server was not ready within ${timeoutMs} ms:\n${output}`);
}
