// llama.cpp's own `llama-server`, built from the llama.cpp source that node-llama-cpp ships
// (node_modules/node-llama-cpp/llama/gitRelease.bundle), for testing the OpenAI-compatible
// backend against the server labs actually deploy. The project's code never depends on it.
// It is built once per machine and cached outside the checkout, keyed by the bundle's commit,
// so the suite stays fast: `npm run llama-server:build` (the test setup calls it when missing).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { isRunning } from "../../../server/db/embedded-postgres";

const run = promisify(execFile);

/**
 * Meta's Llama 2 chat template, as meta-llama/Llama-2-7b-chat-hf's tokenizer_config.json has it,
 * for serving a GGUF that carries none: `llama-server --jinja --chat-template-file <this file>`.
 * With it llama-server feeds the model exactly the token ids of Meta's reference (tested).
 * llama.cpp's built-in `--chat-template llama2-sys` matches only single-turn dialogues: it writes
 * an answer as "[/INST]answer</s>" where Meta has "[/INST] answer </s>", and no BOS between
 * exchanges.
 */
export const LLAMA2_CHAT_TEMPLATE = path.resolve(import.meta.dirname, "llama2-chat.jinja");

export const LLAMA_CPP_BUNDLE = path.resolve(import.meta.dirname, "../../../node_modules/node-llama-cpp/llama/gitRelease.bundle");

/** The commit node-llama-cpp's bundled llama.cpp is at (its only head). */
export async function bundleCommit(bundle = LLAMA_CPP_BUNDLE): Promise<string> {
  const { stdout } = await run("git", ["bundle", "list-heads", bundle]);
  const commit = stdout.trim().split(/\s+/)[0];
  if (!/^[0-9a-f]{40}$/.test(commit ?? "")) throw new Error(`cannot read the commit of ${bundle}: ${stdout}`);
  return commit!;
}

export function llamaServerCacheDir(commit: string) {
  const base = process.env.LLAMA_SERVER_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "preference-studio");
  return path.join(base, `llama-server-${commit}`);
}

/** Where the cached binary is (it may not exist yet). */
export async function llamaServerPath(): Promise<string> {
  return path.join(llamaServerCacheDir(await bundleCommit()), "llama-server");
}

// Offline flags: the default LLAMA_USE_PREBUILT_UI downloads the web UI and fails without a network;
// static so the cached binary needs no shared libraries from the (deleted) build folder.
const CMAKE_FLAGS = [
  "-DGGML_NATIVE=ON",
  "-DLLAMA_BUILD_TESTS=OFF",
  "-DLLAMA_BUILD_EXAMPLES=OFF",
  "-DLLAMA_USE_PREBUILT_UI=OFF",
  "-DLLAMA_BUILD_UI=OFF",
  "-DLLAMA_OPENSSL=OFF",
  "-DLLAMA_CURL=OFF",
  "-DBUILD_SHARED_LIBS=OFF",
  "-DCMAKE_BUILD_TYPE=Release",
];

async function sleep(ms: number) {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Returns the path of the cached llama-server, building it first when missing (about 8 minutes
 * on 2 cores). Concurrent callers (test files, a manual build) wait on one build via a lock folder.
 */
export async function ensureLlamaServer(log: (line: string) => void = () => {}): Promise<string> {
  const commit = await bundleCommit();
  const dir = llamaServerCacheDir(commit);
  const binary = path.join(dir, "llama-server");
  if (existsSync(binary)) return binary;
  await mkdir(dir, { recursive: true });
  const lock = path.join(dir, "build.lock");
  for (let waited = 0; ; waited++) {
    try {
      await mkdir(lock);
      await writeFile(path.join(lock, "pid"), String(process.pid));
      break;
    } catch {
      if (existsSync(binary)) return binary;
      // A build killed halfway leaves its lock behind: take it over when its process is gone.
      const owner = Number(await readFile(path.join(lock, "pid"), "utf8").catch(() => "0"));
      if (owner && !isRunning(owner)) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (waited % 12 === 0) log(`waiting for another build of llama-server (${lock}, pid ${owner || "?"})`);
      await sleep(5000);
    }
  }
  try {
    if (existsSync(binary)) return binary;
    const source = path.join(dir, "src");
    await rm(source, { recursive: true, force: true });
    const started = Date.now();
    log(`cloning llama.cpp ${commit} from ${LLAMA_CPP_BUNDLE}`);
    await run("git", ["clone", "--quiet", LLAMA_CPP_BUNDLE, source]);
    await run("git", ["-C", source, "checkout", "--quiet", commit]);
    const jobs = String(Math.max(1, Math.min(os.availableParallelism(), Number(process.env.LLAMA_SERVER_BUILD_JOBS ?? 2))));
    log(`configuring (cmake ${CMAKE_FLAGS.join(" ")})`);
    await run("cmake", ["-S", source, "-B", path.join(source, "build"), ...CMAKE_FLAGS], { maxBuffer: 64 << 20 });
    log(`building llama-server with -j${jobs} (about 8 minutes on 2 cores)`);
    await run("cmake", ["--build", path.join(source, "build"), "--target", "llama-server", "-j", jobs], { maxBuffer: 256 << 20 });
    const temporary = `${binary}.tmp-${process.pid}`;
    await copyFile(path.join(source, "build", "bin", "llama-server"), temporary);
    await rename(temporary, binary);
    await rm(source, { recursive: true, force: true });
    log(`built ${binary} in ${Math.round((Date.now() - started) / 1000)} s`);
    return binary;
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  ensureLlamaServer((line) => console.log(line)).then(
    (binary) => console.log(binary),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
