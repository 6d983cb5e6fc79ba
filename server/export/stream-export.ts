// Streams export queries out of PostgreSQL with COPY, in constant memory. CSV format with a
// quote and a delimiter byte that JSON text never contains (JSON escapes every control
// character) passes each line through untouched; text-format COPY would double backslashes.
//
// PostgreSQL builds each JSON line in the backend that runs the query, one core per query.
// So the rows are split into shards (disjoint sets of pairs) run on separate connections
// that share one snapshot: the first shard streams straight to the output while the others
// are spooled to temporary files, appended in order afterwards. The file is the same for the
// same data: shard by shard, each in its stable order.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough, Transform, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";

export type StreamedFile = { rows: number; bytes: number; sha256: string };

const NEWLINE = 0x0a;

function copyOut(client: pg.ClientBase, query: string) {
  return client.query(copyTo(`COPY (${query}) TO STDOUT WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')`));
}

/**
 * Writes the `line` column of each query (one per client, same snapshot) to `out`, one line per
 * row, or through `convert` (JSONL in, another file format out); resolves with the row count
 * and the size and checksum of what was written.
 */
export async function streamLines(clients: pg.ClientBase[], queries: string[], out: Writable, convert?: Transform): Promise<StreamedFile> {
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

  const source = new PassThrough();
  const written = convert ? pipeline(source, countRows, convert, measure, out) : pipeline(source, countRows, measure, out);
  const spoolDir = queries.length > 1 ? fs.mkdtempSync(path.join(os.tmpdir(), "export-")) : null;
  let spooledShards: Promise<string>[] = [];
  try {
    const spooled = (spooledShards = queries.slice(1).map(async (query, i) => {
      const file = path.join(spoolDir!, `shard-${i + 1}`);
      await pipeline(copyOut(clients[i + 1]!, query), fs.createWriteStream(file));
      return file;
    }));
    await pipeline(copyOut(clients[0]!, queries[0]!), source, { end: false });
    for (const file of await Promise.all(spooled)) {
      await pipeline(fs.createReadStream(file), source, { end: false });
    }
    source.end();
    await written;
  } catch (error) {
    source.destroy(error as Error);
    await written.catch(() => {});
    // Shards still spooling fail when the caller closes their connections: expected, not unhandled.
    for (const shard of spooledShards) shard.catch(() => {});
    throw error;
  } finally {
    if (spoolDir) fs.rmSync(spoolDir, { recursive: true, force: true });
  }
  return { rows, bytes, sha256: hash.digest("hex") };
}
