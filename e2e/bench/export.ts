// `npm run bench -- export`: 1,000,000 comparisons over realistic text exported as TRL
// conversational JSONL with margins, through the same code as the UI, API and CLI
// (exportToDirectory → streamLines), against a baseline `COPY (SELECT …) TO STDOUT` of the
// same joined rows, in the same run. Peak RSS is this process's, sampled during the export.
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { pipeline } from "node:stream/promises";
import { openDatabase } from "../../server/db/database";
import { applyMigrations } from "../../server/db/migrate";
import { exportToDirectory } from "../../server/export/export-to-directory";

const PAIRS = Number(process.env.BENCH_EXPORT_PAIRS ?? 250_000);
const PER_PAIR = 4; // annotations per pair: PAIRS × 4 = 1,000,000 comparisons

export type SeedShape = {
  /** Pairs, each labelled by `perPair` different annotators. */
  pairs?: number;
  perPair?: number;
  /** Batches of one round the pairs are dealt to in turn (pair i to batch i mod batches). */
  batches?: number;
  /** Annotators taking the labels in turn (at least perPair); the export bench has perPair of them. */
  annotators?: number;
};

/**
 * The export bench's data: PAIRS × PER_PAIR comparisons over realistic text in one batch, by
 * PER_PAIR annotators; other benches (the dashboard's) spread the same rows over more batches
 * and annotators.
 */
export async function seedComparisons(url: string, shape: SeedShape = {}) {
  const { pairs = PAIRS, perPair = PER_PAIR, batches = 1, annotators = perPair } = shape;
  if (annotators < perPair) throw new Error("seedComparisons: fewer annotators than labels per pair");
  const batchOf = (i: string) => (batches === 1 ? `'xb'` : `'xb' || (1 + ${i} % ${batches})`);
  const annotatorOf = annotators === perPair ? `'xu' || k` : `'xu' || (1 + (i * ${perPair} + k - 1) % ${annotators})`;
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  // 1–4 turns; responses of several hundred bytes with newlines, quotes, backslashes and
  // non-ASCII characters, so that escaping does real work.
  await db.query(`
    INSERT INTO "Round" (id, number, name, status) VALUES ('xr', 1, 'RLHF-V1', 'ACTIVE');
    INSERT INTO "Batch" (id, "roundId", name, status, "annotationsPerPair")
      SELECT ${batchOf("b")}, 'xr', 'Batch ' || (1 + b % ${batches}), 'OPEN', ${perPair} FROM generate_series(0, ${batches - 1}) b;
    INSERT INTO "User" (id, email, name, role, "updatedAt")
      SELECT 'xu' || k, 'xu' || k || '@bench.local', 'Annotator ' || k, 'ANNOTATOR', now() FROM generate_series(1, ${annotators}) k;
    INSERT INTO "Prompt" (id, protocol, "systemPrompt", source, "contentHash", turns)
      SELECT 'xp' || i, (CASE WHEN i % 4 = 0 THEN 'SAFETY' ELSE 'HELPFULNESS' END)::"Protocol",
             CASE WHEN i % 10 = 0 THEN 'You are a helpful, respectful and honest assistant.' END, 'bench', md5('xp' || i),
             ARRAY(SELECT CASE WHEN t % 2 = 0
                            THEN 'Question ' || i || E' (turn ' || t || E'): what does the "\\\\n" escape mean in C:\\\\Users\\\\café?\\nAsk about naïve façades — 日本語 too.'
                            ELSE E'Earlier answer: use "quotes" carefully,\\nand backslashes \\\\ like this. Ça va? 👍' END
                   FROM generate_series(0, 2 * (i % 4)) t ORDER BY t)
      FROM generate_series(1, ${pairs}) i;
    INSERT INTO "Response" (id, "promptId", text, source)
      SELECT 'xr' || i || s, 'xp' || i,
             'Response ' || s || ' to ' || i || E':\\n\\n1. "Quoted advice" with a backslash \\\\ and a tab\\t.\\n2. ' ||
             repeat(E'Naïve café façade — résumé déjà vu; 東京 “smart quotes” and \\\\path\\\\to\\\\file. ', 4) ||
             E'\\n\\nIn short: ' || md5(i::text || s),
             'bench'
      FROM generate_series(1, ${pairs}) i, (VALUES ('a'), ('b')) v(s);
    INSERT INTO "Pair" (id, "batchId", "promptId", "responseAId", "responseBId", "requiredAnnotations", "annotationCount", strategy)
      SELECT 'xq' || i, ${batchOf("i")}, 'xp' || i, 'xr' || i || 'a', 'xr' || i || 'b', ${perPair}, ${perPair}, 'bench'
      FROM generate_series(1, ${pairs}) i;
    INSERT INTO "Comparison" (id, "pairId", "annotatorId", chosen, strength, "safetyLabel", "leftSide", "timeOnTaskMs", "createdAt")
      SELECT 'xc' || i || '-' || k, 'xq' || i, ${annotatorOf},
             (CASE WHEN (i + k) % 3 = 0 THEN 'B' ELSE 'A' END)::"Side",
             (ARRAY['SIGNIFICANTLY_BETTER','BETTER','SLIGHTLY_BETTER','NEGLIGIBLY_BETTER_OR_UNSURE'])[1 + (i * k) % 4]::"Strength",
             CASE WHEN i % 4 = 0 THEN (ARRAY['CHOSEN_SAFE_OTHER_UNSAFE','BOTH_SAFE','BOTH_UNSAFE'])[1 + (i + k) % 3]::"SafetyLabel" END,
             (CASE WHEN k % 2 = 0 THEN 'A' ELSE 'B' END)::"Side", 3000 + (i * 7 + k) % 60000,
             timestamp '2026-01-01' + make_interval(secs => i * 4 + k)
      FROM generate_series(1, ${pairs}) i, generate_series(1, ${perPair}) k;
    ANALYZE;`);
  await db.end();
}

/** The same joined rows, as PostgreSQL's own COPY writes them: the floor for any export. */
const BASELINE = `
  SELECT c.id, c.chosen, c.strength, pr."systemPrompt",
         pr.turns,
         ra.text, rb.text
  FROM "Comparison" c
  JOIN "Pair" p ON p.id = c."pairId"
  JOIN "Prompt" pr ON pr.id = p."promptId"
  JOIN "Response" ra ON ra.id = p."responseAId"
  JOIN "Response" rb ON rb.id = p."responseBId"
  ORDER BY c."createdAt", c.id`;

function rssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

export async function benchExport() {
  const dataRoot = path.join(process.cwd(), ".data", "bench-export");
  fs.rmSync(dataRoot, { recursive: true, force: true });
  const database = await openDatabase({ dataDir: path.join(dataRoot, "postgres") });
  try {
    await applyMigrations(database.url);
    let t = performance.now();
    await seedComparisons(database.url);
    console.log(`Seeded ${PAIRS * PER_PAIR} comparisons in ${((performance.now() - t) / 1000).toFixed(1)} s.`);

    const out = path.join(dataRoot, "export");
    const peak = rssSampler();
    t = performance.now();
    const { files } = await exportToDirectory(database.url, { format: "trl", style: "conversational", prompt: "explicit", margin: "small" }, out, "bench");
    const exportSeconds = (performance.now() - t) / 1000;
    const peakRssMb = peak() / 2 ** 20;
    const rows = files[0]!.rows;
    console.log(`export: ${rows} rows, ${(files[0]!.bytes / 2 ** 20).toFixed(0)} MiB in ${exportSeconds.toFixed(1)} s, peak RSS ${peakRssMb.toFixed(0)} MB`);

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    t = performance.now();
    await pipeline(client.query(copyTo(`COPY (${BASELINE}) TO STDOUT`)), fs.createWriteStream(path.join(dataRoot, "baseline.tsv")));
    const baselineSeconds = (performance.now() - t) / 1000;
    await client.end();
    console.log(`baseline COPY of the same joined rows: ${baselineSeconds.toFixed(1)} s`);

    const rowsPerS = rows / exportSeconds;
    const baselineRowsPerS = rows / baselineSeconds;
    console.log(
      JSON.stringify({
        bench: "export",
        rows,
        rows_per_s: Math.round(rowsPerS),
        peak_rss_mb: Math.round(peakRssMb),
        baseline_copy_rows_per_s: Math.round(baselineRowsPerS),
        ratio: Math.round((rowsPerS / baselineRowsPerS) * 100) / 100,
      }),
    );
  } finally {
    await database.stop();
    fs.rmSync(dataRoot, { recursive: true, force: true });
  }
}
