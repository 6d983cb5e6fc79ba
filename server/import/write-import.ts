// Writing an import: whole or not at all, in one transaction, at close to COPY speed.
//
// Rows are converted (zod, turn splitting, hashing) in Node and COPYed in chunks into a
// temporary staging table; each chunk is then moved into the normalised tables by set-based
// `INSERT … SELECT … ON CONFLICT DO NOTHING` statements (prompts with their turns, responses
// and pairs, comparisons). While PostgreSQL moves chunk k, Node converts chunk k+1: the two
// halves of the work run on different cores instead of one after the other. A bad row anywhere
// (or any failure) rolls the transaction back: nothing of the file is written.
//
// Identity: a prompt by dialogueHash (Prompt.contentHash), a pair by its dialogue and two
// responses (Pair.contentHash), a comparison by Comparison.importKey. Rows already stored, or
// repeated in the file, are counted as duplicates and skipped, so importing a file twice
// changes nothing (a file with nothing new is not even recorded as an import).
import crypto from "node:crypto";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { PreferenceRecord, PromptRecord } from "./row-formats";
import { ImportRowError, type Row, rowError } from "./readers";

export type ImportProvenance = {
  kind: "PROMPTS" | "PREFERENCES";
  sourceName: string;
  fileName: string;
  format: string;
  licence: string | null;
  jobId: string | null;
  createdById: string | null;
};

export type ImportResult = {
  /** The DatasetImport row, or null when nothing was new (nothing is written then). */
  importId: string | null;
  batchId: string | null;
  rows: number;
  inserted: number;
  duplicates: number;
  promptsCreated: number;
  fileSha256: string;
};

type Converted = { kind: "PROMPTS"; convert: (row: unknown) => PromptRecord } | { kind: "PREFERENCES"; convert: (row: unknown) => PreferenceRecord };

/** Rows per chunk: large enough for set-based statements to pay off, small enough to bound memory. */
const CHUNK_ROWS = Number(process.env.IMPORT_CHUNK_ROWS) || 4000;

/** The round that holds every imported dataset's batch: number 0, complete, never sampled from. */
export const IMPORT_ROUND = { number: 0, name: "Imported datasets" };

// COPY text format: backslash, newline, carriage return and tab are escaped; \N is NULL.
const SPECIAL = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };
function field(value: string | null): string {
  if (value === null) return "\\N";
  return value.replace(SPECIAL, (c) => ESCAPES[c]!);
}

/** The COPY lines of one chunk, one buffer per staging table. */
type Chunk = { prompts: string[]; turns: string[]; rows: string[] };
const emptyChunk = (): Chunk => ({ prompts: [], turns: [], rows: [] });

function addPrompt(chunk: Chunk, p: PromptRecord) {
  chunk.prompts.push(`${p.hash}\t${p.protocol}\t${field(p.systemPrompt)}\t${field(p.riskCategory)}\t${field(p.attackVector)}\n`);
  p.turns.forEach((t, i) => chunk.turns.push(`${p.hash}\t${i}\t${t.role}\t${field(t.content)}\n`));
}

function addRow(chunk: Chunk, line: number, r: PreferenceRecord) {
  chunk.rows.push(
    `${line}\t${r.prompt.hash}\t${field(r.responseA)}\t${field(r.responseB)}\t${r.chosen}\t${r.strength}\t${field(r.safetyLabel)}\t${r.pairHash}\t${r.importKey}\n`,
  );
}

// Plain columns (no JSON to parse on the way in); ON COMMIT DROP: nothing outlives the import.
const STAGING = [
  `CREATE TEMPORARY TABLE import_prompts (prompt_hash text, protocol text, system_prompt text, risk_category text, attack_vector text) ON COMMIT DROP`,
  `CREATE TEMPORARY TABLE import_turns (prompt_hash text, position int, role text, content text) ON COMMIT DROP`,
  `CREATE TEMPORARY TABLE import_rows (line int, prompt_hash text, response_a text, response_b text, chosen text, strength text,
     safety_label text, pair_hash text, import_key text) ON COMMIT DROP`,
];

/** New prompts and their turns, in one statement (the file's repeats were dropped in Node). */
const MOVE_PROMPTS = `
  WITH created AS (
    INSERT INTO "Prompt" (id, protocol, "systemPrompt", "riskCategory", "attackVector", source, "contentHash", "createdById", "importId", "createdAt")
    SELECT 'ipr' || left(s.prompt_hash, 22), s.protocol::"Protocol", s.system_prompt, s.risk_category, s.attack_vector, $1, s.prompt_hash, $2, $3, now()
    FROM import_prompts s
    ON CONFLICT DO NOTHING
    RETURNING id, "contentHash"
  )
  INSERT INTO "PromptTurn" ("promptId", position, role, content)
  SELECT created.id, t.position, t.role::"TurnRole", t.content
  FROM created JOIN import_turns t ON t.prompt_hash = created."contentHash"`;

/**
 * The rows whose pair is not stored yet, with ids derived from the pair hash. Responses outlive
 * a deleted import's pairs, so their ids carry the batch too.
 */
const FRESH = `
  fresh AS MATERIALIZED (
    SELECT s.*, pr.id AS prompt_id, 'ip' || left(s.pair_hash, 23) AS pair_id, 'ir' || left(s.pair_hash, 16) || right($2, 8) AS response_id
    FROM (SELECT DISTINCT ON (pair_hash) * FROM import_rows ORDER BY pair_hash, line) s
    JOIN "Prompt" pr ON pr."contentHash" = s.prompt_hash
    WHERE NOT EXISTS (SELECT 1 FROM "Pair" p WHERE p."contentHash" = s.pair_hash)
  ), responses AS (
    INSERT INTO "Response" (id, "promptId", text, source, "createdAt")
    SELECT response_id || 'a', prompt_id, response_a, $1, now() FROM fresh
    UNION ALL
    SELECT response_id || 'b', prompt_id, response_b, $1, now() FROM fresh
  )`;

/**
 * One row, one pair, one comparison (HH-RLHF, TRL): responses, pair and comparison in one
 * statement. A row whose pair is already stored is a duplicate, whatever its source.
 */
const MOVE_PAIRS = `
  WITH ${FRESH}, pairs AS (
    INSERT INTO "Pair" (id, "batchId", "promptId", "responseAId", "responseBId", "requiredAnnotations", "annotationCount", strategy, "contentHash", "createdAt")
    SELECT pair_id, $2, prompt_id, response_id || 'a', response_id || 'b', 1, 1, 'import', pair_hash, now() FROM fresh
  )
  INSERT INTO "Comparison" (id, "pairId", "importId", "importKey", chosen, strength, "safetyLabel", "leftSide", "timeOnTaskMs", "createdAt")
  SELECT 'ic' || left(import_key, 23), pair_id, $3, import_key, chosen::"Side", strength::"Strength", safety_label::"SafetyLabel", 'A', 0, now()
  FROM fresh`;

/** Raw exports (one row per annotation): new pairs first, with no labels yet. */
const MOVE_RAW_PAIRS = `
  WITH ${FRESH}
  INSERT INTO "Pair" (id, "batchId", "promptId", "responseAId", "responseBId", "requiredAnnotations", "annotationCount", strategy, "contentHash", "createdAt")
  SELECT pair_id, $2, prompt_id, response_id || 'a', response_id || 'b', 0, 0, 'import', pair_hash, now() FROM fresh`;

/** Raw exports: each new annotation on a pair this import created, and the pair's count kept in step. */
const MOVE_RAW_COMPARISONS = `
  WITH created AS (
    INSERT INTO "Comparison" (id, "pairId", "importId", "importKey", chosen, strength, "safetyLabel", "leftSide", "timeOnTaskMs", "createdAt")
    SELECT 'ic' || left(s.import_key, 23), p.id, $1, s.import_key, s.chosen::"Side", s.strength::"Strength", s.safety_label::"SafetyLabel", 'A', 0, now()
    FROM import_rows s JOIN "Pair" p ON p."contentHash" = s.pair_hash AND p."batchId" = $2
    ON CONFLICT DO NOTHING
    RETURNING "pairId"
  ), counts AS (
    SELECT "pairId", count(*)::int AS n FROM created GROUP BY "pairId"
  ), updated AS (
    UPDATE "Pair" p SET "annotationCount" = p."annotationCount" + counts.n, "requiredAnnotations" = p."requiredAnnotations" + counts.n
    FROM counts WHERE p.id = counts."pairId"
    RETURNING counts.n
  )
  SELECT coalesce(sum(n), 0)::int AS inserted FROM updated`;

export type WriteProgress = (rows: number) => void;

/**
 * Imports the rows in one transaction. Throws ImportRowError (where, field, problem) for the
 * first bad row, after rolling back; nothing is written then.
 */
export async function writeImport(
  connectionString: string,
  rows: AsyncIterable<Row>,
  converter: Converted,
  provenance: ImportProvenance,
  checksum: () => Promise<string>,
  onProgress?: WriteProgress,
): Promise<ImportResult> {
  const counted = provenance.format === "raw";
  const client = new pg.Client({ connectionString, application_name: "preference-import" });
  await client.connect();
  let pending: Promise<void> = Promise.resolve();
  try {
    await client.query("BEGIN");
    // Imports one at a time: two files with the same new pair would otherwise both think it new.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('dataset-import'))");
    const importId = `imp${crypto.randomUUID().replace(/-/g, "").slice(0, 22)}`;
    await client.query(
      `INSERT INTO "DatasetImport" (id, kind, "sourceName", "fileName", "fileSha256", format, licence, "jobId", rows, inserted, duplicates, "createdById")
       VALUES ($1, $2::"ImportKind", $3, $4, '', $5, $6, $7, 0, 0, 0, $8)`,
      [importId, provenance.kind, provenance.sourceName, provenance.fileName, provenance.format, provenance.licence, provenance.jobId, provenance.createdById],
    );
    let batchId: string | null = null;
    if (converter.kind === "PREFERENCES") batchId = await createImportBatch(client, importId, provenance);
    // A chunk's staging rows, sorts and hashes stay in memory (temp_buffers must be set before
    // the session's first temporary table; it lasts as long as this one connection).
    await client.query("SET temp_buffers = '64MB'");
    await client.query("SET LOCAL work_mem = '64MB'");
    for (const sql of STAGING) await client.query(sql);

    let inserted = 0;
    const copy = async (table: string, lines: string[]) => {
      if (lines.length === 0) return;
      const stream = client.query(copyFrom(`COPY ${table} FROM STDIN`));
      await new Promise<void>((resolve, reject) => {
        stream.on("finish", resolve).on("error", reject);
        stream.end(lines.join(""));
      });
    };
    const flush = async (chunk: Chunk) => {
      await copy("import_prompts", chunk.prompts);
      await copy("import_turns", chunk.turns);
      await copy("import_rows", chunk.rows);
      if (chunk.prompts.length) await client.query(MOVE_PROMPTS, [provenance.sourceName, provenance.createdById, importId]);
      if (chunk.rows.length && !counted) {
        inserted += (await client.query(MOVE_PAIRS, [provenance.sourceName, batchId, importId])).rowCount ?? 0;
      } else if (chunk.rows.length) {
        await client.query(MOVE_RAW_PAIRS, [provenance.sourceName, batchId]);
        const { rows: [row] } = await client.query<{ inserted: number }>(MOVE_RAW_COMPARISONS, [importId, batchId]);
        inserted += row!.inserted;
      }
      await client.query("TRUNCATE import_prompts, import_turns, import_rows");
    };

    // The file's own repeats are dropped here, before they cost a byte of COPY.
    const seenPrompts = new Set<string>();
    const seenKeys = new Set<string>();
    let count = 0;
    let size = 0;
    let chunk = emptyChunk();
    for await (const row of rows) {
      let record: PromptRecord | PreferenceRecord;
      try {
        record = converter.convert(row.value);
      } catch (error) {
        throw rowError(row.where, error);
      }
      count++;
      const prompt = converter.kind === "PROMPTS" ? (record as PromptRecord) : (record as PreferenceRecord).prompt;
      if (!seenPrompts.has(prompt.hash)) {
        seenPrompts.add(prompt.hash);
        addPrompt(chunk, prompt);
      }
      if (converter.kind === "PREFERENCES") {
        const preference = record as PreferenceRecord;
        if (seenKeys.has(preference.importKey)) continue;
        seenKeys.add(preference.importKey);
        addRow(chunk, count, preference);
      }
      if (++size >= CHUNK_ROWS) {
        await pending; // at most one chunk in PostgreSQL while the next is converted
        pending = flush(chunk);
        pending.catch(() => {}); // awaited above or below; an early throw must not leave it unhandled
        chunk = emptyChunk();
        size = 0;
        onProgress?.(count);
      }
    }
    await pending;
    await flush(chunk);
    onProgress?.(count);

    const prompts = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Prompt" WHERE "importId" = $1`, [importId]);
    const promptsCreated = prompts.rows[0]!.n;
    if (converter.kind === "PROMPTS") inserted = promptsCreated;
    const fileSha256 = await checksum();
    const result: ImportResult = { importId, batchId, rows: count, inserted, duplicates: count - inserted, promptsCreated, fileSha256 };
    if (inserted === 0) {
      await client.query("ROLLBACK");
      return { ...result, importId: null, batchId: null };
    }
    await client.query(`UPDATE "DatasetImport" SET "fileSha256" = $2, rows = $3, inserted = $4, duplicates = $5 WHERE id = $1`, [
      importId,
      fileSha256,
      count,
      inserted,
      count - inserted,
    ]);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await pending.catch(() => {});
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The batch that holds an import's pairs, in the import round; closed, and kept so by a trigger. */
async function createImportBatch(client: pg.Client, importId: string, provenance: ImportProvenance): Promise<string> {
  await client.query(
    `INSERT INTO "Round" (id, number, name, status, "createdAt") VALUES ($1, $2, $3, 'COMPLETE', now()) ON CONFLICT (number) DO NOTHING`,
    [`round-imports`, IMPORT_ROUND.number, IMPORT_ROUND.name],
  );
  const { rows: [round] } = await client.query<{ id: string }>(`SELECT id FROM "Round" WHERE number = $1`, [IMPORT_ROUND.number]);
  const batchId = `ib${importId.slice(3)}`;
  await client.query(
    `INSERT INTO "Batch" (id, "roundId", name, status, "annotationsPerPair", "createdAt", "closedAt", "importId")
     VALUES ($1, $2, $3, 'CLOSED', 1, now(), now(), $4)`,
    [batchId, round!.id, `${provenance.sourceName} · ${provenance.fileName} · ${importId.slice(-8)}`, importId],
  );
  return batchId;
}

export { ImportRowError };
