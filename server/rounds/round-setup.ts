// Starting a rejection-sampling round: every reference is checked here, so that a bad request
// changes nothing and names the field at fault; the prompt pool is resolved to ids and the reward
// models to the active ones; then the Round row (the next number, its lineage and settings) and
// its REJECTION_SAMPLING job are written in one transaction. The work runs in a worker
// (workers/rounds/). Nothing reaches annotators until the job has made every pair and, if asked,
// opens the batch.
import crypto from "node:crypto";
import type { Prisma, RewardModelKind } from "@prisma/client";
import type { Db, DbOrTx } from "../db/types";
import { refuse } from "../errors/domain-error";
import { enqueueJob } from "../jobs/enqueue";
import { activeVariantOrThrow } from "../policy-variants/policy-variants";
import type { Protocol } from "../preferences/vocabulary";
import { modelsNeeded } from "./combined-reward";
import {
  type ParsedRoundRequest,
  type RejectionSamplingParameters,
  rejectionSamplingParameters,
  type RoundPool,
  type RoundRequest,
  roundName,
  roundRequest,
} from "./rounds.schema";

const bad = (message: string, field: string) => refuse("invalid", `${field}: ${message}`, { field });

/** The number the next round gets: one more than the highest so far (RLHF-V1 is 1; imports are round 0). */
export async function nextRoundNumber(db: DbOrTx): Promise<number> {
  const latest = await db.round.aggregate({ _max: { number: true } });
  return Math.max(0, latest._max.number ?? 0) + 1;
}

/** Prompts an earlier round sampled (its responses) or put before annotators (its batches' pairs). */
const usedInRounds = (alias: string) => `(
  EXISTS (SELECT 1 FROM "Response" ur JOIN "Round" urd ON urd.id = ur."roundId" WHERE ur."promptId" = ${alias}.id AND urd.number >= 1)
  OR EXISTS (SELECT 1 FROM "Pair" ux JOIN "Batch" ub ON ub.id = ux."batchId" JOIN "Round" ubr ON ubr.id = ub."roundId"
             WHERE ux."promptId" = ${alias}.id AND ub."importId" IS NULL AND ubr.number >= 1))`;

/**
 * The pool's prompt ids and protocols, prompts no earlier round used first, then oldest first;
 * prompts a reviewer marked bad are never sampled.
 * Refuses an empty pool, saying which condition emptied it.
 */
export async function resolveRoundPool(db: DbOrTx, pool: RoundPool): Promise<{ id: string; protocol: Protocol }[]> {
  const batchIds = pool.batchIds?.length ? pool.batchIds : null;
  const query = (excludeUsed: boolean) =>
    db.$queryRawUnsafe<{ id: string; protocol: Protocol }[]>(
      `SELECT p.id, p.protocol::text AS protocol FROM "Prompt" p
       WHERE p."badAt" IS NULL
         AND ($1::text IS NULL OR p.protocol::text = $1)
         AND ($2::text IS NULL OR p.source = $2)
         AND ($3::text IS NULL OR p."importId" = $3)
         AND ($4::text[] IS NULL OR EXISTS (SELECT 1 FROM "Pair" bx WHERE bx."promptId" = p.id AND bx."batchId" = ANY($4::text[])))
         AND (NOT $5::boolean OR NOT ${usedInRounds("p")})
       ORDER BY ${usedInRounds("p")}, p."createdAt", p.id
       LIMIT $6`,
      pool.protocol ?? null,
      pool.source,
      pool.importId,
      batchIds,
      excludeUsed,
      pool.count,
    );
  const rows = await query(pool.excludeUsed);
  if (rows.length) return rows;
  if (pool.excludeUsed && (await query(false)).length) {
    throw bad("every prompt that matches was used by an earlier round; allow used prompts or widen the pool", "pool.excludeUsed");
  }
  throw bad("no prompt matches this protocol, source, batch and import", "pool");
}

type ChosenModels = { HELPFULNESS: string | null; SAFETY: string };

/**
 * The reward models the round scores with: the ones named, else the active one of each kind the
 * pool needs (the safety model for every prompt, the helpfulness model for helpfulness prompts).
 */
async function chooseRewardModels(db: DbOrTx, request: ParsedRoundRequest["rewardModels"], protocols: Set<Protocol>): Promise<ChosenModels> {
  const needed = modelsNeeded(protocols);
  const chosen: Partial<Record<RewardModelKind, string | null>> = {};
  for (const kind of ["SAFETY", "HELPFULNESS"] as const) {
    const field = kind === "HELPFULNESS" ? "rewardModels.helpfulnessId" : "rewardModels.safetyId";
    const named = kind === "HELPFULNESS" ? request.helpfulnessId : request.safetyId;
    if (!needed.has(kind) && !named) {
      chosen[kind] = null;
      continue;
    }
    const model = named
      ? await db.rewardModel.findUnique({ where: { id: named }, select: { id: true, kind: true, version: true, status: true, retiredAt: true, metrics: true } })
      : await db.rewardModel.findFirst({ where: { kind, active: true }, select: { id: true, kind: true, version: true, status: true, retiredAt: true, metrics: true } });
    const name = kind.toLowerCase();
    if (!model) {
      if (named) throw bad(`no reward model ${named}`, field);
      const why = kind === "SAFETY" ? "Llama 2's combination needs it for every prompt" : "the pool has helpfulness prompts";
      throw refuse("precondition", `No active ${name} reward model: ${why}. Train one and make it active (Admin → Reward models).`, { field });
    }
    if (model.kind !== kind) throw bad(`v${model.version} is a ${model.kind.toLowerCase()} model, not a ${name} one`, field);
    if (model.status !== "READY" || model.retiredAt) throw bad(`${name} v${model.version} is ${model.retiredAt ? "retired" : model.status.toLowerCase()}`, field);
    if (kind === "SAFETY" && !(model.metrics as { safety?: { calibration?: unknown } } | null)?.safety?.calibration) {
      throw bad(`safety v${model.version} has no calibrated P(safe), so the threshold cannot be applied; train a new one`, field);
    }
    chosen[kind] = model.id;
  }
  return chosen as ChosenModels;
}

/** Checks the request against the database and gives the job's parameters and the round's lineage. */
export async function roundJobParameters(db: DbOrTx, input: RoundRequest) {
  const request = roundRequest.parse(input);
  let previous = null;
  if (request.previousRoundId) {
    previous = await db.round.findUnique({ where: { id: request.previousRoundId }, select: { id: true, number: true } });
    if (!previous) throw bad(`no round ${request.previousRoundId}`, "previousRoundId");
  } else {
    previous = await db.round.findFirst({ where: { number: { gte: 1 } }, orderBy: { number: "desc" }, select: { id: true, number: true } });
  }
  for (const [i, arm] of request.arms.entries()) await activeVariantOrThrow(db, arm.variantId, `arms.${i}.variantId`);
  const prompts = await resolveRoundPool(db, request.pool);
  const rewardModelIds = await chooseRewardModels(db, request.rewardModels, new Set(prompts.map((p) => p.protocol)));
  const batchSize = request.pairs.batchSize ?? prompts.length;
  if (batchSize > prompts.length) throw bad(`at most one pair per prompt: the pool has ${prompts.length} prompts`, "pairs.batchSize");
  const { pool, rewardModels, previousRoundId, seed, pairs, ...rest } = request;
  const parameters = {
    ...rest,
    pairs,
    roundId: "pending",
    promptIds: prompts.map((p) => p.id),
    rewardModelIds,
    // Drawn once and stored, so a retried job samples with the same seeds.
    seed: seed ?? crypto.randomInt(0, 2_147_483_647),
    batchName: pairs.batchName ?? "Batch 1",
    batchSize,
  } satisfies RejectionSamplingParameters;
  return { request, previous, parameters, protocols: { helpfulness: prompts.filter((p) => p.protocol === "HELPFULNESS").length, safety: prompts.filter((p) => p.protocol === "SAFETY").length } };
}

/** Writes the round and queues its job, in one transaction; the number is taken under a lock. */
export async function startRound(db: Db, input: RoundRequest, userId: string) {
  const { request, previous, parameters, protocols } = await roundJobParameters(db, input);
  return db.$transaction(async (tx) => {
    // Two admins starting rounds at once get consecutive numbers, not a unique-key error.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('rounds.next-number'))`;
    const number = await nextRoundNumber(tx);
    const settings = { request, resolved: { prompts: parameters.promptIds.length, ...protocols, seed: parameters.seed, batchName: parameters.batchName, batchSize: parameters.batchSize } };
    const round = await tx.round.create({
      data: {
        number,
        name: roundName(number),
        status: "PLANNED",
        previousRoundId: previous?.id ?? null,
        policyVariantId: request.arms[0]!.variantId,
        helpfulnessRewardModelId: parameters.rewardModelIds.HELPFULNESS,
        safetyRewardModelId: parameters.rewardModelIds.SAFETY,
        settings: JSON.parse(JSON.stringify(settings)) as Prisma.InputJsonValue,
      },
    });
    const job = await enqueueJob(tx, {
      type: "REJECTION_SAMPLING",
      parameters: rejectionSamplingParameters.parse({ ...parameters, roundId: round.id }),
      createdById: userId,
    });
    await tx.round.update({ where: { id: round.id }, data: { jobId: job.id } });
    return { roundId: round.id, number, name: round.name, jobId: job.id, prompts: parameters.promptIds.length };
  });
}

/**
 * Removes a round whose job failed or was cancelled (or never ran), with what it made; refused
 * once its batch was opened, since annotators may have labelled it.
 */
export async function discardRound(db: Db, roundId: string) {
  return db.$transaction(async (tx) => {
    const round = await tx.round.findUnique({ where: { id: roundId }, include: { job: { select: { status: true } }, batches: { select: { status: true } } } });
    if (!round) throw refuse("not-found", `No round ${roundId}.`);
    if (round.job && !["FAILED", "CANCELLED"].includes(round.job.status)) {
      throw refuse("conflict", `${round.name}'s job is ${round.job.status.toLowerCase()}: cancel it first, or close the round instead.`);
    }
    if (round.batches.some((b) => b.status !== "DRAFT")) throw refuse("conflict", `${round.name} has an opened batch; close the round instead.`);
    if (await tx.round.count({ where: { previousRoundId: roundId } })) throw refuse("conflict", `A later round follows ${round.name}.`);
    if (round.jobId) await tx.response.deleteMany({ where: { jobId: round.jobId } });
    await tx.round.delete({ where: { id: roundId } });
    return { discarded: round.name };
  });
}

/** Marks an active round complete (its batch stays as it is). */
export async function completeRound(db: DbOrTx, roundId: string) {
  const round = await db.round.findUnique({ where: { id: roundId }, select: { status: true, name: true } });
  if (!round) throw refuse("not-found", `No round ${roundId}.`);
  if (round.status !== "ACTIVE") throw refuse("conflict", `${round.name} is ${round.status.toLowerCase()}; only an active round can be completed.`);
  await db.round.update({ where: { id: roundId }, data: { status: "COMPLETE" } });
  return { roundId };
}

/** What the setup form offers: the next number, the rounds to follow, variants, models, the prompt pool's parts. */
export async function roundSetupOptions(db: DbOrTx) {
  const [number, rounds, variants, models, prompts, batches, imports] = await Promise.all([
    nextRoundNumber(db),
    db.round.findMany({ where: { number: { gte: 1 } }, orderBy: { number: "desc" }, select: { id: true, number: true, name: true, status: true } }),
    db.policyVariant.findMany({ where: { retiredAt: null }, orderBy: { createdAt: "asc" }, select: { id: true, name: true, backend: true, defaults: true } }),
    db.rewardModel.findMany({
      where: { status: "READY", retiredAt: null },
      orderBy: [{ kind: "asc" }, { version: "desc" }],
      select: { id: true, kind: true, version: true, active: true, metrics: true, createdAt: true },
    }),
    db.$queryRawUnsafe<{ protocol: Protocol; source: string; prompts: number; used: number }[]>(
      `SELECT p.protocol::text AS protocol, p.source, count(*)::int AS prompts, count(*) FILTER (WHERE ${usedInRounds("p")})::int AS used
       FROM "Prompt" p GROUP BY 1, 2 ORDER BY 2, 1`,
    ),
    db.$queryRaw<{ id: string; name: string; roundName: string; pairs: number }[]>`
      SELECT b.id, b.name, r.name AS "roundName", count(x.id)::int AS pairs
      FROM "Batch" b JOIN "Round" r ON r.id = b."roundId" LEFT JOIN "Pair" x ON x."batchId" = b.id
      WHERE b."importId" IS NULL GROUP BY b.id, b.name, r.name, r.number, b."createdAt" ORDER BY r.number DESC, b."createdAt" DESC`,
    db.datasetImport.findMany({ where: { kind: "PROMPTS" }, orderBy: { createdAt: "desc" }, select: { id: true, sourceName: true, fileName: true, inserted: true, createdAt: true } }),
  ]);
  return {
    next: { number, name: roundName(number) },
    rounds,
    variants,
    rewardModels: models.map(({ metrics, ...m }) => ({ ...m, accuracy: (metrics as { accuracy?: number | null } | null)?.accuracy ?? null })),
    prompts,
    batches,
    imports,
  };
}
