// Writing an import: whole or not at all, in one transaction, at close to COPY speed.
//
// Rows are converted (zod, turn splitting, hashing) in Node, in chunks. For each chunk, one
// query asks which of its dialogues and pairs are already stored (an index probe per hash);
// the new rows then go straight into the normalised tables with binary COPY (prompts with
// their turns, responses, pairs, comparisons, in the order their foreign keys need), with ids made of the
// import's tag and a counter. The statements are queued on one connection that runs on its own
// thread (import-connection.ts), so PostgreSQL writes one chunk while Node converts the next
// ones: the two halves of the work run on different cores instead of one after the other. A
// bad row anywhere (or any failure) rolls the transaction back: nothing of the file is written.
//
// Identity: a prompt by dialogueHash (Prompt.contentHash), a pair by its dialogue and two
// responses (Pair.contentHash), a comparison by its pair, or in a raw export (several
// annotations per pair) by Comparison.importKey. Rows already stored, or
// repeated in the file, are counted as duplicates and skipped, so importing a file twice
// changes nothing (a file with nothing new is not even recorded as an import). Imports run one
// at a time (an advisory lock), so what the lookup says stays true until the commit; the only
// other writer of prompts is prompt writing, and should it store the very same dialogue in that
// moment, the import fails on the unique hash and can simply be run again.
import crypto from "node:crypto";
import { BinaryCopyRows, CopyBufferPool, TextArena } from "./copy-binary";
import { type ImportConnection, openImportConnection } from "./import-connection";
import { ImportRowError, type Row, rowError } from "./readers";
import type { PreferenceRecord, PromptRecord } from "./row-formats";
import { config } from "../config/config";

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
  /** How it was written: without PostgreSQL's per-row triggers (see skipRowTriggers), and on the connection's own thread. */
  rowTriggersSkipped: boolean;
  connectionThread: boolean;
};

type Converted = { kind: "PROMPTS"; convert: (row: unknown) => PromptRecord } | { kind: "PREFERENCES"; convert: (row: unknown) => PreferenceRecord };

/** Rows per chunk: large enough for COPY and the lookups to pay off, small enough to bound memory. */
const CHUNK_ROWS = config().IMPORT_CHUNK_ROWS;
const CHUNKS_AHEAD = config().IMPORT_CHUNKS_AHEAD;

/** The round that holds every imported dataset's batch: number 0, complete, never sampled from. */
export const IMPORT_ROUND = { number: 0, name: "Imported datasets" };

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

/**
 * A converted row as it waits to be written: hashes and labels as values, every text as its
 * place in the chunk's arena (see TextArena).
 */
type Packed = {
  hash: string;
  protocol: string;
  systemPrompt: number;
  riskCategory: string | null;
  attackVector: string | null;
  /** The turns' texts (Prompt.turns); roles alternate, the user's first (the row formats check this). */
  turns: number[];
  pairHash: string;
  importKey: string;
  responseA: number;
  responseB: number;
  chosen: string;
  strength: string;
  safetyLabel: string | null;
};

type Chunk = { rows: Packed[]; texts: TextArena };

/** Rows in chunk n: the first chunks are small (250, 500, ...), so PostgreSQL has work while Node reads its way to full ones. */
export function chunkRows(n: number, full = CHUNK_ROWS): number {
  return Math.min(full, 250 * 2 ** Math.min(n, 20));
}

function pack(record: PromptRecord | PreferenceRecord, texts: TextArena): Packed {
  const preference = "prompt" in record ? record : null;
  const prompt = preference ? preference.prompt : (record as PromptRecord);
  return {
    hash: prompt.hash,
    protocol: prompt.protocol,
    systemPrompt: texts.put(prompt.systemPrompt),
    riskCategory: prompt.riskCategory,
    attackVector: prompt.attackVector,
    turns: prompt.turns.map((t) => texts.put(t.content)),
    pairHash: preference?.pairHash ?? "",
    importKey: preference?.importKey ?? "",
    responseA: preference ? texts.put(preference.responseA) : -1,
    responseB: preference ? texts.put(preference.responseB) : -1,
    chosen: preference?.chosen ?? "A",
    strength: preference?.strength ?? "",
    safetyLabel: preference?.safetyLabel ?? null,
  };
}

/** What a lookup found stored: prompts by dialogue hash, pairs by pair hash, comparisons by import key. */
type Stored = { kind: "prompt" | "pair" | "key"; hash: string; id: string; ours: boolean }[];

/** What a chunk wrote, for the next chunk's duplicate rule (its lookup ran before these rows were written). */
type Written = { promptIds: Map<string, string>; pairIds: Map<string, string>; importKeys: Set<string> };

const nothingWritten = (): Written => ({ promptIds: new Map(), pairIds: new Map(), importKeys: new Set() });

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
  /** Runs last in the transaction, before COMMIT (a job's fence check); throwing rolls it back. */
  beforeCommit?: (query: (sql: string, params: unknown[]) => Promise<unknown[]>) => Promise<void>,
): Promise<ImportResult> {
  // Raw exports hold one row per annotation: several comparisons per pair.
  const perAnnotation = provenance.format === "raw";
  const connection = await openImportConnection(connectionString);
  try {
    await connection.query("BEGIN");
    await connection.query("SELECT pg_advisory_xact_lock(hashtext('dataset-import'))");
    const importId = `imp${crypto.randomUUID().replace(/-/g, "").slice(0, 22)}`;
    await connection.query(
      `INSERT INTO "DatasetImport" (id, kind, "sourceName", "fileName", "fileSha256", format, licence, "jobId", rows, inserted, duplicates, "createdById")
       VALUES ($1, $2::"ImportKind", $3, $4, '', $5, $6, $7, 0, 0, 0, $8)`,
      [importId, provenance.kind, provenance.sourceName, provenance.fileName, provenance.format, provenance.licence, provenance.jobId, provenance.createdById],
    );
    const batchId = converter.kind === "PREFERENCES" ? await createImportBatch(connection, importId, provenance) : null;
    const newId = idMaker(importId);
    const withoutRowTriggers = await skipRowTriggers(connection);

    let inserted = 0;
    let promptsCreated = 0;
    const memory = new CopyBufferPool();

    /**
     * What of the chunk is stored already: before this import, or by its chunks whose COPYs were
     * queued before this lookup. Prompts are probed by hash. A pair can only be stored if its
     * prompt is (its hash is made from the prompt's, and an imported pair always points at the
     * prompt of that hash), so pairs are probed only under the prompts found: a file of new
     * dialogues costs one index probe a row, not two. Without the row triggers, the prompts
     * found that this import did not write are locked here as the foreign-key triggers would
     * lock them, so none can be deleted before the commit.
     */
    const lookUp = (chunk: Chunk): Promise<Stored> => {
      const preferences = converter.kind === "PREFERENCES" ? chunk.rows : [];
      return connection.query<Stored[number]>(
        `WITH ours AS (SELECT "contentHash", id FROM "Prompt" WHERE "contentHash" = ANY($1::text[]) AND "importId" = $6),
              others AS (SELECT "contentHash", id FROM "Prompt" WHERE "contentHash" = ANY($1::text[]) AND "importId" IS DISTINCT FROM $6 ${withoutRowTriggers ? "FOR KEY SHARE" : ""}),
              found AS (SELECT id FROM ours UNION ALL SELECT id FROM others)
         SELECT 'prompt' AS kind, "contentHash" AS hash, id, false AS ours FROM ours
         UNION ALL SELECT 'prompt', "contentHash", id, false FROM others
         UNION ALL SELECT 'pair', "contentHash", id, "batchId" = $4 FROM "Pair" WHERE "promptId" IN (SELECT id FROM found) AND "contentHash" = ANY($2::text[])
         UNION ALL SELECT 'key', "importKey", id, true FROM "Comparison" WHERE $5 AND "importKey" = ANY($3::text[])`,
        [
          [...new Set(chunk.rows.map((r) => r.hash))],
          [...new Set(preferences.map((r) => r.pairHash))],
          perAnnotation ? [...new Set(preferences.map((r) => r.importKey))] : [],
          batchId,
          perAnnotation,
          importId,
        ],
      );
    };

    /** The chunk's new rows, as COPY payloads, with the ids they reference. */
    const assemble = (chunk: Chunk, stored: Stored, unseen: Written[]) => {
      const written = nothingWritten();
      /** Prompt id by dialogue hash. */
      const promptIds = new Map<string, string>();
      /** Pair id by pair hash: the pairs this import created; null for pairs stored by anything else. */
      const pairs = new Map<string, string | null>();
      const importKeys = new Set<string>();
      for (const w of unseen) {
        for (const [hash, id] of w.promptIds) promptIds.set(hash, id);
        for (const [hash, id] of w.pairIds) pairs.set(hash, id);
        for (const key of w.importKeys) importKeys.add(key);
      }
      for (const s of stored) {
        if (s.kind === "prompt") promptIds.set(s.hash, s.id);
        else if (s.kind === "pair") pairs.set(s.hash, s.ours ? s.id : null);
        else importKeys.add(s.hash);
      }
      const tables = {
        prompts: new BinaryCopyRows(memory),
        responses: new BinaryCopyRows(memory),
        pairs: new BinaryCopyRows(memory),
        comparisons: new BinaryCopyRows(memory),
      };
      const texts = chunk.texts;
      for (const r of chunk.rows) {
        if (!promptIds.has(r.hash)) {
          const id = newId("ipr");
          promptIds.set(r.hash, id);
          written.promptIds.set(r.hash, id);
          tables.prompts
            .row(10)
            .text(id)
            .text(r.protocol)
            .stored(texts, r.systemPrompt)
            .text(r.riskCategory)
            .text(r.attackVector)
            .text(provenance.sourceName)
            .text(r.hash)
            .text(provenance.createdById)
            .text(importId)
            .textArray(texts, r.turns);
        }
        if (converter.kind === "PROMPTS") continue;
        if (importKeys.has(r.importKey)) continue; // stored, or repeated in the file
        importKeys.add(r.importKey);
        written.importKeys.add(r.importKey);
        if (!pairs.has(r.pairHash)) {
          const id = newId("ipa");
          pairs.set(r.pairHash, id);
          written.pairIds.set(r.pairHash, id);
          const [a, b] = [newId("irs"), newId("irs")];
          const promptRef = promptIds.get(r.hash)!;
          tables.responses.row(4).text(a).text(promptRef).stored(texts, r.responseA).text(provenance.sourceName);
          tables.responses.row(4).text(b).text(promptRef).stored(texts, r.responseB).text(provenance.sourceName);
          const labels = perAnnotation ? 0 : 1; // raw: counted at the end
          tables.pairs.row(9).text(id).text(batchId).text(promptRef).text(a).text(b).int(labels).int(labels).text("import").text(r.pairHash);
        } else if (!perAnnotation) {
          continue; // one row, one pair: the pair is stored, so is the row
        }
        // A row whose pair was stored before this import is a duplicate, whatever its source.
        const pair = pairs.get(r.pairHash);
        if (!pair) continue;
        // The key is stored for raw exports only: elsewhere a pair has one imported comparison,
        // which the pair's own hash identifies, and a second unique entry per row would cost
        // the database a twentieth of its time.
        tables.comparisons.row(9).text(newId("icm")).text(pair).text(importId).text(perAnnotation ? r.importKey : null).text(r.chosen).text(r.strength).text(r.safetyLabel).text("A").int(0);
      }
      texts.release();
      promptsCreated += tables.prompts.rows;
      inserted += converter.kind === "PROMPTS" ? tables.prompts.rows : tables.comparisons.rows;
      return { tables, written };
    };

    /** Queues the chunk's COPYs, in the order their foreign keys need; they run back to back. */
    const copyAll = (tables: ReturnType<typeof assemble>["tables"]) => {
      const copy = async (table: string, columns: string, rows: BinaryCopyRows) => {
        const payload = rows.finish();
        memory.give(rows.rows === 0 ? (payload.buffer as ArrayBuffer) : await connection.copy(`COPY "${table}" (${columns}) FROM STDIN (FORMAT binary)`, payload));
      };
      return Promise.all([
        copy("Prompt", `id, protocol, "systemPrompt", "riskCategory", "attackVector", source, "contentHash", "createdById", "importId", turns`, tables.prompts),
        copy("Response", `id, "promptId", text, source`, tables.responses),
        copy("Pair", `id, "batchId", "promptId", "responseAId", "responseBId", "requiredAnnotations", "annotationCount", strategy, "contentHash"`, tables.pairs),
        copy("Comparison", `id, "pairId", "importId", "importKey", chosen, strength, "safetyLabel", "leftSide", "timeOnTaskMs"`, tables.comparisons),
      ]);
    };

    // The pipeline. A chunk's lookup is queued as soon as the chunk is converted, behind the
    // COPYs already queued; when it returns, the chunk is assembled (from what the lookup found,
    // plus what the chunks queued after it wrote) and its COPYs are queued. Node goes on
    // converting meanwhile, and waits for PostgreSQL only to bound memory: at most CHUNKS_AHEAD
    // chunks converted and not yet written.
    let chunks = 0;
    /** Chunks whose COPYs are queued: what a lookup queued now will see. */
    let queuedChunks = 0;
    /** What each chunk wrote, by its number, while a pending lookup cannot see it. */
    const writtenBy = new Map<number, Written>();
    /** For each chunk whose lookup is pending, the chunks that lookup sees. */
    const pendingSees: number[] = [];
    let assembling: Promise<void> = Promise.resolve();
    const copying: Promise<unknown>[] = [];
    const advance = (chunk: Chunk) => {
      if (chunk.rows.length === 0) return chunk.texts.release();
      const number = chunks++;
      const sees = queuedChunks;
      pendingSees.push(sees);
      const stored = lookUp(chunk);
      assembling = assembling.then(async () => {
        const unseen = [...writtenBy].filter(([n]) => n >= sees).map(([, w]) => w);
        const { tables, written } = assemble(chunk, await stored, unseen);
        writtenBy.set(number, written);
        const copied = copyAll(tables);
        copied.catch(() => {}); // awaited below
        copying.push(copied);
        queuedChunks = number + 1;
        pendingSees.shift();
        for (const n of writtenBy.keys()) if (n < (pendingSees[0] ?? queuedChunks)) writtenBy.delete(n);
      });
      assembling.catch(() => {}); // awaited below
    };
    const keepUp = async () => {
      while (chunks - queuedChunks > CHUNKS_AHEAD) await assembling;
      while (copying.length > CHUNKS_AHEAD) await copying.shift();
    };

    let count = 0;
    const newChunk = (): Chunk => ({ rows: [], texts: new TextArena(memory) });
    let chunk = newChunk();
    for await (const row of rows) {
      count++;
      let record: PromptRecord | PreferenceRecord;
      try {
        record = converter.convert(row.value);
      } catch (error) {
        throw rowError(row.where, error);
      }
      chunk.rows.push(pack(record, chunk.texts));
      if (chunk.rows.length >= chunkRows(chunks)) {
        advance(chunk);
        chunk = newChunk();
        onProgress?.(count);
        // Lets lookup results in, and waits if PostgreSQL has fallen behind.
        await keepUp();
      }
    }
    advance(chunk);
    await assembling;
    await Promise.all(copying);
    onProgress?.(count);

    if (perAnnotation && batchId) {
      await connection.query(
        `UPDATE "Pair" p SET "annotationCount" = c.n, "requiredAnnotations" = c.n
         FROM (SELECT "pairId", count(*)::int AS n FROM "Comparison" WHERE "importId" = $1 GROUP BY "pairId") c
         WHERE p.id = c."pairId"`,
        [importId],
      );
    }
    // Without row triggers the dashboard's tallies did not see these rows: counted here, once.
    if (withoutRowTriggers && batchId) await connection.query("SELECT manual_dashboard_count_import($1, $2)", [importId, batchId]);
    const fileSha256 = await checksum();
    const result: ImportResult = {
      importId,
      batchId,
      rows: count,
      inserted,
      duplicates: count - inserted,
      promptsCreated,
      fileSha256,
      rowTriggersSkipped: withoutRowTriggers,
      connectionThread: connection.threaded,
    };
    if (inserted === 0) {
      await connection.query("ROLLBACK");
      return { ...result, importId: null, batchId: null };
    }
    await connection.query(`UPDATE "DatasetImport" SET "fileSha256" = $2, rows = $3, inserted = $4, duplicates = $5 WHERE id = $1`, [
      importId,
      fileSha256,
      count,
      inserted,
      count - inserted,
    ]);
    await beforeCommit?.((sql, params) => connection.query(sql, params));
    await connection.query("COMMIT");
    return result;
  } finally {
    // Without a COMMIT, closing the connection rolls the transaction back.
    await connection.close();
  }
}

/** The batch that holds an import's pairs, in the import round; closed, and kept so by a trigger. */
async function createImportBatch(connection: ImportConnection, importId: string, provenance: ImportProvenance): Promise<string> {
  await connection.query(
    `INSERT INTO "Round" (id, number, name, status, "createdAt") VALUES ($1, $2, $3, 'COMPLETE', now()) ON CONFLICT (number) DO NOTHING`,
    [`round-imports`, IMPORT_ROUND.number, IMPORT_ROUND.name],
  );
  const [round] = await connection.query<{ id: string }>(`SELECT id FROM "Round" WHERE number = $1`, [IMPORT_ROUND.number]);
  const batchId = `ib${importId.slice(3)}`;
  await connection.query(
    `INSERT INTO "Batch" (id, "roundId", name, status, "annotationsPerPair", "createdAt", "closedAt", "importId")
     VALUES ($1, $2, $3, 'CLOSED', 1, now(), now(), $4)`,
    [batchId, round!.id, `${provenance.sourceName} · ${provenance.fileName} · ${importId.slice(-8)}`, importId],
  );
  return batchId;
}

/** The tables an import writes rows into, in the order their foreign keys need. */
const IMPORT_TABLES = ["Prompt", "Response", "Pair", "Comparison"];

/**
 * Switches off PostgreSQL's per-row triggers for the rest of the transaction, when allowed, and
 * says whether it did.
 *
 * Why: every imported row references rows this same transaction has just written (its prompt,
 * its two responses, its pair, the import, the batch) or has found and locked in the lookup,
 * and PostgreSQL would check each such reference again with a foreign-key trigger, one query
 * per reference: 9 per preference row, which took nearly half of the database's time. The ids are made here, so
 * the checks cannot fail; pg_restore skips them for the same reason (--disable-triggers).
 *
 * Only when it is safe and allowed: the tables must carry no trigger of the project's own (it
 * would be skipped too) other than the dashboard's tallies (manual_dashboard_*, which the
 * import counts itself before it commits), and the role must be allowed to set session_replication_role
 * (a superuser, as with the embedded database, or a role granted SET on it). Otherwise the
 * import runs with every trigger, only slower. SET LOCAL ends with the transaction.
 */
async function skipRowTriggers(connection: ImportConnection): Promise<boolean> {
  if (config().IMPORT_ROW_TRIGGERS === "on") return false;
  const [own] = await connection.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_trigger
     WHERE NOT tgisinternal AND tgname NOT LIKE 'manual\\_dashboard\\_%' AND tgrelid = ANY(ARRAY(SELECT format('%I', t)::regclass FROM unnest($1::text[]) t))`,
    [IMPORT_TABLES],
  );
  if (own!.n > 0) return false;
  // Asked first, since a refused SET would abort the transaction.
  const [role] = await connection.query<{ superuser: boolean; version: number }>(
    `SELECT rolsuper AS superuser, current_setting('server_version_num')::int AS version FROM pg_roles WHERE rolname = current_user`,
  );
  let allowed = role?.superuser === true;
  if (!allowed && role && role.version >= 150000) {
    const [granted] = await connection.query<{ allowed: boolean }>(`SELECT has_parameter_privilege('session_replication_role', 'SET') AS allowed`);
    allowed = granted?.allowed === true;
  }
  if (allowed) await connection.query("SET LOCAL session_replication_role = replica");
  return allowed;
}

export { ImportRowError };
