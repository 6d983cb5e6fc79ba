// Writing an import: whole or not at all, in one transaction, at close to COPY speed.
//
// Rows are converted (zod, turn splitting, hashing) in Node, in chunks. For each chunk, one
// query asks which of its dialogues and pairs are already stored (an index probe per hash);
// the new rows then go straight into the normalised tables with COPY (prompts, turns,
// responses, pairs, comparisons, in the order their foreign keys need), with ids made of the
// import's tag and a counter. While PostgreSQL writes chunk k, Node converts chunk k+1: the two
// halves of the work run on different cores instead of one after the other. A bad row anywhere
// (or any failure) rolls the transaction back: nothing of the file is written.
//
// Identity: a prompt by dialogueHash (Prompt.contentHash), a pair by its dialogue and two
// responses (Pair.contentHash), a comparison by Comparison.importKey. Rows already stored, or
// repeated in the file, are counted as duplicates and skipped, so importing a file twice
// changes nothing (a file with nothing new is not even recorded as an import). Imports run one
// at a time (an advisory lock), so what the lookup says stays true until the commit; the only
// other writer of prompts is prompt writing, and should it store the very same dialogue in that
// moment, the import fails on the unique hash and can simply be run again.
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

/** Rows per chunk: large enough for COPY and the lookups to pay off, small enough to bound memory. */
const CHUNK_ROWS = Number(process.env.IMPORT_CHUNK_ROWS) || 2000;
const PIPELINE = Number(process.env.IMPORT_PIPELINE) || 3;

/** The round that holds every imported dataset's batch: number 0, complete, never sampled from. */
export const IMPORT_ROUND = { number: 0, name: "Imported datasets" };

// COPY text format: backslash, newline, carriage return and tab are escaped; \N is NULL.
const SPECIAL = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };
function field(value: string | null): string {
  if (value === null) return "\\N";
  return value.replace(SPECIAL, (c) => ESCAPES[c]!);
}

/**
 * Ids in the order rows are written: the import's random tag, then a counter that sorts as it
 * counts. Random ids (hashes, UUIDs) would land every primary-key and foreign-key index entry
 * on a random page; in order, each index grows at its right edge.
 */
function idMaker(importId: string) {
  const tag = importId.slice(3, 13);
  let next = 0;
  return (kind: string) => `${kind}${tag}${(next++).toString(36).padStart(8, "0")}`;
}

type Chunk = { line: number; record: PromptRecord | PreferenceRecord }[];

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
  // Raw exports hold one row per annotation: several comparisons per pair.
  const perAnnotation = provenance.format === "raw";
  const client = new pg.Client({ connectionString, application_name: "preference-import" });
  await client.connect();
  /** The last chunk handed to PostgreSQL (each waits for the one before: one connection). */
  let pending: Promise<void> = Promise.resolve();
  const inFlight: Promise<void>[] = [];
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtext('dataset-import'))");
    const importId = `imp${crypto.randomUUID().replace(/-/g, "").slice(0, 22)}`;
    await client.query(
      `INSERT INTO "DatasetImport" (id, kind, "sourceName", "fileName", "fileSha256", format, licence, "jobId", rows, inserted, duplicates, "createdById")
       VALUES ($1, $2::"ImportKind", $3, $4, '', $5, $6, $7, 0, 0, 0, $8)`,
      [importId, provenance.kind, provenance.sourceName, provenance.fileName, provenance.format, provenance.licence, provenance.jobId, provenance.createdById],
    );
    const batchId = converter.kind === "PREFERENCES" ? await createImportBatch(client, importId, provenance) : null;
    const newId = idMaker(importId);

    const source = field(provenance.sourceName);
    const createdBy = field(provenance.createdById);
    let inserted = 0;
    let promptsCreated = 0;

    const copy = async (table: string, columns: string, lines: string[]) => {
      if (lines.length === 0) return;
      const stream = client.query(copyFrom(`COPY "${table}" (${columns}) FROM STDIN`));
      await new Promise<void>((resolve, reject) => {
        stream.on("finish", resolve).on("error", reject);
        stream.end(lines.join(""));
      });
    };

    const flush = async (chunk: Chunk) => {
      if (chunk.length === 0) return;
      const promptOf = (r: Chunk[number]["record"]) => (converter.kind === "PROMPTS" ? (r as PromptRecord) : (r as PreferenceRecord).prompt);
      const preferences = converter.kind === "PREFERENCES" ? chunk.map((c) => c.record as PreferenceRecord) : [];
      // What of the chunk is stored already: before this import, or by its earlier chunks (this
      // transaction sees its own rows), so Node keeps no memory of the whole file. One index
      // probe per hash.
      const { rows: stored } = await client.query<{ kind: string; hash: string; id: string; ours: boolean }>(
        `SELECT 'prompt' AS kind, "contentHash" AS hash, id, false AS ours FROM "Prompt" WHERE "contentHash" = ANY($1::text[])
         UNION ALL
         SELECT 'pair', "contentHash", id, "batchId" = $4 FROM "Pair" WHERE "contentHash" = ANY($2::text[])
         UNION ALL
         SELECT 'key', "importKey", id, true FROM "Comparison" WHERE $5 AND "importKey" = ANY($3::text[])`,
        [
          [...new Set(chunk.map((c) => promptOf(c.record).hash))],
          [...new Set(preferences.map((r) => r.pairHash))],
          perAnnotation ? [...new Set(preferences.map((r) => r.importKey))] : [],
          batchId,
          perAnnotation,
        ],
      );
      /** Prompt id by dialogue hash. */
      const promptIds = new Map<string, string>();
      /** Pair id by pair hash: the pairs this import created; null for pairs stored by anything else. */
      const pairs = new Map<string, string | null>();
      const importKeys = new Set<string>();
      for (const s of stored) {
        if (s.kind === "prompt") promptIds.set(s.hash, s.id);
        else if (s.kind === "pair") pairs.set(s.hash, s.ours ? s.id : null);
        else importKeys.add(s.hash);
      }

      const promptLines: string[] = [];
      const turnLines: string[] = [];
      const responseLines: string[] = [];
      const pairLines: string[] = [];
      const comparisonLines: string[] = [];
      for (const { record } of chunk) {
        const prompt = promptOf(record);
        if (!promptIds.has(prompt.hash)) {
          const id = newId("ipr");
          promptIds.set(prompt.hash, id);
          promptsCreated++;
          promptLines.push(
            `${id}\t${prompt.protocol}\t${field(prompt.systemPrompt)}\t${field(prompt.riskCategory)}\t${field(prompt.attackVector)}\t${source}\t${prompt.hash}\t${createdBy}\t${importId}\n`,
          );
          prompt.turns.forEach((t, i) => turnLines.push(`${id}\t${i}\t${t.role}\t${field(t.content)}\n`));
        }
        if (converter.kind === "PROMPTS") continue;
        const r = record as PreferenceRecord;
        if (importKeys.has(r.importKey)) continue; // stored, or repeated in the file
        importKeys.add(r.importKey);
        if (!pairs.has(r.pairHash)) {
          const id = newId("ipa");
          pairs.set(r.pairHash, id);
          const [a, b] = [newId("irs"), newId("irs")];
          const promptRef = promptIds.get(prompt.hash)!;
          responseLines.push(`${a}\t${promptRef}\t${field(r.responseA)}\t${source}\n`, `${b}\t${promptRef}\t${field(r.responseB)}\t${source}\n`);
          const labels = perAnnotation ? 0 : 1; // raw: counted at the end
          pairLines.push(`${id}\t${batchId}\t${promptRef}\t${a}\t${b}\t${labels}\t${labels}\timport\t${r.pairHash}\n`);
        } else if (!perAnnotation) {
          continue; // one row, one pair: the pair is stored, so is the row
        }
        // A row whose pair was stored before this import is a duplicate, whatever its source.
        const pair = pairs.get(r.pairHash);
        if (!pair) continue;
        comparisonLines.push(
          `${newId("icm")}\t${pair}\t${importId}\t${r.importKey}\t${r.chosen}\t${r.strength}\t${field(r.safetyLabel)}\tA\t0\n`,
        );
      }
      await copy("Prompt", `id, protocol, "systemPrompt", "riskCategory", "attackVector", source, "contentHash", "createdById", "importId"`, promptLines);
      await copy("PromptTurn", `"promptId", position, role, content`, turnLines);
      await copy("Response", `id, "promptId", text, source`, responseLines);
      await copy("Pair", `id, "batchId", "promptId", "responseAId", "responseBId", "requiredAnnotations", "annotationCount", strategy, "contentHash"`, pairLines);
      await copy("Comparison", `id, "pairId", "importId", "importKey", chosen, strength, "safetyLabel", "leftSide", "timeOnTaskMs"`, comparisonLines);
      inserted += converter.kind === "PROMPTS" ? promptLines.length : comparisonLines.length;
    };

    let count = 0;
    let chunk: Chunk = [];
    for await (const row of rows) {
      let record: PromptRecord | PreferenceRecord;
      try {
        record = converter.convert(row.value);
      } catch (error) {
        throw rowError(row.where, error);
      }
      chunk.push({ line: ++count, record });
      // Let the event loop in now and then: the rows of a read buffer otherwise convert in one
      // unbroken run of microtasks, and PostgreSQL would wait that long for its next statement.
      if (count % 32 === 0) await new Promise((resolve) => setImmediate(resolve));
      if (chunk.length >= CHUNK_ROWS) {
        // Up to PIPELINE chunks wait for PostgreSQL while the next is converted, so neither side
        // waits for the other's slower moments.
        const ready = chunk;
        pending = pending.then(() => flush(ready));
        pending.catch(() => {}); // awaited below; an early throw must not leave it unhandled
        inFlight.push(pending);
        if (inFlight.length >= PIPELINE) await inFlight.shift();
        chunk = [];
        onProgress?.(count);
      }
    }
    await pending;
    await flush(chunk);
    onProgress?.(count);

    if (perAnnotation && batchId) {
      await client.query(
        `UPDATE "Pair" p SET "annotationCount" = c.n, "requiredAnnotations" = c.n
         FROM (SELECT "pairId", count(*)::int AS n FROM "Comparison" WHERE "importId" = $1 GROUP BY "pairId") c
         WHERE p.id = c."pairId"`,
        [importId],
      );
    }
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
