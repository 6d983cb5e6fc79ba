// Streams an export query out of PostgreSQL with COPY, in constant memory. CSV format with a
// quote and a delimiter byte that JSON text never contains (JSON escapes every control
// character) passes each line through untouched; text-format COPY would double backslashes.
import crypto from "node:crypto";
import { Transform, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";

export type StreamedFile = { rows: number; bytes: number; sha256: string };

const NEWLINE = 0x0a;

/**
 * Writes the query's `line` column to `out`, one line per row, or through `convert` (JSONL in,
 * another file format out); resolves with the row count and the size and checksum of what was
 * written.
 */
export async function streamLines(client: pg.ClientBase, query: string, out: Writable, convert?: Transform): Promise<StreamedFile> {
  const hash = crypto.createHash("sha256");
  let rows = 0;
  let bytes = 0;
  const countRows = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      for (let i = chunk.indexOf(NEWLINE); i !== -1; i = chunk.indexOf(NEWLINE, i + 1)) rows++;
      done(null, chunk);
    },
  });
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const copy = client.query(copyTo(`COPY (${query}) TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')`));
  await (convert ? pipeline(copy, countRows, convert, measure, out) : pipeline(copy, countRows, measure, out));
  return { rows, bytes, sha256: hash.digest("hex") };
}
