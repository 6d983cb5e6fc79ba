// As root, from a folder the postgres user cannot reach (a clone under /root, any 0700 folder),
// the embedded database still starts: its programs and data are placed where that user can
// reach them. When that is impossible too, the error says what is wrong and what to do.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded-postgres";
import { blockedAt, isRoot, platformNative, postgresAccount } from "./postgres-as-root";

const made: string[] = [];
const tmp = (prefix: string, mode: number) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, mode);
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  delete process.env.EMBEDDED_POSTGRES_DIR;
});

describe.skipIf(!isRoot())("the embedded database as root in a private folder", () => {
  it("starts, with its programs and data placed where the postgres user can reach them, and starts again", async () => {
    // A private clone: PostgreSQL's programs and DATA_DIR both under a 0700 folder.
    const clone = tmp("private-clone-", 0o700);
    const native = path.join(clone, "node_modules", "native");
    fs.cpSync(await platformNative(), native, { recursive: true, verbatimSymlinks: true });
    const dataDir = path.join(clone, ".data", "postgres");
    const account = postgresAccount();
    expect(blockedAt(account, native)).toBe(clone);
    // What `npm start` met before: the programs cannot even be run as that user.
    const raw = spawnSync(path.join(native, "bin", "initdb"), ["--version"], { uid: account.uid, gid: account.gid });
    expect((raw.error as NodeJS.ErrnoException | undefined)?.code).toBe("EACCES");

    const base = tmp("pg-runtime-", 0o755);
    process.env.EMBEDDED_POSTGRES_DIR = base;
    const lines: string[] = [];
    const first = await startEmbeddedPostgres({ dataDir, native, log: (line) => lines.push(line) });
    expect(lines.join("\n")).toContain(`The postgres user cannot reach ${native} or ${dataDir} (closed at ${clone}, ${clone})`);
    const client = new pg.Client({ connectionString: first.url });
    await client.connect();
    await client.query("CREATE TABLE kept (id int)");
    await client.end();
    await first.stop();
    // The data lives under the runtime folder, linked from where it was expected; the password stays private.
    expect(fs.lstatSync(dataDir).isSymbolicLink()).toBe(true);
    expect(fs.realpathSync(dataDir).startsWith(fs.realpathSync(base))).toBe(true);
    expect(fs.existsSync(path.join(clone, ".data", "postgres-password"))).toBe(true);

    const again = await startEmbeddedPostgres({ dataDir, native, log: () => {} });
    const reopened = new pg.Client({ connectionString: again.url });
    await reopened.connect();
    expect((await reopened.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'kept'")).rows[0].n).toBe(1);
    await reopened.end();
    await again.stop();
  });

  it("says what is wrong and what to do when no place it can reach is to be had", async () => {
    const clone = tmp("private-clone-", 0o700);
    const native = path.join(clone, "native");
    fs.mkdirSync(path.join(native, "bin"), { recursive: true });
    fs.writeFileSync(path.join(native, "bin", "initdb"), "#!/bin/sh\n", { mode: 0o755 });
    // The runtime folder is inside the private one too.
    process.env.EMBEDDED_POSTGRES_DIR = path.join(clone, "runtime");
    const error = await startEmbeddedPostgres({ dataDir: path.join(clone, ".data", "postgres"), native, log: () => {} }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('running as root, it runs as the "postgres" user, which cannot reach');
    expect(message).toContain(`"${clone}" (mode 0700) is closed to it`);
    expect(message).toMatch(/DATA_DIR=.*chmod o\+x.*EMBEDDED_POSTGRES_DIR.*DATABASE_URL/s);
  });
});
