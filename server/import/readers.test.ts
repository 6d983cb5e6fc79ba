// Reading JSON lines from bytes: line numbers stay right across reads, a row longer than one
// read, CRLF, a byte order mark, a last line without its newline, and bytes that are not UTF-8.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { importLimits, openRows, type Row } from "./readers";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "readers-test-"));

async function read(content: Buffer | string): Promise<Row[]> {
  const file = path.join(dir, `f${Math.random().toString(36).slice(2)}.jsonl`);
  fs.writeFileSync(file, content);
  const rows: Row[] = [];
  for await (const row of openRows(file, "jsonl", importLimits()).rows()) rows.push(row);
  return rows;
}

describe("JSON lines", () => {
  it("rows longer than a read, CRLF, a byte order mark, blank lines and no final newline", async () => {
    const long = "é".repeat(1_500_000); // 3 MB of UTF-8: several reads
    const rows = await read(`\uFEFF{"n":1}\r\n\n{"n":2,"text":"${long}"}\n{"n":3,"emoji":"🎉"}\r\n{"n":4}`);
    expect(rows.map((r) => [r.where, (r.value as { n: number }).n])).toEqual([
      ["line 1", 1],
      ["line 3", 2],
      ["line 4", 3],
      ["line 5", 4],
    ]);
    expect((rows[1]!.value as { text: string }).text).toBe(long);
    expect((rows[2]!.value as { emoji: string }).emoji).toBe("🎉");
  });

  it("a character split across two reads is read whole", async () => {
    // 1 MiB reads: put a 4-byte character across the first boundary.
    const pad = "a".repeat((1 << 20) - 12);
    const rows = await read(`{"p":"${pad}🎉"}\n{"n":2}\n`);
    expect((rows[0]!.value as { p: string }).p.endsWith("a🎉")).toBe(true);
    expect(rows[1]!.where).toBe("line 2");
  });

  it("bytes that are not UTF-8 are refused with their line, after a long row", async () => {
    const good = Buffer.from(`{"n":1}\n{"n":2,"t":"${"x".repeat(1_200_000)}"}\n{"n":3}\n`);
    const bad = Buffer.concat([good, Buffer.from('{"n":4,"t":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n{"n":5}\n')]);
    await expect(read(bad)).rejects.toThrow(/^line 4: the file is not valid UTF-8$/);
  });

  it("bad JSON names its line", async () => {
    await expect(read('{"n":1}\n{"n":2\n')).rejects.toThrow(/^line 2: not valid JSON/);
  });
});
