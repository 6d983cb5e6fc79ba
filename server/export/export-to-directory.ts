// An export written as a folder: the data file(s) (train/test when split), README.md (the
// dataset card) and manifest.json. Used by the CLI; the web download and the API stream the
// same query through streamLines.
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { datasetCard, type ExportedFile, manifest } from "./dataset-card";
import { type ExportOptionsInput, exportOptionsSchema } from "./export.schema";
import { exportCountsQuery, type ExportPart, exportQuery } from "./export-query";
import { streamLines } from "./stream-export";

export async function exportToDirectory(
  connectionString: string,
  input: ExportOptionsInput,
  directory: string,
  pseudonymSalt: string,
) {
  const options = exportOptionsSchema.parse(input);
  fs.mkdirSync(directory, { recursive: true });
  const client = new pg.Client({ connectionString });
  await client.connect();
  const literal = (value: string) => client.escapeLiteral(value);
  const parts: ExportPart[] = options.testFraction > 0 ? ["train", "test"] : ["all"];
  const files: ExportedFile[] = [];
  try {
    // One snapshot for the data and the counts of the card.
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    for (const part of parts) {
      const name = part === "all" ? "data.jsonl" : `${part}.jsonl`;
      const target = path.join(directory, name);
      const streamed = await streamLines(client, exportQuery(options, part, literal, pseudonymSalt), fs.createWriteStream(target));
      const counts = await client.query<{ strength: string; n: number }>(exportCountsQuery(options, part, literal));
      files.push({ ...streamed, name, split: part, strengths: Object.fromEntries(counts.rows.map((r) => [r.strength, r.n])) });
    }
    await client.query("COMMIT");
  } finally {
    await client.end();
  }
  const createdAt = new Date();
  fs.writeFileSync(path.join(directory, "README.md"), datasetCard(options, files, createdAt));
  fs.writeFileSync(path.join(directory, "manifest.json"), `${JSON.stringify(manifest(options, files, createdAt), null, 2)}\n`);
  return { options, files };
}
