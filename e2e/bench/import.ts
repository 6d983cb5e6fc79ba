// `npm run bench -- import`: a 200,000-row HH-RLHF-style JSONL file (1–4 turns, 1–2 KB a row
// with quotes, backslashes, newlines and non-ASCII, some rows repeated) imported through the
// project's import path (runImport, as the CLI, API, admin page and worker job run it: zod per
// row, turns split, hashed, looked up, binary-COPYed into the normalised tables in one
// transaction),
// against a baseline that does the least any importer must: stream the same
// file, JSON.parse each line and COPY the rows into one scratch table. Peak RSS is this
// process's, sampled during the import.
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { openDatabase } from "../../server/db/database";
import { applyMigrations } from "../../server/db/migrate";
import { runImport } from "../../server/import/run-import";

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 200_000);
/** Share of rows that repeat an earlier row (skipped as duplicates). */
const DUPLICATE_EVERY = 50;

function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const PHRASES = [
  'He said "use the \\n escape" and left.',
  "C:\\Users\\café\\notes.txt holds the draft.",
  "Naïve façade — résumé, déjà vu, 東京, Ça va? 👍",
  "Line one.\nLine two, after a newline.",
  "Tabs\tand “smart quotes” and 'single' ones.",
  "The path is /usr/local/bin and the regex is \\d+\\s*.",
  "Plain sentence about tides, moons and oceans.",
  "A list:\n1. first\n2. second\n3. third",
];

function text(next: () => number, bytes: number): string {
  let out = "";
  while (out.length < bytes) out += `${PHRASES[Math.floor(next() * PHRASES.length)]} `;
  return out.trim();
}

/** Writes the bench's HH-RLHF file: `rows` rows, or fewer once the next could pass `maxBytes`;
 *  `tag` makes the questions of one file differ from another's (so neither is a duplicate). */
export async function writeHhFile(file: string, { rows: rowCount = ROWS, maxBytes = Infinity, tag = "", seed = 42 } = {}) {
  const next = random(seed);
  const out = fs.createWriteStream(file);
  const rows: string[] = [];
  let bytes = 0;
  for (let i = 0; i < rowCount && bytes < maxBytes - 8192; i++) {
    let line: string;
    if (i > 0 && i % DUPLICATE_EVERY === 0) {
      line = rows[Math.floor(next() * rows.length)]!;
    } else {
      const turns = 1 + Math.floor(next() * 4);
      let prefix = "";
      for (let t = 0; t < turns; t++) {
        prefix += `\n\nHuman: Question ${tag}${i}.${t}: ${text(next, 40 + next() * 110)}`;
        if (t < turns - 1) prefix += `\n\nAssistant: ${text(next, 40 + next() * 110)}`;
      }
      const chosen = `${prefix}\n\nAssistant: ${text(next, 120 + next() * 220)}`;
      // Its own last sentence keeps it from ever being the same text as the chosen one (the
      // import refuses such a pair).
      const rejected = `${prefix}\n\nAssistant: ${text(next, 80 + next() * 180)} That is all I can say.`;
      line = JSON.stringify({ chosen, rejected });
      if (rows.length < 5000) rows.push(line);
    }
    bytes += Buffer.byteLength(line) + 1;
    if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return bytes;
}

function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

const escapeCopy = (s: string) => s.replace(/[\\\n\r\t]/g, (c) => ({ "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" })[c]!);

/** The floor: stream, JSON.parse, COPY into one scratch table. */
async function baseline(url: string, file: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("CREATE TABLE bench_scratch (chosen text, rejected text)");
  const copy = client.query(copyFrom("COPY bench_scratch (chosen, rejected) FROM STDIN"));
  const done = new Promise<void>((resolve, reject) => copy.on("finish", resolve).on("error", reject));
  let rows = 0;
  for await (const line of readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity })) {
    if (!line) continue;
    const row = JSON.parse(line) as { chosen: string; rejected: string };
    rows++;
    if (!copy.write(`${escapeCopy(row.chosen)}\t${escapeCopy(row.rejected)}\n`)) await new Promise<void>((r) => copy.once("drain", () => r()));
  }
  copy.end();
  await done;
  await client.end();
  return rows;
}

export async function benchImport() {
  const dataRoot = path.join(process.cwd(), ".data", "bench-import");
  fs.rmSync(dataRoot, { recursive: true, force: true });
  fs.mkdirSync(dataRoot, { recursive: true });
  const database = await openDatabase({ dataDir: path.join(dataRoot, "postgres") });
  try {
    await applyMigrations(database.url);
    const file = path.join(dataRoot, "hh-rlhf-bench.jsonl");
    let t = performance.now();
    const bytes = await writeHhFile(file);
    console.log(`Wrote ${ROWS} rows, ${(bytes / 2 ** 20).toFixed(0)} MiB (${Math.round(bytes / ROWS)} bytes a row) in ${((performance.now() - t) / 1000).toFixed(1)} s.`);

    const peak = rssSampler();
    t = performance.now();
    const result = await runImport(database.url, { path: file, fileName: "hh-rlhf-bench.jsonl" }, { sourceName: "bench/hh-rlhf", licence: "MIT" }, { createdById: null });
    const importSeconds = (performance.now() - t) / 1000;
    const peakRssMb = peak() / 2 ** 20;
    console.log(
      `import: ${result.rows} rows (${result.inserted} imported, ${result.duplicates} duplicates, ${result.promptsCreated} prompts) in ${importSeconds.toFixed(1)} s, peak RSS ${peakRssMb.toFixed(0)} MB` +
        ` (per-row triggers ${result.rowTriggersSkipped ? "skipped" : "run"}, connection ${result.connectionThread ? "on its own thread" : "inline"})`,
    );

    t = performance.now();
    const baselineRows = await baseline(database.url, file);
    const baselineSeconds = (performance.now() - t) / 1000;
    console.log(`baseline (JSON.parse + COPY into one scratch table): ${baselineRows} rows in ${baselineSeconds.toFixed(1)} s`);

    const rowsPerS = result.rows / importSeconds;
    const baselineRowsPerS = baselineRows / baselineSeconds;
    console.log(
      JSON.stringify({
        bench: "import",
        rows: result.rows,
        rows_per_s: Math.round(rowsPerS),
        peak_rss_mb: Math.round(peakRssMb),
        baseline_rows_per_s: Math.round(baselineRowsPerS),
        ratio: Math.round((rowsPerS / baselineRowsPerS) * 100) / 100,
      }),
    );
  } finally {
    await database.stop();
    fs.rmSync(dataRoot, { recursive: true, force: true });
  }
}
