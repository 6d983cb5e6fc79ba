// Starting a pair-generation job from the admin's request: every reference is checked here (so
// a bad request changes nothing and says which field is wrong), the prompt filter is resolved to
// ids, and the job is queued. The sampling itself runs in a worker (workers/pair-generation/).
import crypto from "node:crypto";
import type { Db, DbOrTx } from "../db/types";
import { enqueueJob } from "../jobs/enqueue";
import { activeVariantOrThrow, listVariants } from "../policy-variants/policy-variants";
import {
  MAX_PROMPTS,
  type PairGenerationParameters,
  type PairGenerationRequest,
  pairGenerationParameters,
  type PromptSelection,
} from "./pair-generation.schema";
import { refuse } from "../errors/domain-error";

const bad = (message: string) => refuse("invalid", message);

/** Prompt ids for the selection, in the order they will be sampled. */
export async function resolvePrompts(db: DbOrTx, selection: PromptSelection): Promise<string[]> {
  if (selection.by === "ids") {
    const ids = [...new Set(selection.ids)];
    const prompts = await db.prompt.findMany({ where: { id: { in: ids } }, select: { id: true, badAt: true } });
    const found = new Set(prompts.map((p) => p.id));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) {
      throw bad(`prompts.ids: no prompt with id ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ` and ${missing.length - 5} more` : ""}`);
    }
    const markedBad = prompts.filter((p) => p.badAt).map((p) => p.id);
    if (markedBad.length) throw bad(`prompts.ids: marked bad in the review queue: ${markedBad.slice(0, 5).join(", ")}${markedBad.length > 5 ? ` and ${markedBad.length - 5} more` : ""}`);
    return ids;
  }
  // Prompts never paired before come first (a new batch should bring new prompts), then oldest first.
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT p.id FROM "Prompt" p
    WHERE p."badAt" IS NULL
      AND (${selection.protocol ?? null}::text IS NULL OR p.protocol::text = ${selection.protocol ?? null})
      AND (${selection.source}::text IS NULL OR p.source = ${selection.source})
    ORDER BY EXISTS (SELECT 1 FROM "Pair" x WHERE x."promptId" = p.id), p."createdAt", p.id
    LIMIT ${selection.count}`;
  if (rows.length === 0) throw bad("prompts: no prompt matches this protocol and source");
  return rows.map((r) => r.id);
}

/** The batch name must be free in the round, also among jobs that have not created their batch yet. */
async function assertBatchNameFree(db: DbOrTx, roundId: string, batchName: string) {
  const taken = await db.batch.findFirst({ where: { roundId, name: batchName }, select: { id: true } });
  const pending = await db.job.findFirst({
    where: {
      type: "PAIR_GENERATION",
      status: { in: ["QUEUED", "RUNNING"] },
      AND: [{ parameters: { path: ["roundId"], equals: roundId } }, { parameters: { path: ["batchName"], equals: batchName } }],
    },
    select: { id: true },
  });
  if (taken || pending) throw refuse("conflict", `batchName: the round already has a batch named "${batchName}".`);
}

/** Checks the request against the database and turns it into the job's parameters. */
export async function pairGenerationJobParameters(db: DbOrTx, request: PairGenerationRequest): Promise<PairGenerationParameters> {
  const round = await db.round.findUnique({ where: { id: request.roundId }, select: { id: true } });
  if (!round) throw bad(`roundId: no round with id ${request.roundId}`);
  await assertBatchNameFree(db, request.roundId, request.batchName);
  await activeVariantOrThrow(db, request.a.variantId, "a.variantId");
  await activeVariantOrThrow(db, request.b.variantId, "b.variantId");
  const { prompts, seed, ...rest } = request;
  return pairGenerationParameters.parse({
    ...rest,
    promptIds: await resolvePrompts(db, prompts),
    // Drawn once and stored, so a retried job samples with the same seeds.
    seed: seed ?? crypto.randomInt(0, 2_147_483_647),
  });
}

export async function startPairGeneration(db: Db, request: PairGenerationRequest, userId: string) {
  const parameters = await pairGenerationJobParameters(db, request);
  const job = await enqueueJob(db, { type: "PAIR_GENERATION", parameters, createdById: userId });
  return { jobId: job.id, prompts: parameters.promptIds.length };
}

/** What the start form offers: rounds, active variants, and prompt counts by protocol and source. */
export async function pairGenerationOptions(db: DbOrTx) {
  const [rounds, variants, sources] = await Promise.all([
    db.round.findMany({ orderBy: { number: "desc" }, select: { id: true, name: true, number: true, status: true } }),
    listVariants(db, { includeRetired: false }),
    db.$queryRaw<{ protocol: "HELPFULNESS" | "SAFETY"; source: string; prompts: number; unpaired: number }[]>`
      SELECT p.protocol::text AS protocol, p.source, count(*)::int AS prompts,
             count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM "Pair" x WHERE x."promptId" = p.id))::int AS unpaired
      FROM "Prompt" p GROUP BY 1, 2 ORDER BY 2, 1`,
  ]);
  return {
    rounds,
    variants: variants.map((v) => ({ id: v.id, name: v.name, defaults: v.defaults })),
    sources,
    maxPrompts: MAX_PROMPTS,
  };
}
