// The import's write path against a real PostgreSQL: the queued connection on its thread and
// inline, binary COPY payloads, and the two ways of writing (with PostgreSQL's per-row
// triggers, or without them when the role may and no trigger of the project's own would be
// skipped), which must leave the same rows, every reference resolving.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import { withPgClient } from "../db/pg-client";
import { BinaryCopyRows, CopyBufferPool, TextArena } from "./copy-binary";
import { openImportConnection } from "./import-connection";
import { runImport } from "./run-import";
import { chunkRows } from "./write-import";

const url = () => process.env.DATABASE_URL!;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "write-import-test-"));
const NASTY = `quote " backslash \\ newline\ntab\tcafé 日本語 🎉`;

/** A file of `rows` HH-RLHF rows, 1-3 human turns, every `repeat`-th row a repeat; `tag` keeps files apart. */
function hhFile(tag: string, rows: number, repeat = 0) {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    if (repeat && i > 0 && i % repeat === 0) {
      lines.push(lines[i - 1]!);
      continue;
    }
    let prefix = "";
    const turns = 1 + (i % 3);
    for (let t = 0; t < turns; t++) {
      prefix += `\n\nHuman: ${tag} question ${i}.${t} ${NASTY}`;
      if (t < turns - 1) prefix += `\n\nAssistant: answer ${i}.${t}`;
    }
    lines.push(JSON.stringify({ chosen: `${prefix}\n\nAssistant: good ${i} ${NASTY}`, rejected: `${prefix}\n\nAssistant: bad ${i}` }));
  }
  const file = path.join(dir, `${tag}.jsonl`);
  fs.writeFileSync(file, `${lines.join("\n")}\n`);
  return { path: file, fileName: `${tag}.jsonl` };
}

/** Every single-column foreign key in the schema whose value points at no row: none may exist. */
async function danglingReferences(): Promise<string[]> {
  return withPgClient(url(), async (c) => {
    const { rows: keys } = await c.query<{ child: string; column: string; parent: string; key: string }>(
      `SELECT conrelid::regclass::text AS child, a.attname AS column, confrelid::regclass::text AS parent, af.attname AS key
         FROM pg_constraint k
         JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
         JOIN pg_attribute af ON af.attrelid = k.confrelid AND af.attnum = k.confkey[1]
        WHERE k.contype = 'f' AND k.connamespace = 'public'::regnamespace AND array_length(k.conkey, 1) = 1`,
    );
    expect(keys.length).toBeGreaterThan(10);
    const dangling: string[] = [];
    for (const k of keys) {
      const { rows } = await c.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${k.child} x WHERE x."${k.column}" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${k.parent} p WHERE p."${k.key}" = x."${k.column}")`,
      );
      if (rows[0]!.n > 0) dangling.push(`${k.child}.${k.column}: ${rows[0]!.n}`);
    }
    return dangling;
  });
}

async function importedRows(importId: string) {
  const comparisons = await prisma.comparison.findMany({
    where: { importId },
    include: { pair: { include: { responseA: true, responseB: true, prompt: true } } },
  });
  return comparisons.map((c) => ({
    turns: c.pair.prompt.turns.map((t) => t.replace(/^\w+ /, "")),
    a: c.pair.responseA.text,
    b: c.pair.responseB.text,
    chosen: c.chosen,
    strength: c.strength,
    importKey: c.importKey,
  }));
}

afterEach(() => {
  delete process.env.IMPORT_CONNECTION_THREAD;
  delete process.env.IMPORT_ROW_TRIGGERS;
});

describe("the import connection", () => {
  for (const mode of ["thread", "inline"] as const) {
    it(`${mode}: statements run in the order queued, COPY payloads come back as memory, a failure refuses the rest, closing rolls back`, async () => {
      if (mode === "inline") process.env.IMPORT_CONNECTION_THREAD = "off";
      const table = `connection_${mode}`;
      await withPgClient(url(), (c) => c.query(`CREATE TABLE ${table} (n int, t text)`));
      const connection = await openImportConnection(url());
      expect(connection.threaded).toBe(mode === "thread");
      // Queued without waiting: they must still run in this order.
      const began = connection.query("BEGIN");
      const rows = new BinaryCopyRows();
      for (let n = 0; n < 1000; n++) rows.row(2).int(n).text(`${n} ${NASTY}`);
      const payload = rows.finish();
      const copied = connection.copy(`COPY ${table} (n, t) FROM STDIN (FORMAT binary)`, payload);
      const counted = connection.query<{ n: number; t: string }>(`SELECT count(*)::int AS n, max(t) FILTER (WHERE n = 7) AS t FROM ${table}`);
      const failed = connection.query("SELECT 1 / 0");
      const refused = connection.query("SELECT 1");
      await began;
      const memory = await copied;
      expect(memory.byteLength).toBeGreaterThanOrEqual(payload.byteLength);
      expect(await counted).toEqual([{ n: 1000, t: `7 ${NASTY}` }]);
      await expect(failed).rejects.toMatchObject({ code: "22012", message: "division by zero" });
      await expect(refused).rejects.toThrow(/not run: an earlier statement failed \(division by zero\)/);
      await connection.close();
      // The transaction was never committed: nothing of it is left.
      const left = await withPgClient(url(), (c) => c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`));
      expect(left.rows[0]!.n).toBe(0);
    });
  }

  it("a COPY payload must own its memory, since it may move to another thread", async () => {
    for (const mode of ["thread", "inline"]) {
      process.env.IMPORT_CONNECTION_THREAD = mode === "inline" ? "off" : "on";
      const connection = await openImportConnection(url());
      try {
        await expect(connection.copy("COPY x FROM STDIN (FORMAT binary)", Buffer.from("small"))).rejects.toThrow(/own ArrayBuffer/);
      } finally {
        await connection.close();
      }
    }
  });

  it("a database that cannot be reached is an error at once, and no thread is left behind", async () => {
    const bad = new URL(url());
    bad.port = "1";
    await expect(openImportConnection(bad.toString())).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe("binary COPY rows", () => {
  it("text, int, bool, null and arena-kept values, through buffers that grow, read back exactly", async () => {
    const pool = new CopyBufferPool(64, 1 << 20); // tiny buffers: every value makes them grow
    const texts = new TextArena(pool);
    const values = Array.from({ length: 300 }, (_, i) => `${i}: ${NASTY.repeat(1 + (i % 5))}`);
    const places = values.map((v) => texts.put(v));
    const rows = new BinaryCopyRows(pool);
    values.forEach((v, i) => rows.row(5).int(i - 150).text(v).bool(i % 2 === 0).null().stored(texts, places[i]!));
    rows.row(5).int(0).text("").bool(false).text(null).stored(texts, texts.put(null));
    const payload = rows.finish();
    texts.release();
    const back = await withPgClient(url(), async (c) => {
      await c.query("BEGIN");
      await c.query("CREATE TEMP TABLE copied (i int, t text, b bool, n text, s text)");
      const { from } = await import("pg-copy-streams");
      await new Promise<void>((resolve, reject) => {
        const stream = c.query(from("COPY copied FROM STDIN (FORMAT binary)"));
        stream.on("finish", resolve).on("error", reject);
        stream.end(payload);
      });
      return (await c.query("SELECT * FROM copied ORDER BY i")).rows;
    });
    expect(back).toHaveLength(301);
    expect(back[0]).toEqual({ i: -150, t: values[0], b: true, n: null, s: values[0] });
    expect(back.at(-1)).toEqual({ i: 149, t: values[299], b: false, n: null, s: values[299] });
    expect(back.find((r) => r.i === 0 && r.t === "")).toEqual({ i: 0, t: "", b: false, n: null, s: null });
  });
});

describe("chunks", () => {
  it("start small and grow to full size, however many there are", () => {
    expect([0, 1, 2, 3, 4, 5, 24, 31, 32, 10_000].map((n) => chunkRows(n, 4000))).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000, 4000, 4000, 4000]);
  });
});

describe("duplicates across chunks", () => {
  it("a row repeating one from a chunk still being written, or from long before, is skipped; so is a pair under a known dialogue", async () => {
    // Chunks of 250, 500, 1000, ... rows: repeats at short and long distances cross them, while
    // earlier chunks are still queued (their rows unseen by the lookup) and after they are written.
    const base = JSON.parse(`[${fs.readFileSync(hhFile("chunked-base", 2000).path, "utf8").trim().split("\n").join(",")}]`) as { chosen: string; rejected: string }[];
    const rows = base.map((row, i) => {
      if (i >= 250 && i % 10 === 0) return base[i - 180]!; // the chunk before, or the same one
      if (i >= 250 && i % 10 === 5) return base[i % 200]!; // long before
      if (i >= 250 && i % 10 === 7) return { ...base[i % 200]!, chosen: `${base[i % 200]!.chosen} (another answer)` }; // a known dialogue, a new pair
      return row;
    });
    const file = path.join(dir, "chunked.jsonl");
    fs.writeFileSync(file, `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`);
    const result = await runImport(url(), { path: file, fileName: "chunked.jsonl" }, { sourceName: "chunked" }, { createdById: null });
    const distinctRows = new Set(rows.map((r) => JSON.stringify(r))).size;
    const distinctPrompts = new Set(rows.map((r) => r.chosen.slice(0, r.chosen.lastIndexOf("\n\nAssistant: ")))).size;
    expect(result).toMatchObject({ rows: 2000, inserted: distinctRows, duplicates: 2000 - distinctRows, promptsCreated: distinctPrompts });
    expect(await prisma.comparison.count({ where: { importId: result.importId! } })).toBe(distinctRows);
    expect(await prisma.prompt.count({ where: { importId: result.importId! } })).toBe(distinctPrompts);
    expect(await danglingReferences()).toEqual([]);
    // And again: all of it is stored now.
    const again = await runImport(url(), { path: file, fileName: "chunked-again.jsonl" }, { sourceName: "chunked" }, { createdById: null });
    expect(again).toMatchObject({ importId: null, inserted: 0, duplicates: 2000 });
  });
});

describe("with and without the per-row triggers", () => {
  const roles: string[] = [];
  afterAll(async () => {
    await withPgClient(url(), async (c) => {
      for (const role of roles) await c.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
    });
  });

  it("the same rows either way, every reference resolving; repeats skipped either way", async () => {
    process.env.IMPORT_ROW_TRIGGERS = "on";
    const checked = await runImport(url(), hhFile("checked", 300, 7), { sourceName: "checked" }, { createdById: null });
    delete process.env.IMPORT_ROW_TRIGGERS;
    const skipped = await runImport(url(), hhFile("skipped", 300, 7), { sourceName: "skipped" }, { createdById: null });
    expect(checked.rowTriggersSkipped).toBe(false);
    expect(skipped.rowTriggersSkipped).toBe(true); // the test database's role is a superuser
    expect(skipped.connectionThread).toBe(true);
    for (const result of [checked, skipped]) expect(result).toMatchObject({ rows: 300, inserted: 258, duplicates: 42, promptsCreated: 258 });
    const [a, b] = [await importedRows(checked.importId!), await importedRows(skipped.importId!)];
    const sortRows = (rows: typeof a) => rows.map((r) => JSON.stringify(r)).sort();
    expect(sortRows(b)).toEqual(sortRows(a));
    expect(a.every((r) => r.importKey === null)).toBe(true); // one comparison per pair: the pair's hash is the key
    expect(await danglingReferences()).toEqual([]);
  });

  it("a role that may not set session_replication_role imports with the triggers; once granted, without", async () => {
    const role = `import_role_${crypto.randomBytes(4).toString("hex")}`;
    roles.push(role);
    await withPgClient(url(), async (c) => {
      await c.query(`CREATE ROLE ${role} LOGIN PASSWORD 'secret'`);
      await c.query(`GRANT ALL ON ALL TABLES IN SCHEMA public TO ${role}; GRANT USAGE ON SCHEMA public TO ${role}`);
    });
    const asRole = new URL(url());
    asRole.username = role;
    asRole.password = "secret";
    const plain = await runImport(asRole.toString(), hhFile(`${role}-plain`, 40), { sourceName: `${role}-plain` }, { createdById: null });
    expect(plain).toMatchObject({ inserted: 40, rowTriggersSkipped: false });
    await withPgClient(url(), (c) => c.query(`GRANT SET ON PARAMETER session_replication_role TO ${role}`));
    const granted = await runImport(asRole.toString(), hhFile(`${role}-granted`, 40), { sourceName: `${role}-granted` }, { createdById: null });
    expect(granted).toMatchObject({ inserted: 40, rowTriggersSkipped: true });
    expect(await danglingReferences()).toEqual([]);
  });

  it("a trigger of the project's own on an imported table keeps every trigger running, so it fires for each row", async () => {
    await withPgClient(url(), (c) =>
      c.query(`
        CREATE TABLE imported_comparisons_seen (id text);
        CREATE FUNCTION note_comparison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO imported_comparisons_seen VALUES (NEW.id); RETURN NEW; END $$;
        CREATE TRIGGER note_comparison AFTER INSERT ON "Comparison" FOR EACH ROW EXECUTE FUNCTION note_comparison();`),
    );
    try {
      const result = await runImport(url(), hhFile("with-own-trigger", 25), { sourceName: "with-own-trigger" }, { createdById: null });
      expect(result).toMatchObject({ inserted: 25, rowTriggersSkipped: false });
      const seen = await withPgClient(url(), (c) => c.query<{ n: number }>("SELECT count(*)::int AS n FROM imported_comparisons_seen"));
      expect(seen.rows[0]!.n).toBe(25);
    } finally {
      await withPgClient(url(), (c) => c.query(`DROP TRIGGER note_comparison ON "Comparison"; DROP FUNCTION note_comparison(); DROP TABLE imported_comparisons_seen`));
    }
  });
});
