// One export, written to a sink: the data file(s) (train.jsonl and test.jsonl when split, else
// data.jsonl), then README.md (dataset card) and manifest.json, all from one database snapshot.
// The CLI's sink is a folder, the web's a streamed zip: the rows travel the same way.
import type { Writable } from "node:stream";
import pg from "pg";
import { datasetCard, type ExportedFile, manifest } from "./dataset-card";
import { type ExportOptions, type ExportOptionsInput, exportOptionsSchema } from "./export.schema";
import { exportCountsQuery, type ExportPart, exportQuery } from "./export-query";
import { jsonlToParquet } from "./parquet";
import { streamLines } from "./stream-export";
import { config } from "../config/config";

export type ExportSink = {
  /** A stream for one file; it is ended by the export. */
  file(name: string): Writable;
  text(name: string, content: string): void | Promise<void>;
};

/** Connections that build lines at once: one per core is what a 2-core database server has. */
const shardCount = () => config().EXPORT_SHARDS;

export async function runExport(connectionString: string, input: ExportOptionsInput, pseudonymSalt: string, sink: ExportSink) {
  const options: ExportOptions = exportOptionsSchema.parse(input);
  const shards = shardCount();
  const clients = Array.from({ length: shards }, () => new pg.Client({ connectionString }));
  // A connection the server closes under us fails the query in flight, which is what reports it;
  // an unheard 'error' event would end the whole process.
  for (const client of clients) client.on("error", () => {});
  const parts: ExportPart[] = options.testFraction > 0 ? ["train", "test"] : ["all"];
  const files: ExportedFile[] = [];
  try {
    await Promise.all(clients.map((c) => c.connect()));
    const [first, ...others] = clients as [pg.Client, ...pg.Client[]];
    const literal = (value: string) => first.escapeLiteral(value);
    // One snapshot for every shard, the data and the counts of the card.
    await first.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const { rows: [{ snapshot }] } = (await first.query("SELECT pg_export_snapshot() AS snapshot")) as unknown as { rows: [{ snapshot: string }] };
    for (const other of others) {
      await other.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
      await other.query(`SET TRANSACTION SNAPSHOT ${literal(snapshot)}`);
    }
    for (const part of parts) {
      const name = `${part === "all" ? "data" : part}.${options.file}`;
      const convert = options.file === "parquet" ? jsonlToParquet(options) : undefined;
      const queries = clients.map((_, index) => exportQuery(options, part, literal, pseudonymSalt, { index, count: shards }));
      const streamed = await streamLines(clients, queries, sink.file(name), convert);
      const counts = await first.query<{ strength: string; n: number }>(exportCountsQuery(options, part, literal));
      files.push({ ...streamed, name, split: part, strengths: Object.fromEntries(counts.rows.map((r) => [r.strength, r.n])) });
    }
    await Promise.all(clients.map((c) => c.query("COMMIT")));
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
  }
  const createdAt = new Date();
  await sink.text("README.md", datasetCard(options, files, createdAt));
  await sink.text("manifest.json", `${JSON.stringify(manifest(options, files, createdAt), null, 2)}\n`);
  return { options, files };
}
