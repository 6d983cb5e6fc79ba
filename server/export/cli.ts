// `npm run export -- --format trl --style conversational --margin small --out exports/rm-v2`
// Writes the export folder (data, README.md dataset card, manifest.json) through the same query
// and stream as the web download and the API.
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { appDatabase } from "../db/app-database";
import { authSecret } from "../runtime/prepare";
import { exportOptionsSchema } from "./export.schema";
import { directorySink, exportToDirectory } from "./export-to-directory";
import { runSftExport, sftExportSchema } from "../rounds/sft-export";
import { pseudonymSalt } from "./pseudonyms";
import { config } from "../config/config";

const usage = `Usage: npm run export -- --format trl|hh-rlhf|raw --out DIR [options]
       npm run export -- --format sft --rounds ROUND_ID[,ROUND_ID] [--file jsonl|parquet] --out DIR   (a round's fine-tuning set)
  --file jsonl|parquet              (default jsonl)
  --style standard|conversational   (trl, default conversational)
  --prompt explicit|implicit        (trl, default explicit)
  --margin none|small|large         (trl, default none)
  --aggregate none|majority|mean|unanimous  (default none: one row per annotation)
  --rounds ID,ID  --batches ID,ID  --protocol HELPFULNESS|SAFETY
  --sources team,NAME           team labels and/or imported sources (default: team only)
  --drop-unsure                     leave out "negligibly better / unsure"
  --test-fraction 0.05              hold out pairs as test data (by pair id)`;

async function main() {
  const { values } = parseArgs({
    options: {
      format: { type: "string" }, file: { type: "string" }, style: { type: "string" }, prompt: { type: "string" }, margin: { type: "string" },
      aggregate: { type: "string" }, rounds: { type: "string" }, sources: { type: "string" }, batches: { type: "string" }, protocol: { type: "string" },
      "drop-unsure": { type: "boolean" }, "test-fraction": { type: "string" }, out: { type: "string" }, help: { type: "boolean" },
    },
  });
  if (values.help) return console.log(usage);
  if (!values.out) throw new Error(`--out is required.\n${usage}`);
  const list = (v?: string) => (v ? v.split(",").map((s) => s.trim()).filter(Boolean) : undefined);
  if (values.format === "sft") return exportRoundSft(list(values.rounds) ?? [], values.file, values.out);
  const parsed = exportOptionsSchema.safeParse({
    format: values.format, file: values.file, style: values.style, prompt: values.prompt, margin: values.margin, aggregate: values.aggregate,
    roundIds: list(values.rounds), batchIds: list(values.batches), protocol: values.protocol, sources: list(values.sources),
    dropUnsure: values["drop-unsure"] ?? false,
    testFraction: values["test-fraction"] === undefined ? undefined : Number(values["test-fraction"]),
  });
  if (!parsed.success) {
    throw new Error(`${z.prettifyError(parsed.error)}\n${usage}`);
  }
  const dataRoot = path.resolve(config().DATA_DIR);
  const database = await appDatabase(dataRoot);
  try {
    const started = performance.now();
    const { files } = await exportToDirectory(database.url, parsed.data, values.out, pseudonymSalt(authSecret(dataRoot)));
    const seconds = (performance.now() - started) / 1000;
    for (const f of files) console.log(`${path.join(values.out, f.name)}: ${f.rows} rows, ${f.bytes} bytes, sha256 ${f.sha256}`);
    console.log(`Done in ${seconds.toFixed(1)} s; README.md and manifest.json written beside the data.`);
  } finally {
    await database.close();
  }
}

/** `--format sft --rounds ID`: a round's fine-tuning set (server/rounds/sft-export.ts). */
async function exportRoundSft(roundIds: string[], file: string | undefined, out: string) {
  const parsed = sftExportSchema.safeParse({ roundIds, file });
  if (!parsed.success) throw new Error(`${z.prettifyError(parsed.error)}\n${usage}`);
  const database = await appDatabase(path.resolve(config().DATA_DIR));
  try {
    const started = performance.now();
    const { file: written } = await runSftExport(database.url, parsed.data, directorySink(out));
    console.log(`${path.join(out, written.name)}: ${written.rows} rows, ${written.bytes} bytes, sha256 ${written.sha256}`);
    console.log(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s; README.md and manifest.json written beside the data.`);
  } finally {
    await database.close();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exitCode = 1;
});
