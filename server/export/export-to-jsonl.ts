// Just the rows, for `curl … | head`: the JSON lines of an export without card or manifest,
// streamed through the same query.
import { PassThrough, type Readable } from "node:stream";
import pg from "pg";
import type { ExportOptions } from "./export.schema";
import { exportQuery } from "./export-query";
import { streamLines } from "./stream-export";

export function exportToJsonl(connectionString: string, options: ExportOptions, pseudonymSalt: string): Readable {
  const out = new PassThrough();
  const client = new pg.Client({ connectionString });
  client.on("error", () => {}); // the query in flight reports it (run-export.ts)
  void (async () => {
    try {
      await client.connect();
      await streamLines([client], [exportQuery(options, "all", (v) => client.escapeLiteral(v), pseudonymSalt)], out);
    } catch (error) {
      out.destroy(error as Error);
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return out;
}
