// REJECTION_SAMPLING: one round of Llama 2's rejection sampling (METHOD.md §3), in four steps,
// each resumable from what the last attempt committed:
//   1. sampling: for each prompt and arm (variant, temperature), K samples in ONE batched call of
//      the policy backend (n = K); a prompt's samples of every arm are stored together with their
//      provenance in one fenced transaction, so a prompt is sampled wholly or not at all;
//   2. scoring: every sample (and, when pooling, earlier rounds' kept samples of the pool) with the
//      round's reward models through workers/reward/scoring.ts: the features come from the cache
//      (the second model, on the same extractor, embeds nothing), stored per chunk of prompts;
//   3. keeping: the best sample per prompt by Llama 2's combined reward (server/rounds/), pooled
//      with earlier rounds' kept samples when asked, as RoundKeptSample rows;
//   4. the batch: one pair per prompt by the round's strategy, each with the scores that chose it,
//      planned deterministically from the stored scores (so a resumed attempt plans the same
//      pairs) and written in fenced chunks; then the batch opens, if asked, and the round becomes
//      ACTIVE, in one transaction.
// Duplicates are refused by the schema: a job's sample by (jobId, promptId, sampleIndex), a pair
// by (batchId, responseAId, responseBId), a score by (model, response), a kept sample by (round,
// prompt). A failed or cancelled job's cleanup removes the draft batch, the kept rows and the
// samples, so annotators never see half a round.
import type { PolicyVariant, Prisma, Prompt, RewardModel } from "@prisma/client";
import type { Db } from "../../server/db/types";
import { JobError, type JobContext, type JobHandler } from "../../server/jobs/job-handler";
import type { Protocol } from "../../server/preferences/vocabulary";
import { type CombinedReward, combineRewards, compareCombined, type SampleScores } from "../../server/rounds/combined-reward";
import { assignStrategies, type Candidate, choosePair, type PairStrategy, seededRandom, seedFor } from "../../server/rounds/pair-strategies";
import {
  armSeed,
  type RejectionSamplingParameters,
  rejectionSamplingParameters,
  sampleIndexOf,
} from "../../server/rounds/rounds.schema";
import { dialogueFor, variantOrFail } from "../pair-generation/sample-pair";
import { backendForVariant } from "../policy/open-backend";
import type { Generation, PolicyBackend } from "../policy/policy-backend";
import { featureInputsOf } from "../reward/feature-inputs";
import { loadRewardModel, scoreWith, storeScores } from "../reward/scoring";

type Context = JobContext<RejectionSamplingParameters>;
type RoundPrompt = Pick<Prompt, "id" | "protocol" | "systemPrompt" | "turns">;

export type RejectionSamplingOptions = {
  openBackend?: (variant: PolicyVariant) => Promise<PolicyBackend>;
  /** Prompts whose samples are scored and stored together (default 16). */
  scoreChunkPrompts?: number;
  /** Pairs written per transaction (default 200). */
  pairChunk?: number;
};

/** Progress is split between the steps by their usual share of the time. */
const SHARE = { sampling: [0, 0.7], scoring: [0.7, 0.92], keeping: [0.92, 0.94], pairs: [0.94, 0.99] } as const;
const at = (step: keyof typeof SHARE, fraction: number) => SHARE[step][0] + (SHARE[step][1] - SHARE[step][0]) * fraction;

type Timing = { samplingMs: number; scoringMs: number; keepingMs: number; pairsMs: number };

/** Reads by id list in parts, as a pool of thousands of prompts gives more ids than one query binds. */
async function inParts<T>(ids: readonly string[], read: (part: string[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ids.length; i += 5_000) out.push(...(await read(ids.slice(i, i + 5_000))));
  return out;
}

async function modelsOrFail(db: Db, ids: RejectionSamplingParameters["rewardModelIds"]) {
  const wanted = [ids.SAFETY, ids.HELPFULNESS].filter((id): id is string => !!id);
  const rows = await db.rewardModel.findMany({ where: { id: { in: wanted } } });
  for (const [kind, id] of Object.entries(ids)) {
    if (id && !rows.some((r) => r.id === id)) throw new JobError(`rewardModelIds.${kind}: the ${kind.toLowerCase()} reward model ${id} no longer exists.`);
  }
  return rows;
}

/** The job's own batch: made once, found again by a resumed attempt. */
async function batchForJob(ctx: Context) {
  const { db, parameters: p, job } = ctx;
  const mine = await db.batch.findFirst({ where: { jobId: job.id } });
  if (mine) return mine;
  // The round is new, so the name is free unless someone added a batch by hand meanwhile.
  if (await db.batch.findFirst({ where: { roundId: p.roundId, name: p.batchName }, select: { id: true } })) {
    throw new JobError(`pairs.batchName: the round already has a batch named "${p.batchName}".`);
  }
  return ctx.transaction((tx) =>
    tx.batch.create({ data: { roundId: p.roundId, name: p.batchName, status: "DRAFT", priority: p.pairs.priority, annotationsPerPair: p.pairs.annotationsPerPair, jobId: job.id } }),
  );
}

export function makeRejectionSamplingHandler(options: RejectionSamplingOptions = {}): JobHandler<RejectionSamplingParameters> {
  const openBackend = options.openBackend ?? backendForVariant;
  const scoreChunkPrompts = Math.max(1, options.scoreChunkPrompts ?? 16);
  const pairChunk = Math.max(1, options.pairChunk ?? 200);

  /** Step 1. Returns the prompts that exist, in the pool's order. */
  async function sample(ctx: Context, variants: PolicyVariant[], timing: Timing): Promise<RoundPrompt[]> {
    const { db, parameters: p, job } = ctx;
    const perPrompt = p.arms.length * p.k;
    const found = await inParts(p.promptIds, (part) =>
      db.prompt.findMany({ where: { id: { in: part } }, select: { id: true, protocol: true, systemPrompt: true, turns: true } }),
    );
    const byId = new Map(found.map((x) => [x.id, x]));
    const missing = p.promptIds.filter((id) => !byId.has(id));
    if (missing.length) await ctx.log(`${missing.length} of the pool's prompts no longer exist and are skipped (${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ", …" : ""}).`, "warn");
    const prompts = p.promptIds.flatMap((id) => byId.get(id) ?? []);
    if (!prompts.length) throw new JobError("None of the pool's prompts exists any more; nothing was sampled.");

    const counts = await db.response.groupBy({ by: ["promptId"], where: { jobId: job.id }, _count: true });
    const done = new Set(counts.filter((c) => c._count >= perPrompt).map((c) => c.promptId));
    if (done.size) await ctx.log(`Resuming: ${done.size} of ${prompts.length} prompts already have their ${perPrompt} samples.`);
    else {
      const arms = p.arms.map((a, i) => `${variants[i]!.name} at T=${a.temperature}`).join(", ");
      await ctx.log(`Sampling K = ${p.k} per prompt from ${arms} for ${prompts.length} prompts (top-p ${p.topP}, at most ${p.maxTokens} tokens), one batched call per prompt and arm.`);
    }

    const backends: PolicyBackend[] = [];
    for (const [i, variant] of variants.entries()) {
      try {
        backends.push(await openBackend(variant));
      } catch (error) {
        throw new JobError(`arms.${i}.variantId: the policy variant "${variant.name}" cannot be reached: ${(error as Error).message}`);
      }
    }

    const started = performance.now();
    for (const [index, prompt] of p.promptIds.entries()) {
      const row = byId.get(prompt);
      if (!row || done.has(prompt)) continue;
      ctx.throwIfCancelled();
      const live = { step: "sampling", prompt: done.size + 1, of: prompts.length, texts: [] as string[] };
      const samples: { arm: number; i: number; seed: number; generation: Generation }[] = [];
      for (const [arm, spec] of p.arms.entries()) {
        const variant = variants[arm]!;
        const seed = armSeed(p.seed, index, arm, p.arms.length, p.k);
        let generations: Generation[];
        try {
          generations = await backends[arm]!.generate({
            dialogue: dialogueFor(row, variant),
            sampling: { temperature: spec.temperature, topP: p.topP, maxTokens: p.maxTokens, seed },
            n: p.k,
            signal: ctx.signal,
            onText: (i, text) => {
              live.texts[sampleIndexOf(arm, i, p.k)] = text.slice(-400);
              ctx.setLive(live);
            },
          });
        } catch (error) {
          if (ctx.signal.aborted) throw error;
          throw new Error(`The policy variant "${variant.name}" failed while sampling prompt ${prompt}: ${(error as Error).message}`, { cause: error });
        }
        if (generations.length !== p.k) throw new Error(`The policy variant "${variant.name}" returned ${generations.length} samples instead of ${p.k}.`);
        for (const [i, generation] of generations.entries()) samples.push({ arm, i, seed: seed + i, generation });
      }
      await ctx.transaction((tx) =>
        tx.response.createMany({
          data: samples.map(({ arm, i, seed, generation }) => ({
            promptId: prompt,
            sampleIndex: sampleIndexOf(arm, i, p.k),
            // PostgreSQL text cannot hold NUL, which a model's byte tokens can spell.
            text: generation.text.replaceAll("\u0000", ""),
            policyVariantId: variants[arm]!.id,
            temperature: p.arms[arm]!.temperature,
            topP: p.topP,
            maxTokens: p.maxTokens,
            seed,
            roundId: p.roundId,
            jobId: job.id,
            tokenCount: generation.tokenCount,
            durationMs: Math.round(generation.durationMs),
          })),
        }),
      );
      done.add(prompt);
      await ctx.progress(at("sampling", done.size / prompts.length), `sampling: ${done.size} of ${prompts.length} prompts`);
    }
    timing.samplingMs += performance.now() - started;
    return prompts;
  }

  /** The responses each pool prompt's best is chosen among: its samples and, pooled, earlier rounds' kept ones. */
  async function candidatesOf(ctx: Context, prompts: RoundPrompt[]) {
    const { db, parameters: p, job } = ctx;
    const own = await db.response.findMany({
      where: { jobId: job.id },
      select: { id: true, promptId: true, text: true, policyVariantId: true, temperature: true, sampleIndex: true },
      orderBy: [{ promptId: "asc" }, { sampleIndex: "asc" }],
    });
    let earlier: { id: string; promptId: string; text: string; policyVariantId: string | null; temperature: number | null; sampleIndex: number | null }[] = [];
    if (p.poolWithEarlierRounds) {
      const round = await db.round.findUniqueOrThrow({ where: { id: p.roundId }, select: { number: true } });
      const kept = await db.roundKeptSample.findMany({
        where: { round: { number: { lt: round.number } } },
        select: { responseId: true },
        distinct: ["responseId"],
      });
      const ownIds = new Set(own.map((r) => r.id));
      earlier = await inParts(kept.map((k) => k.responseId).filter((id) => !ownIds.has(id)), (part) =>
        db.response.findMany({
          where: { id: { in: part } },
          select: { id: true, promptId: true, text: true, policyVariantId: true, temperature: true, sampleIndex: true },
          orderBy: [{ promptId: "asc" }, { id: "asc" }],
        }),
      );
    }
    const poolIds = new Set(prompts.map((x) => x.id));
    return { own, earlier, earlierInPool: earlier.filter((r) => poolIds.has(r.promptId)) };
  }

  /** Step 2: scores every candidate that lacks one, chunk by chunk of whole prompts. */
  async function score(ctx: Context, models: RewardModel[], responseIds: { id: string; promptId: string }[], timing: Timing) {
    const { db, job } = ctx;
    const started = performance.now();
    const total = responseIds.length * models.length;
    let doneAll = 0;
    for (const model of models) {
      ctx.throwIfCancelled();
      const stored = await inParts(responseIds.map((r) => r.id), (part) =>
        db.rewardScore.findMany({ where: { rewardModelId: model.id, responseId: { in: part } }, select: { responseId: true } }),
      );
      const scored = new Set(stored.map((s) => s.responseId));
      const todo = responseIds.filter((r) => !scored.has(r.id));
      doneAll += responseIds.length - todo.length;
      if (!todo.length) continue;
      const loaded = await loadRewardModel(db, model, openBackend);
      await ctx.log(
        `Scoring ${todo.length} samples with the ${model.kind.toLowerCase()} reward model v${model.version} (${loaded.extractor.description})${scored.size ? `; ${scored.size} were scored already` : ""}.`,
      );
      // Chunks of whole prompts, so a prompt's samples share their prompt's evaluation.
      const chunks: { id: string; promptId: string }[][] = [];
      let current: { id: string; promptId: string }[] = [];
      let promptsInChunk = 0;
      for (const [i, r] of todo.entries()) {
        if (i === 0 || r.promptId !== todo[i - 1]!.promptId) promptsInChunk++;
        if (promptsInChunk > scoreChunkPrompts) {
          chunks.push(current);
          current = [];
          promptsInChunk = 1;
        }
        current.push(r);
      }
      if (current.length) chunks.push(current);
      for (const chunk of chunks) {
        ctx.throwIfCancelled();
        const inputs = await featureInputsOf(db, chunk.map((r) => r.id));
        const scores = await scoreWith(db, loaded, chunk.map((r, i) => ({ id: r.id, input: inputs[i]! })), { signal: ctx.signal });
        await ctx.transaction((tx) => storeScores(tx, model.id, scores, job.id), { timeout: 60_000 });
        doneAll += chunk.length;
        await ctx.progress(at("scoring", doneAll / total), `scoring: ${model.kind.toLowerCase()} v${model.version}, ${doneAll} of ${total}`);
      }
    }
    timing.scoringMs += performance.now() - started;
  }

  /** Every candidate's scores under the round's models, and its combined reward for its prompt. */
  async function combinedOf(ctx: Context, ids: string[], protocolOf: Map<string, Protocol>, promptOf: Map<string, string>) {
    const { db, parameters: p } = ctx;
    const modelIds = [p.rewardModelIds.SAFETY, p.rewardModelIds.HELPFULNESS].filter((x): x is string => !!x);
    const rows = await inParts(ids, (part) =>
      db.rewardScore.findMany({ where: { responseId: { in: part }, rewardModelId: { in: modelIds } }, select: { responseId: true, rewardModelId: true, score: true, probability: true } }),
    );
    const scores = new Map<string, SampleScores>(ids.map((id) => [id, { helpfulness: null, safety: null, pSafe: null }]));
    for (const row of rows) {
      const s = scores.get(row.responseId)!;
      if (row.rewardModelId === p.rewardModelIds.SAFETY) {
        s.safety = row.score;
        s.pSafe = row.probability;
      } else s.helpfulness = row.score;
    }
    const combined = new Map<string, CombinedReward>();
    for (const id of ids) {
      try {
        combined.set(id, combineRewards(protocolOf.get(promptOf.get(id)!)!, scores.get(id)!, p.threshold));
      } catch (error) {
        throw new JobError(`Response ${id}: ${(error as Error).message}.`);
      }
    }
    return { scores, combined };
  }

  return {
    type: "REJECTION_SAMPLING",
    parameters: rejectionSamplingParameters,
    // A worker that dies or stops hands the job on with what it committed (see the steps above).
    resumable: true,

    async run(ctx) {
      const { db, parameters: p, job } = ctx;
      const timing: Timing = { samplingMs: 0, scoringMs: 0, keepingMs: 0, pairsMs: 0 };
      const round = await db.round.findUnique({ where: { id: p.roundId }, select: { id: true, name: true, number: true, status: true } });
      if (!round) throw new JobError(`roundId: the round ${p.roundId} no longer exists.`);
      const variants: PolicyVariant[] = [];
      for (const [i, arm] of p.arms.entries()) variants.push(await variantOrFail(db, arm.variantId, `arms.${i}.variantId`));
      const models = await modelsOrFail(db, p.rewardModelIds);

      // 1. Sampling.
      const prompts = await sample(ctx, variants, timing);
      ctx.throwIfCancelled();

      // 2. Scoring.
      const { own, earlier, earlierInPool } = await candidatesOf(ctx, prompts);
      const toScore = [...own, ...earlier].sort((a, b) => (a.promptId < b.promptId ? -1 : a.promptId > b.promptId ? 1 : 0));
      const protocolOf = new Map<string, Protocol>(prompts.map((x) => [x.id, x.protocol]));
      if (earlier.length) {
        for (const x of await db.prompt.findMany({ where: { id: { in: [...new Set(earlier.map((r) => r.promptId))] } }, select: { id: true, protocol: true } })) protocolOf.set(x.id, x.protocol);
      }
      const needHelpfulness = [...protocolOf.values()].includes("HELPFULNESS");
      if (needHelpfulness && !p.rewardModelIds.HELPFULNESS) {
        throw new JobError("rewardModelIds.HELPFULNESS: the pool (or an earlier round's kept samples) has helpfulness prompts but the round has no helpfulness reward model.");
      }
      await score(ctx, models, toScore, timing);
      ctx.throwIfCancelled();

      // 3. Keeping the best per prompt.
      const keepStarted = performance.now();
      const promptOf = new Map(toScore.map((r) => [r.id, r.promptId]));
      const { scores, combined } = await combinedOf(ctx, toScore.map((r) => r.id), protocolOf, promptOf);
      const byPrompt = new Map<string, typeof own>();
      for (const r of [...own, ...earlierInPool]) byPrompt.set(r.promptId, [...(byPrompt.get(r.promptId) ?? []), r]);
      const keep = (candidates: typeof own) => {
        // The first of equals wins, so a rerun keeps the same one.
        let best = candidates[0]!;
        for (const c of candidates.slice(1)) if (compareCombined(combined.get(c.id)!, combined.get(best.id)!) > 0) best = c;
        return best;
      };
      const kept: Prisma.RoundKeptSampleCreateManyInput[] = [];
      for (const [promptId, candidates] of byPrompt) {
        const best = keep(candidates);
        const c = combined.get(best.id)!;
        kept.push({ roundId: p.roundId, promptId, responseId: best.id, reward: c.reward, rewardFrom: c.from, flaggedUnsafe: c.flaggedUnsafe, candidates: candidates.length });
      }
      let carried = 0;
      if (p.poolWithEarlierRounds) {
        // Earlier rounds' best of prompts this round did not sample stay in its fine-tuning set.
        const outside = new Map<string, typeof own>();
        for (const r of earlier) if (!byPrompt.has(r.promptId)) outside.set(r.promptId, [...(outside.get(r.promptId) ?? []), r]);
        for (const [promptId, candidates] of outside) {
          const best = keep(candidates);
          const c = combined.get(best.id)!;
          kept.push({ roundId: p.roundId, promptId, responseId: best.id, reward: c.reward, rewardFrom: c.from, flaggedUnsafe: c.flaggedUnsafe, candidates: candidates.length });
          carried++;
        }
      }
      await ctx.transaction((tx) => tx.roundKeptSample.createMany({ data: kept, skipDuplicates: true }), { timeout: 60_000 });
      const fromEarlier = kept.filter((k) => earlierInPool.some((r) => r.id === k.responseId)).length;
      await ctx.log(
        `Kept the best of each prompt's samples: ${kept.length - carried} prompts${fromEarlier ? ` (${fromEarlier} by an earlier round's sample)` : ""}${carried ? `, and ${carried} earlier rounds' best of prompts not sampled now` : ""}.`,
      );
      await ctx.progress(at("keeping", 1), `kept ${kept.length} samples`);
      timing.keepingMs += performance.now() - keepStarted;
      ctx.throwIfCancelled();

      // 4. The next batch of pairs, from this round's own samples.
      const pairsStarted = performance.now();
      const batch = await batchForJob(ctx);
      const ownByPrompt = new Map<string, Candidate[]>();
      for (const r of own) {
        const candidate: Candidate = {
          responseId: r.id,
          variantId: r.policyVariantId ?? "",
          temperature: r.temperature ?? 0,
          text: r.text,
          scores: scores.get(r.id)!,
          combined: combined.get(r.id)!,
        };
        ownByPrompt.set(r.promptId, [...(ownByPrompt.get(r.promptId) ?? []), candidate]);
      }
      // The order prompts are paired in: the pool's, shuffled by the seed (a batch smaller than the
      // pool takes a seeded sample of it, not its first prompts).
      const order = prompts.map((x) => x.id).filter((id) => ownByPrompt.has(id));
      const shuffle = seededRandom(seedFor(p.seed, "pair-order"));
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(shuffle() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const shares = p.pairs.strategy === "mix" ? p.pairs.shares ?? {} : { [p.pairs.strategy]: 1 };
      const slots: PairStrategy[] = assignStrategies(p.batchSize, shares, seedFor(p.seed, "strategies"));
      const planned: { promptId: string; a: string; b: string; strategy: string; selection: unknown }[] = [];
      let skipped = 0;
      for (const promptId of order) {
        if (planned.length >= slots.length) break;
        const chosen = choosePair(slots[planned.length]!, ownByPrompt.get(promptId)!, seededRandom(seedFor(p.seed, promptId)));
        if (!chosen) {
          skipped++;
          continue;
        }
        planned.push({ promptId, a: chosen.a.responseId, b: chosen.b.responseId, strategy: chosen.selection.strategy, selection: chosen.selection });
      }
      if (skipped) await ctx.log(`${skipped} prompts gave no pair by their strategy (every candidate pair had the same text, or one arm only); the next prompts took their places.`, "warn");
      const existing = new Set((await db.pair.findMany({ where: { batchId: batch.id }, select: { promptId: true } })).map((x) => x.promptId));
      if (existing.size) await ctx.log(`Resuming the batch: ${existing.size} of ${planned.length} pairs were written already.`);
      const toWrite = planned.filter((x) => !existing.has(x.promptId));
      for (let i = 0; i < toWrite.length; i += pairChunk) {
        ctx.throwIfCancelled();
        const chunk = toWrite.slice(i, i + pairChunk);
        await ctx.transaction((tx) =>
          tx.pair.createMany({
            data: chunk.map((x) => ({
              batchId: batch.id,
              promptId: x.promptId,
              responseAId: x.a,
              responseBId: x.b,
              requiredAnnotations: p.pairs.annotationsPerPair,
              strategy: x.strategy,
              selection: x.selection as Prisma.InputJsonValue,
            })),
            // A pair written by an attempt that died after committing is not written twice.
            skipDuplicates: true,
          }),
        );
        await ctx.progress(at("pairs", (existing.size + i + chunk.length) / planned.length), `batch: ${existing.size + i + chunk.length} of ${planned.length} pairs`);
      }
      timing.pairsMs += performance.now() - pairsStarted;
      ctx.throwIfCancelled();

      const pairs = await db.pair.count({ where: { batchId: batch.id } });
      if (pairs === 0) throw new JobError("No pair could be made: on every prompt, the samples a strategy could pair have the same text.");
      const byStrategy = Object.fromEntries(
        (await db.pair.groupBy({ by: ["strategy"], where: { batchId: batch.id }, _count: true })).map((g) => [g.strategy, g._count]),
      );
      await ctx.transaction(async (tx) => {
        if (p.pairs.openWhenDone) await tx.batch.update({ where: { id: batch.id }, data: { status: "OPEN", openedAt: batch.openedAt ?? new Date() } });
        await tx.round.update({ where: { id: p.roundId }, data: { status: "ACTIVE" } });
      });
      await ctx.log(
        p.pairs.openWhenDone
          ? `Batch "${batch.name}" opened: its ${pairs} pairs are in annotators' queues.`
          : `Batch "${batch.name}" has ${pairs} pairs and stays a draft until an admin opens it.`,
      );
      const samples = await db.response.count({ where: { jobId: job.id } });
      const tokens = await db.response.aggregate({ where: { jobId: job.id }, _sum: { tokenCount: true } });
      return {
        roundId: p.roundId,
        batchId: batch.id,
        batchName: batch.name,
        opened: p.pairs.openWhenDone,
        prompts: prompts.length,
        samples,
        generatedTokens: tokens._sum.tokenCount ?? 0,
        kept: kept.length,
        keptFromEarlierRounds: fromEarlier + carried,
        pairs,
        byStrategy,
        skippedPrompts: skipped,
        // This attempt's time per step (a resumed attempt counts only what it did).
        timing: { samplingMs: Math.round(timing.samplingMs), scoringMs: Math.round(timing.scoringMs), keepingMs: Math.round(timing.keepingMs), pairsMs: Math.round(timing.pairsMs) },
      };
    },

    /** Removes the draft batch (its pairs go with it), the kept rows and every sample the job stored. */
    async cleanup({ jobId, parameters, db }) {
      // A batch that was opened may already hold annotations: it is never removed here.
      await db.batch.deleteMany({ where: { jobId, status: "DRAFT" } });
      await db.roundKeptSample.deleteMany({ where: { roundId: parameters.roundId } });
      await db.response.deleteMany({ where: { jobId, pairsAsA: { none: {} }, pairsAsB: { none: {} } } });
      await db.round.updateMany({ where: { id: parameters.roundId, status: "ACTIVE", batches: { none: { status: { not: "DRAFT" } } } }, data: { status: "PLANNED" } });
    },
  };
}

export const rejectionSamplingHandler = makeRejectionSamplingHandler();
