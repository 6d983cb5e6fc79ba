// The SQL of an export: one text column, `line`, holding one finished JSON line per row.
// PostgreSQL builds and escapes the JSON itself (json_build_object, json_agg), so Node only
// moves bytes (see stream-export.ts): decoding rows and escaping strings in Node was most of
// the cost of an export.
//
// COPY takes no bind parameters, so every value that enters the SQL is either validated by
// exportOptionsSchema (enums, numbers) or quoted with the driver's literal escaping.
import { NO_SKIP_REASON } from "../annotation/annotation.schema";
import { OWN_LABELS, sourceSelection } from "../import/sources";
import { sqlResponsesDiffer } from "../pair-generation/identical-responses";
import { sqlRoleAtOrdinal } from "../prompts/dialogue";
import { SQL_STRENGTH_OF_RANK, sqlMargin, sqlNotUnsure, sqlStrengthRank } from "../preferences/vocabulary";
import type { ExportOptions } from "./export.schema";

export type Literal = (value: string) => string;
export type ExportPart = "all" | "train" | "test";
/** One of `count` disjoint slices of the pairs, so that several connections can build lines at once. */
export type Shard = { index: number; count: number };

const RANK = sqlStrengthRank("c.strength");
const STRENGTH_OF_RANK = SQL_STRENGTH_OF_RANK;
const SIGN = `CASE c.chosen WHEN 'A' THEN 1 ELSE -1 END`;

/** 0..9999 from the pair id: the same pair always falls on the same side of the split. */
const PAIR_BUCKET = `((('x' || substr(md5(p.id), 1, 8))::bit(32)::bigint) % 10000)`;

function whereClause(options: ExportOptions, part: ExportPart, literal: Literal, shard?: Shard) {
  const conditions = ["true"];
  const list = (ids: string[]) => ids.map(literal).join(", ");
  if (options.roundIds?.length) conditions.push(`b."roundId" IN (${list(options.roundIds)})`);
  if (options.batchIds?.length) conditions.push(`p."batchId" IN (${list(options.batchIds)})`);
  if (options.protocol) conditions.push(`pr.protocol = ${literal(options.protocol)}`);
  conditions.push(sourceCondition(options.sources, literal));
  // Removed from its batch, or its prompt marked bad, in the review queue.
  conditions.push(`p."removedAt" IS NULL`, `pr."badAt" IS NULL`);
  const cut = Math.round(options.testFraction * 10000);
  if (part === "test") conditions.push(`${PAIR_BUCKET} < ${cut}`);
  if (part === "train") conditions.push(`${PAIR_BUCKET} >= ${cut}`);
  if (shard && shard.count > 1) conditions.push(`(${PAIR_BUCKET} % ${shard.count}) = ${shard.index}`);
  return conditions.join(" AND ");
}

/**
 * Imported comparisons sit on imported pairs, in their import's batch: a condition on the batch
 * keeps them out (or in) for the examples and the dialogues alike. Team labels only by default.
 */
function sourceCondition(sources: string[] | undefined, literal: Literal): string {
  const { own, importedNames } = sourceSelection(sources);
  const imported = importedNames.length
    ? `b."importId" IN (SELECT i.id FROM "DatasetImport" i WHERE i."sourceName" IN (${importedNames.map(literal).join(", ")}))`
    : null;
  if (own && imported) return `(b."importId" IS NULL OR ${imported})`;
  return imported ?? `b."importId" IS NULL`;
}

const FROM_COMPARISONS = `
  FROM "Comparison" c
  JOIN "Pair" p ON p.id = c."pairId"
  JOIN "Batch" b ON b.id = p."batchId"
  JOIN "Prompt" pr ON pr.id = p."promptId"`;

/**
 * The examples: pair, prompt, the two responses, which one is chosen and how strongly.
 * One per annotation, or one per pair by the chosen aggregation:
 *  - majority: the side most annotators chose (ties dropped); strength = the rounded mean rank
 *    (negligibly = 1 … significantly = 4) of the labels on that side;
 *  - mean: each label as a signed rank (+rank for A, −rank for B); the sign of the mean decides
 *    the side (0 dropped) and its rounded magnitude the strength;
 *  - unanimous: only pairs where every annotator chose the same side; strength = the weakest.
 */
function examples(options: ExportOptions, where: string) {
  const unsure = options.dropUnsure ? `AND ${sqlNotUnsure("strength")}` : "";
  if (options.aggregate === "none") {
    return `
      SELECT c.id AS comparison_id, p.id AS pair_id, p."promptId" AS prompt_id, p."responseAId" AS ra_id,
             p."responseBId" AS rb_id, c.chosen::text AS chosen, c.strength::text AS strength, c."createdAt" AS ordering
      ${FROM_COMPARISONS}
      WHERE ${where} ${options.dropUnsure ? `AND ${sqlNotUnsure("c.strength")}` : ""}`;
  }
  const decided = {
    majority: `
      CASE WHEN votes > 0 THEN 'A' WHEN votes < 0 THEN 'B' END AS chosen,
      ${STRENGTH_OF_RANK}[round(CASE WHEN votes > 0 THEN mean_rank_a ELSE mean_rank_b END)::int] AS strength`,
    mean: `
      CASE WHEN mean_signed > 0 THEN 'A' WHEN mean_signed < 0 THEN 'B' END AS chosen,
      ${STRENGTH_OF_RANK}[greatest(1, least(4, round(abs(mean_signed))))::int] AS strength`,
    unanimous: `
      CASE WHEN sides = 1 THEN (CASE WHEN votes > 0 THEN 'A' ELSE 'B' END) END AS chosen,
      ${STRENGTH_OF_RANK}[min_rank] AS strength`,
  }[options.aggregate];
  return `
    SELECT NULL::text AS comparison_id, pair_id, prompt_id, ra_id, rb_id, chosen, strength, ordering FROM (
      SELECT pair_id, prompt_id, ra_id, rb_id, ordering, ${decided}
      FROM (
        SELECT p.id AS pair_id, p."promptId" AS prompt_id, p."responseAId" AS ra_id, p."responseBId" AS rb_id,
               min(c."createdAt") AS ordering,
               sum(${SIGN}) AS votes,
               count(DISTINCT c.chosen) AS sides,
               avg(${RANK}) FILTER (WHERE c.chosen = 'A') AS mean_rank_a,
               avg(${RANK}) FILTER (WHERE c.chosen = 'B') AS mean_rank_b,
               avg(${SIGN} * ${RANK}) AS mean_signed,
               min(${RANK}) AS min_rank
        ${FROM_COMPARISONS}
        WHERE ${where}
        GROUP BY p.id
      ) per_pair
    ) decided
    WHERE chosen IS NOT NULL ${unsure}`;
}

// The dialogue of each prompt, aggregated once per prompt and joined (not a correlated
// subquery per row: those keep PostgreSQL from building the lines in parallel workers).

/** As messages, a system message first when there is a system prompt. */
const MESSAGES = `
  CASE WHEN pr."systemPrompt" IS NOT NULL
       THEN jsonb_build_array(jsonb_build_object('role', 'system', 'content', pr."systemPrompt")) ELSE '[]'::jsonb END
  || jsonb_agg(jsonb_build_object('role', CASE t.role WHEN 'USER' THEN 'user' ELSE 'assistant' END, 'content', t.content)
               ORDER BY t.position)`;

/** Python's str.strip() (ASCII whitespace), which the Llama 2 template applies. */
const strip = (sql: string) => `btrim(${sql}, E' \\t\\n\\r\\x0b\\x0c')`;

/**
 * In the Llama 2 chat template, as Hugging Face's Llama 2 tokenizer config renders it, less the
 * leading BOS, which the tokenizer adds (llama2ChatTextForTokenizer):
 * "[INST] <<SYS>>\n{system}\n<</SYS>>\n\n{user} [/INST] {assistant} </s><s>[INST] {user} [/INST]".
 * server/prompts/llama2-chat.ts is the reference; export.test.ts checks they agree.
 */
const LLAMA2_PROMPT = `
  string_agg(
    CASE t.role
      WHEN 'USER' THEN CASE WHEN t.position = 0 THEN '' ELSE '<s>' END || '[INST] ' ||
        ${strip(`CASE WHEN t.position = 0 AND pr."systemPrompt" IS NOT NULL
             THEN E'<<SYS>>\\n' || pr."systemPrompt" || E'\\n<</SYS>>\\n\\n' ELSE '' END || t.content`)} || ' [/INST]'
      ELSE ' ' || ${strip("t.content")} || ' </s>'
    END, '' ORDER BY t.position)`;

/** As an Anthropic HH-RLHF transcript (which has no system prompt). */
const HH_TRANSCRIPT = `
  string_agg(CASE t.role WHEN 'USER' THEN E'\\n\\nHuman: ' ELSE E'\\n\\nAssistant: ' END || t.content, '' ORDER BY t.position)`;

/**
 * One row per prompt of the selection: prompt_id and the dialogue as `column`. The turns are
 * read out of the prompt's array as rows t (content, position, role: user at even positions).
 */
function dialogues(expression: string, column: string, where: string) {
  return `(
    SELECT pr.id AS prompt_id, ${expression} AS ${column}
    FROM "Prompt" pr
    CROSS JOIN LATERAL (
      SELECT u.content, (u.i - 1)::int AS position, ${sqlRoleAtOrdinal("u.i")} AS role
      FROM unnest(pr.turns) WITH ORDINALITY AS u(content, i)) t
    WHERE pr.id IN (
      SELECT p."promptId" FROM "Pair" p JOIN "Batch" b ON b.id = p."batchId" JOIN "Prompt" pr ON pr.id = p."promptId" WHERE ${where})
    GROUP BY pr.id, pr."systemPrompt")`;
}

/** A pair whose responses are the same text is no preference (made before the rule, or by hand): left out, at the end where both texts are joined. */
const DIFFERENT = sqlResponsesDiffer("ra.text", "rb.text");

const CHOSEN_TEXT = `CASE ex.chosen WHEN 'A' THEN ra.text ELSE rb.text END`;
const REJECTED_TEXT = `CASE ex.chosen WHEN 'A' THEN rb.text ELSE ra.text END`;

function marginField(options: ExportOptions) {
  if (options.margin === "none") return "";
  return `, 'margin', ${sqlMargin("ex.strength", options.margin)}`;
}

function trlLine(options: ExportOptions) {
  const margin = marginField(options);
  const assistant = (text: string) => `jsonb_build_object('role', 'assistant', 'content', ${text})`;
  if (options.style === "conversational") {
    return options.prompt === "explicit"
      ? `json_build_object('prompt', d.messages, 'chosen', jsonb_build_array(${assistant(CHOSEN_TEXT)}),
           'rejected', jsonb_build_array(${assistant(REJECTED_TEXT)})${margin})`
      : `json_build_object('chosen', d.messages || jsonb_build_array(${assistant(CHOSEN_TEXT)}),
           'rejected', d.messages || jsonb_build_array(${assistant(REJECTED_TEXT)})${margin})`;
  }
  return options.prompt === "explicit"
    ? `json_build_object('prompt', d.prompt, 'chosen', ' ' || ${strip(CHOSEN_TEXT)}, 'rejected', ' ' || ${strip(REJECTED_TEXT)}${margin})`
    : `json_build_object('chosen', d.prompt || ' ' || ${strip(CHOSEN_TEXT)}, 'rejected', d.prompt || ' ' || ${strip(REJECTED_TEXT)}${margin})`;
}

function rawLine(pseudonymSalt: string, literal: Literal) {
  return `json_build_object(
    'comparison_id', c.id, 'pair_id', c."pairId",
    'annotator', 'annotator-' || left(md5(${literal(pseudonymSalt)} || c."annotatorId"), 12),
    'round', r.name, 'batch', b.name, 'protocol', pr.protocol, 'risk_category', pr."riskCategory",
    'attack_vector', pr."attackVector",
    'chosen', c.chosen, 'strength', c.strength, 'safety_label', c."safetyLabel", 'left_side', c."leftSide",
    'time_on_task_ms', c."timeOnTaskMs", 'created_at', c."createdAt",
    'prompt', d.messages, 'response_a', ra.text, 'response_b', rb.text,
    'comment', c.comment, 'flag_reason', rv.flag_reason, 'skip_reason', rv.skip_reason)`;
}

/**
 * Per pair, the reasons annotators flagged or skipped it with (each reason once, one per line;
 * skips without a reason left out): the review queue's reports, beside the pair's comparisons.
 */
function pairReports(literal: Literal) {
  return `(
    SELECT a."pairId" AS pair_id,
           string_agg(DISTINCT a."flagReason", E'\\n') FILTER (WHERE a."flagReason" IS NOT NULL) AS flag_reason,
           string_agg(DISTINCT a."skipReason", E'\\n') FILTER (WHERE a."flagReason" IS NULL AND a."skipReason" <> ${literal(NO_SKIP_REASON)}) AS skip_reason
    FROM "Assignment" a WHERE a."skippedAt" IS NOT NULL
    GROUP BY a."pairId")`;
}

/** The SELECT whose single column `line` is the export's JSONL, in a stable order. */
export function exportQuery(options: ExportOptions, part: ExportPart, literal: Literal, pseudonymSalt: string, shard?: Shard): string {
  const where = whereClause(options, part, literal, shard);
  if (options.format === "raw") {
    return `
      SELECT (${rawLine(pseudonymSalt, literal)})::text AS line
      FROM (SELECT c.id AS comparison_id, c."createdAt" AS ordering, p."promptId" AS prompt_id ${FROM_COMPARISONS} WHERE ${where}
            ${options.dropUnsure ? `AND ${sqlNotUnsure("c.strength")}` : ""}) ex
      JOIN "Comparison" c ON c.id = ex.comparison_id
      JOIN "Pair" p ON p.id = c."pairId"
      JOIN "Batch" b ON b.id = p."batchId"
      JOIN "Round" r ON r.id = b."roundId"
      JOIN "Prompt" pr ON pr.id = p."promptId"
      JOIN "Response" ra ON ra.id = p."responseAId"
      JOIN "Response" rb ON rb.id = p."responseBId"
      JOIN ${dialogues(MESSAGES, "messages", where)} d ON d.prompt_id = ex.prompt_id
      LEFT JOIN ${pairReports(literal)} rv ON rv.pair_id = c."pairId"
      WHERE ${DIFFERENT}
      ORDER BY ex.ordering, ex.comparison_id`;
  }
  const dialogue =
    options.format === "hh-rlhf"
      ? dialogues(HH_TRANSCRIPT, "transcript", where)
      : options.style === "conversational"
        ? dialogues(MESSAGES, "messages", where)
        : dialogues(LLAMA2_PROMPT, "prompt", where);
  const line =
    options.format === "hh-rlhf"
      ? `json_build_object('chosen', d.transcript || E'\\n\\nAssistant: ' || ${CHOSEN_TEXT},
           'rejected', d.transcript || E'\\n\\nAssistant: ' || ${REJECTED_TEXT})`
      : trlLine(options);
  return `
    SELECT (${line})::text AS line
    FROM (${examples(options, where)}) ex
    JOIN "Prompt" pr ON pr.id = ex.prompt_id
    JOIN "Response" ra ON ra.id = ex.ra_id
    JOIN "Response" rb ON rb.id = ex.rb_id
    JOIN ${dialogue} d ON d.prompt_id = ex.prompt_id
    WHERE ${DIFFERENT}
    ORDER BY ex.ordering, ex.pair_id, ex.comparison_id`;
}

/** Label counts for the dataset card, over the same selection. */
export function exportCountsQuery(options: ExportOptions, part: ExportPart, literal: Literal): string {
  return `
    SELECT ex.strength, count(*)::int AS n
    FROM (${examples(options.format === "raw" ? { ...options, aggregate: "none" } : options, whereClause(options, part, literal))}) ex
    JOIN "Response" ra ON ra.id = ex.ra_id
    JOIN "Response" rb ON rb.id = ex.rb_id
    WHERE ${DIFFERENT}
    GROUP BY ex.strength ORDER BY ex.strength`;
}

/**
 * The examples of a selection as rows for a reward model's training set: the same selection and
 * aggregation as an export, and the export's hash split (`test`), so a pair is on the same side
 * of the split in an export and in training. With each: the pair's source (OWN_LABELS or the
 * import's source name), its protocol, the comparisons behind it, and the safety label most of
 * the comparisons that chose the example's side gave.
 */
export function trainingExamplesQuery(options: ExportOptions, literal: Literal): string {
  const where = whereClause(options, "all", literal);
  const cut = Math.round(options.testFraction * 10000);
  return `
    SELECT ex.pair_id AS "pairId", ex.prompt_id AS "promptId",
           CASE ex.chosen WHEN 'A' THEN ex.ra_id ELSE ex.rb_id END AS "chosenResponseId",
           CASE ex.chosen WHEN 'A' THEN ex.rb_id ELSE ex.ra_id END AS "rejectedResponseId",
           ex.strength::text AS strength, pr.protocol::text AS protocol,
           COALESCE(i."sourceName", ${literal(OWN_LABELS)}) AS source,
           (${PAIR_BUCKET} < ${cut}) AS test,
           cs.ids AS "comparisonIds", cs.safety_label AS "safetyLabel"
    FROM (${examples(options, where)}) ex
    JOIN "Pair" p ON p.id = ex.pair_id
    JOIN "Batch" b ON b.id = p."batchId"
    JOIN "Prompt" pr ON pr.id = p."promptId"
    LEFT JOIN "DatasetImport" i ON i.id = b."importId"
    JOIN "Response" ra ON ra.id = ex.ra_id
    JOIN "Response" rb ON rb.id = ex.rb_id
    CROSS JOIN LATERAL (
      SELECT array_agg(c.id ORDER BY c.id) FILTER (WHERE ex.comparison_id IS NULL OR c.id = ex.comparison_id) AS ids,
             mode() WITHIN GROUP (ORDER BY c."safetyLabel") FILTER (WHERE c.chosen::text = ex.chosen AND c."safetyLabel" IS NOT NULL
               AND (ex.comparison_id IS NULL OR c.id = ex.comparison_id))::text AS safety_label
      FROM "Comparison" c WHERE c."pairId" = ex.pair_id) cs
    WHERE ${DIFFERENT}
    ORDER BY ex.pair_id, ex.comparison_id`;
}
