// PostgreSQL refuses to run as root, so as root (most containers) the embedded database runs as
// the `postgres` user, and that user must be able to reach its programs and its data folder.
// A clone in root's home folder (mode 0700), or under any folder closed to others, hides both:
// initdb then dies with a bare EACCES. This module finds out beforehand, and works around it by
// placing what PostgreSQL reads where that user can read it: the programs copied once into
// EMBEDDED_POSTGRES_DIR (default /var/lib/preference-studio), and the data folder there too, with
// a link to it left where it was expected. The password file stays in DATA_DIR, root's own.
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { config } from "../config/config";

export type Account = { uid: number; gid: number };

export const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;

function idOf(flag: "-u" | "-g"): number | null {
  const result = spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
  return result.status === 0 ? Number.parseInt(result.stdout, 10) : null;
}

/** The `postgres` account, created as embedded-postgres creates it when missing. */
export function postgresAccount(): Account {
  if (idOf("-u") === null) {
    spawnSync("groupadd", ["postgres"]);
    const created = spawnSync("useradd", ["-g", "postgres", "postgres"], { encoding: "utf8" });
    if (idOf("-u") === null) throw new Error(`Running as root, PostgreSQL needs a "postgres" user, and creating it failed: ${created.stderr || created.error?.message}`);
  }
  return { uid: idOf("-u")!, gid: idOf("-g")! };
}

/** Whether `account` passes `test <flag> target` (each folder on the way must be searchable). */
export function reaches(account: Account, target: string, flag: "-x" | "-r" | "-w"): boolean {
  return spawnSync("/bin/sh", ["-c", 'test "$1" "$2"', "sh", flag, target], { uid: account.uid, gid: account.gid }).status === 0;
}

/** The first folder on the way to `target` that `account` cannot search, or null. */
export function blockedAt(account: Account, target: string): string | null {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    const dir = `${path.sep}${parts.slice(0, i + 1).join(path.sep)}`;
    if (!fs.existsSync(dir)) return null;
    if (fs.statSync(dir).isDirectory() && !reaches(account, dir, "-x")) return dir;
  }
  return null;
}

/** The platform package's native/ folder (bin, lib, share), as embedded-postgres finds it. */
export async function platformNative(): Promise<string> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const { initdb } = (await import(/* @vite-ignore */ name)) as { initdb: string };
  return path.dirname(path.dirname(initdb));
}

export function runtimeDir(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(config(env).EMBEDDED_POSTGRES_DIR);
}

function describeMode(dir: string) {
  try {
    return ` (mode ${(fs.statSync(dir).mode & 0o777).toString(8).padStart(4, "0")})`;
  } catch {
    return "";
  }
}

/** What to tell an operator when nothing here can make it work. */
export function unreachableMessage(blocked: { what: string; path: string; at: string }[], extra?: string): string {
  const lines = blocked.map((b) => `  - ${b.what} ${b.path}: "${b.at}"${describeMode(b.at)} is closed to it`);
  return [
    "The embedded PostgreSQL cannot start: running as root, it runs as the \"postgres\" user, which cannot reach",
    ...lines,
    ...(extra ? [extra] : []),
    "Do one of these: run from a clone the postgres user can reach (not under /root or another 0700 folder) with DATA_DIR",
    "there too (e.g. DATA_DIR=/var/lib/preference-studio/data); let it through (chmod o+x on the folders named); run as an",
    "ordinary user; set EMBEDDED_POSTGRES_DIR to a folder root may write and postgres may read; or set DATABASE_URL to a PostgreSQL server.",
  ].join("\n");
}

/** Makes `dir` (and its missing parents) root's, 0755, refusing one another user could have planted. */
function ensureOwnDir(dir: string) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const stat = fs.lstatSync(dir);
  if (!stat.isDirectory() || stat.uid !== 0 || (stat.mode & 0o022) !== 0) {
    throw new Error(`${dir} must be a folder owned by root and writable by no one else; it is not.`);
  }
  fs.chmodSync(dir, 0o755);
}

/** The programs copied where the postgres user can run them (once per version). */
export function reachableNative(native: string, base: string, account: Account): string {
  const version = (() => {
    try {
      return (JSON.parse(fs.readFileSync(path.join(native, "..", "package.json"), "utf8")) as { version: string }).version;
    } catch {
      return crypto.createHash("sha256").update(native).digest("hex").slice(0, 12);
    }
  })();
  ensureOwnDir(base);
  const target = path.join(base, `postgres-${version}`);
  if (!fs.existsSync(path.join(target, "bin", "postgres"))) {
    const temporary = `${target}.tmp-${process.pid}`;
    fs.rmSync(temporary, { recursive: true, force: true });
    fs.cpSync(native, temporary, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(temporary, 0o755);
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(temporary, target);
  }
  if (!reaches(account, path.join(target, "bin", "initdb"), "-x")) {
    throw new Error(unreachableMessage([{ what: "the copy of its programs in", path: target, at: blockedAt(account, target) ?? target }]));
  }
  return target;
}

/**
 * The data folder the postgres user can reach: `dataDir` itself when it can, else a folder under
 * `base` kept for this `dataDir` (by a hash of its path), linked from `dataDir`.
 */
export function reachableDataDir(dataDir: string, base: string, account: Account): string {
  const real = fs.existsSync(dataDir) ? fs.realpathSync(dataDir) : dataDir;
  if (blockedAt(account, path.dirname(real)) === null) return real;
  if (fs.existsSync(path.join(real, "PG_VERSION"))) {
    throw new Error(unreachableMessage([{ what: "its data folder", path: real, at: blockedAt(account, path.dirname(real))! }], "That folder already holds a database, so it is not moved."));
  }
  ensureOwnDir(base);
  const moved = path.join(base, `data-${crypto.createHash("sha256").update(path.resolve(dataDir)).digest("hex").slice(0, 16)}`, "postgres");
  fs.mkdirSync(path.dirname(moved), { recursive: true, mode: 0o755 });
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  fs.symlinkSync(moved, dataDir);
  return moved;
}

export type RootServer = { stop(): Promise<void> };

function run(binary: string, args: string[], account: Account, onLine: (line: string) => void, readyWhen?: string): Promise<{ child: ReturnType<typeof spawn>; exited: Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { uid: account.uid, gid: account.gid, env: { ...process.env, LC_MESSAGES: "C" }, cwd: "/" });
    let output = "";
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    const onData = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      output += text;
      onLine(text);
      if (readyWhen && output.includes(readyWhen)) resolve({ child, exited });
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", reject);
    void exited.then((code) => {
      if (!readyWhen && code === 0) resolve({ child, exited });
      else reject(new Error(`${path.basename(binary)} ${readyWhen ? "stopped" : "failed"} (exit ${code}): ${output.trim().slice(-2000)}`));
    });
  });
}

/** initdb, as the postgres user, with the superuser password from a file only that user reads. */
export async function initdbAsPostgres(bin: string, dataDir: string, password: string, account: Account, log: (line: string) => void) {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.chownSync(dataDir, account.uid, account.gid);
  const pwfile = path.join(path.dirname(dataDir), `.pwfile-${process.pid}`);
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  fs.chownSync(pwfile, account.uid, account.gid);
  try {
    await run(path.join(bin, "initdb"), [`--pgdata=${dataDir}`, "--auth=scram-sha-256", "--username=postgres", `--pwfile=${pwfile}`, "--encoding=UTF8", "--locale=C"], account, log);
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
}

/** The server, as the postgres user; stopped with SIGINT (a fast shutdown). */
export async function postgresAsPostgres(bin: string, dataDir: string, port: number, flags: string[], account: Account, log: (line: string) => void): Promise<RootServer> {
  const { child, exited } = await run(path.join(bin, "postgres"), ["-D", dataDir, "-p", String(port), ...flags], account, log, "database system is ready to accept connections");
  // If this process ends without stopping it, the server goes too.
  const orphan = () => child.kill("SIGINT");
  process.once("exit", orphan);
  return {
    async stop() {
      process.off("exit", orphan);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGINT");
      await exited;
    },
  };
}
