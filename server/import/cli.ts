// `npm run import -- --file hh-train.jsonl --source Anthropic/hh-rlhf --licence "MIT"`
// Imports a file of prompts or preference rows through the same code as the admin page and the
// API: whole or not at all; a bad row is reported with its line and field and nothing is written.
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { appDatabase } from "../db/app-database";
import { importOptionsSchema } from "./import.schema";
import { FileError, ImportRowError } from "./readers";
import { runImport } from "./run-import";
import { config } from "../config/config";

const usage = `Usage: npm run import -- --file FILE --source NAME [options]
  FILE: .jsonl (.json, .ndjson), .csv or .parquet
  --format auto|prompts|hh-rlhf|trl|raw   (default auto: detected from the first row)
  --source NAME                 who published the data, e.g. Anthropic/hh-rlhf
  --licence TEXT                the licence and terms of the data
  --protocol HELPFULNESS|SAFETY  for rows that do not state one (default HELPFULNESS)
  --strength LEVEL              for preference rows without a margin (default NEGLIGIBLY_BETTER_OR_UNSURE)
  --margin-scale small|large    which of Llama 2's scales a margin column is on (default small)`;

async function main() {
  const { values } = parseArgs({
    options: {
      file: { type: "string" }, format: { type: "string" }, source: { type: "string" }, licence: { type: "string" },
      protocol: { type: "string" }, strength: { type: "string" }, "margin-scale": { type: "string" }, help: { type: "boolean" },
    },
  });
  if (values.help) return console.log(usage);
  if (!values.file) throw new Error(`--file is required.\n${usage}`);
  const parsed = importOptionsSchema.safeParse({
    format: values.format, sourceName: values.source, licence: values.licence, protocol: values.protocol,
    strength: values.strength, marginScale: values["margin-scale"],
  });
  if (!parsed.success) throw new Error(`${z.prettifyError(parsed.error)}\n${usage}`);
  const database = await appDatabase(path.resolve(config().DATA_DIR));
  try {
    const started = performance.now();
    const result = await runImport(database.url, { path: values.file, fileName: path.basename(values.file) }, parsed.data, { createdById: null });
    const seconds = (performance.now() - started) / 1000;
    console.log(`${values.file}: ${result.format}, ${result.rows} rows, sha256 ${result.fileSha256}`);
    console.log(`${result.inserted} imported, ${result.duplicates} duplicates skipped, ${result.promptsCreated} new prompts, in ${seconds.toFixed(1)} s.`);
    console.log(result.importId ? `Import ${result.importId}${result.batchId ? `, batch ${result.batchId} (closed: never served to annotators)` : ""}.` : "Nothing new: nothing was written.");
  } finally {
    await database.close();
  }
}

main().catch((error: Error) => {
  const known = error instanceof ImportRowError || error instanceof FileError;
  console.error(known ? `Nothing was imported. ${error.message}` : error.message);
  process.exitCode = 1;
});
