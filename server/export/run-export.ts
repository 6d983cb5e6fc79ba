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

export type ExportSink = {
  /** A stream for one file; it is ended by the export. */
  file(name: string): Writable;
  text(name: string, content: string): void | Promise<void>;
};

export async function runExport(connectionString: string, input: ExportOptionsInput, pseudonymSalt: string, sink: ExportSink) {
  const options: ExportOptions = exportOptionsSchema.parse(input);
  const client = new pg.Client({ connectionString });
  await client.connect();
  const literal = (value: string) => client.escapeLiteral(value);
  const parts: ExportPart[] = options.testFraction > 0 ? ["train", "test"] : ["all"];
  const files: ExportedFile[] = [];
  try {
    // One snapshot for the data and the counts of the card.
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    for (const part of parts) {
      const name = `${part === "all" ? "data" : part}.${options.file}`;
      const convert = options.file === "parquet" ? jsonlToParquet(options) : undefined;
      const streamed = await streamLines(client, exportQuery(options, part, literal, pseudonymSalt), sink.file(name), convert);
      const counts = await client.query<{ strength: string; n: number }>(exportCountsQuery(options, part, literal));
      files.push({ ...streamed, name, split: part, strengths: Object.fromEntries(counts.rows.map((r) => [r.strength, r.n])) });
    }
    await client.query("COMMIT");
  } finally {
    await client.end();
  }
  const createdAt = new Date();
  await sink.text("README.md", datasetCard(options, files, createdAt));
  await sink.text("manifest.json", `${JSON.stringify(manifest(options, files, createdAt), null, 2)}\n`);
  return { options, files };
}
