// A round's fine-tuning set: its kept best samples (RoundKeptSample) as TRL SFT data, in the
// export's streaming style (PostgreSQL builds each JSON line, COPY streams them, Parquet in row
// groups). A row is `{"messages": [{role, content}, …]}`, the dialogue as the prompt has it (its
// own system prompt first, when it has one) and, last, the kept sample as the assistant's turn,
// with provenance columns beside it: prompt, response, rounds, rewards, how it was sampled.
//
// The variant's system prompt (a safety preprompt, say) is not put into the messages: a model
// fine-tuned on these rows should answer the bare prompt as the preprompted policy did (Llama 2's
// context distillation, METHOD.md §4); the `variant` column says which variant wrote it.
import type { Writable } from "node:stream";
import pg from "pg";
import { z } from "zod";
import { userForRequest } from "../api-tokens/api-tokens";
import type { CurrentUser } from "../auth/current-user";
import { mayEnter } from "../auth/roles";
import type { DbOrTx } from "../db/types";
import type { ExportSink } from "../export/run-export";
import { jsonlToParquet, type ParquetColumn } from "../export/parquet";
import { type StreamedFile, streamLines } from "../export/stream-export";
import { sqlRoleAtOrdinal } from "../prompts/dialogue";
import { describeZodError } from "../validation/describe-zod-error";
import { prisma } from "../db/prisma";

export const sftExportSchema = z.object({
  roundIds: z.array(z.string().trim().min(1).max(64)).min(1, "choose at least one round").max(100),
  file: z.enum(["jsonl", "parquet"]).default("jsonl"),
});
export type SftExportOptions = z.infer<typeof sftExportSchema>;

/** The columns, in the order of the JSON lines' keys (the Parquet file's too). */
export const SFT_COLUMNS: ParquetColumn[] = [
  { name: "messages", kind: "messages" },
  { name: "prompt_id", kind: "string" },
  { name: "response_id", kind: "string" },
  { name: "round", kind: "string" },
  { name: "sampled_in_round", kind: "string" },
  { name: "protocol", kind: "string" },
  { name: "reward", kind: "double" },
  { name: "reward_from", kind: "string" },
  { name: "helpfulness_reward", kind: "double" },
  { name: "safety_reward", kind: "double" },
  { name: "p_safe", kind: "double" },
  { name: "candidates", kind: "int64" },
  { name: "variant", kind: "string" },
  { name: "temperature", kind: "double" },
  { name: "seed", kind: "int64" },
  { name: "tokens", kind: "int64" },
];

/** The SELECT whose single column `line` is the SFT JSONL of the rounds' kept samples, in a stable order. */
export function sftQuery(roundIds: readonly string[], literal: (value: string) => string): string {
  const rounds = roundIds.map(literal).join(", ");
  return `
    SELECT json_build_object(
      'messages', d.messages || jsonb_build_array(jsonb_build_object('role', 'assistant', 'content', r.text)),
      'prompt_id', k."promptId", 'response_id', k."responseId", 'round', rd.name, 'sampled_in_round', sr.name,
      'protocol', pr.protocol, 'reward', k.reward, 'reward_from', k."rewardFrom",
      'helpfulness_reward', hs.score, 'safety_reward', ss.score, 'p_safe', ss.probability, 'candidates', k.candidates,
      'variant', v.name, 'temperature', r.temperature, 'seed', r.seed, 'tokens', r."tokenCount")::text AS line
    FROM "RoundKeptSample" k
    JOIN "Round" rd ON rd.id = k."roundId"
    JOIN "Prompt" pr ON pr.id = k."promptId"
    JOIN "Response" r ON r.id = k."responseId"
    LEFT JOIN "Round" sr ON sr.id = r."roundId"
    LEFT JOIN "PolicyVariant" v ON v.id = r."policyVariantId"
    LEFT JOIN "RewardScore" hs ON hs."responseId" = r.id AND hs."rewardModelId" = rd."helpfulnessRewardModelId"
    LEFT JOIN "RewardScore" ss ON ss."responseId" = r.id AND ss."rewardModelId" = rd."safetyRewardModelId"
    CROSS JOIN LATERAL (
      SELECT CASE WHEN pr."systemPrompt" IS NOT NULL
                  THEN jsonb_build_array(jsonb_build_object('role', 'system', 'content', pr."systemPrompt")) ELSE '[]'::jsonb END
             || COALESCE(jsonb_agg(jsonb_build_object('role', CASE ${sqlRoleAtOrdinal("u.i")} WHEN 'USER' THEN 'user' ELSE 'assistant' END, 'content', u.content)
                                   ORDER BY u.i), '[]'::jsonb) AS messages
      FROM unnest(pr.turns) WITH ORDINALITY AS u(content, i)) d
    WHERE k."roundId" IN (${rounds})
    ORDER BY rd.number, k."promptId"`;
}

type RoundSummary = { id: string; name: string; kept: number; fromEarlier: number; flagged: number; helpfulness: number; safety: number };

export function sftDatasetCard(options: SftExportOptions, rounds: RoundSummary[], file: StreamedFile & { name: string }, createdAt = new Date()): string {
  return [
    "# Rejection-sampling fine-tuning set",
    "",
    `Exported ${createdAt.toISOString()} from the preference annotation platform: the best sample of each prompt in ${rounds.map((r) => r.name).join(", ")}, by Llama 2's combined reward (the safety reward on safety prompts or when the safety model's calibrated P(safe) is under the round's threshold, else the helpfulness reward).`,
    "",
    "**Format.** TRL SFT, conversational: `messages` is a list of `{role, content}`: the prompt's system prompt (when it has one), the dialogue's turns, and the kept sample as the last assistant turn, the one to train on (`SFTTrainer` with `assistant_only_loss`, or a completion-only collator). The policy variant's own system prompt (e.g. a safety preprompt) is not in the messages; `variant` names the variant that wrote the sample.",
    "",
    "**Provenance columns.** `prompt_id`, `response_id`; `round` (the round whose set it is) and `sampled_in_round` (the round that sampled it: an earlier one when the round pooled its best with earlier rounds' kept samples); `protocol`; `reward` and `reward_from` (the combined reward and the model it is the score of: a `SAFETY` reward on a `HELPFULNESS` prompt means the sample was judged unsafe, P(safe) under the threshold); `helpfulness_reward`, `safety_reward` (raw Bradley–Terry scores: only differences between them mean anything), `p_safe` (calibrated); `candidates` (how many samples it was the best of); `variant`, `temperature`, `seed`, `tokens`.",
    "",
    "**Rows.**",
    "",
    "| round | kept | sampled in an earlier round | helpfulness prompts | safety prompts | judged unsafe |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...rounds.map((r) => `| ${r.name} | ${r.kept} | ${r.fromEarlier} | ${r.helpfulness} | ${r.safety} | ${r.flagged} |`),
    "",
    `${file.name}: ${file.rows} rows, ${file.bytes} bytes, sha256 ${file.sha256} (also in manifest.json).`,
    "",
  ].join("\n");
}

/** data.jsonl (or data.parquet), README.md and manifest.json into the sink, from one snapshot. */
export async function runSftExport(connectionString: string, input: z.input<typeof sftExportSchema>, sink: ExportSink) {
  const options = sftExportSchema.parse(input);
  const client = new pg.Client({ connectionString });
  client.on("error", () => {});
  let rounds: RoundSummary[];
  let file: StreamedFile & { name: string };
  try {
    await client.connect();
    const literal = (value: string) => client.escapeLiteral(value);
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const summary = await client.query<RoundSummary>(`
      SELECT rd.id, rd.name, count(k."promptId")::int AS kept,
             count(k."promptId") FILTER (WHERE r."roundId" IS DISTINCT FROM rd.id)::int AS "fromEarlier",
             count(k."promptId") FILTER (WHERE k."flaggedUnsafe")::int AS flagged,
             count(k."promptId") FILTER (WHERE pr.protocol = 'HELPFULNESS')::int AS helpfulness,
             count(k."promptId") FILTER (WHERE pr.protocol = 'SAFETY')::int AS safety
      FROM "Round" rd LEFT JOIN "RoundKeptSample" k ON k."roundId" = rd.id
      LEFT JOIN "Response" r ON r.id = k."responseId" LEFT JOIN "Prompt" pr ON pr.id = k."promptId"
      WHERE rd.id IN (${options.roundIds.map(literal).join(", ")})
      GROUP BY rd.id, rd.name, rd.number ORDER BY rd.number`);
    rounds = summary.rows;
    const missing = options.roundIds.filter((id) => !rounds.some((r) => r.id === id));
    if (missing.length) throw new SftExportError(`rounds: no round ${missing.join(", ")}`);
    if (rounds.every((r) => r.kept === 0)) throw new SftExportError(`rounds: ${rounds.map((r) => r.name).join(", ")} kept no samples yet (its job has not scored them)`);
    const name = `data.${options.file}`;
    const out: Writable = sink.file(name);
    const streamed = await streamLines([client], [sftQuery(options.roundIds, literal)], out, options.file === "parquet" ? jsonlToParquet(SFT_COLUMNS) : undefined);
    file = { ...streamed, name };
    await client.query("COMMIT");
  } finally {
    await client.end().catch(() => {});
  }
  const createdAt = new Date();
  await sink.text("README.md", sftDatasetCard(options, rounds, file, createdAt));
  const manifest = {
    createdAt: createdAt.toISOString(),
    generator: "preference-platform round fine-tuning export",
    options: { format: "sft", ...options },
    files: [{ name: file.name, split: "all", rows: file.rows, bytes: file.bytes, sha256: file.sha256 }],
    totalRows: file.rows,
  };
  await sink.text("manifest.json", `${JSON.stringify(manifest, null, 2)}\n`);
  return { options, rounds, file };
}

/** A refusal of the request (bad or unknown rounds), as opposed to a failure while streaming. */
export class SftExportError extends Error {
  override name = "SftExportError";
}

export type SftExportRequest =
  | { ok: true; user: CurrentUser; options: SftExportOptions }
  | { ok: false; status: 400 | 401 | 403 | 404; error: string };

/**
 * GET /api/export?format=sft&rounds=ID,ID&file=jsonl|parquet: who may export (researchers and
 * admins, signed in or with an API token) and which rounds, checked before anything streams.
 */
export async function parseSftExportRequest(db: DbOrTx, url: URL, headers: Headers): Promise<SftExportRequest> {
  const user = await userForRequest(db, headers);
  if (!user) return { ok: false, status: 401, error: "Sign in, or send a personal API token as 'Authorization: Bearer pp_…'." };
  if (!mayEnter(user.role, "research")) return { ok: false, status: 403, error: `Exports need the RESEARCHER or ADMIN role; you are ${user.role}.` };
  const q = url.searchParams;
  const parsed = sftExportSchema.safeParse({
    roundIds: q.get("rounds")?.split(",").map((s) => s.trim()).filter(Boolean) ?? [],
    file: q.get("file") ?? undefined,
  });
  if (!parsed.success) return { ok: false, status: 400, error: `Invalid export: ${describeZodError(parsed.error)}` };
  const problem = await sftExportProblem(db, parsed.data.roundIds);
  if (problem) return { ok: false, status: problem.status, error: problem.error };
  return { ok: true, user, options: parsed.data };
}

/** Why these rounds cannot be exported (unknown, or nothing kept yet), or null. */
export async function sftExportProblem(db: DbOrTx, roundIds: readonly string[]): Promise<{ status: 400 | 404; error: string } | null> {
  const rounds = await db.round.findMany({ where: { id: { in: [...roundIds] } }, select: { id: true, name: true, _count: { select: { kept: true } } } });
  const missing = roundIds.filter((id) => !rounds.some((r) => r.id === id));
  if (missing.length) return { status: 404, error: `rounds: no round ${missing.join(", ")}` };
  if (rounds.every((r) => r._count.kept === 0)) return { status: 400, error: `rounds: ${rounds.map((r) => r.name).join(", ")} kept no samples yet (its job has not finished scoring)` };
  return null;
}

/** The same for the export route handler, against the app's database. */
export function sftExportRequestFromHttp(request: Request): Promise<SftExportRequest> {
  return parseSftExportRequest(prisma, new URL(request.url), request.headers);
}
