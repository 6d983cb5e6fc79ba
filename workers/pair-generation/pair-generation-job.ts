// The pair-generation job: for each prompt of the request, one response from side A and one from
// side B, stored with their provenance as a pair of a batch made for this job. Re-runnable: a
// worker that died leaves whole pairs only (each pair is one transaction), and a re-run skips the
// prompts that already have theirs. A failed or cancelled job's cleanup removes the batch and its
// responses. The batch opens (enters annotators' queues) only once every pair exists, if asked.
import type { PolicyVariant } from "@prisma/client";
import type { Db } from "../../server/db/types";
import { JobError, type JobContext, type JobHandler } from "../../server/jobs/job-handler";
import {
  type PairGenerationParameters,
  pairGenerationParameters,
  pairStrategy,
  responseSeed,
} from "../../server/pair-generation/pair-generation.schema";
import { MAX_IDENTICAL_RESAMPLES } from "../../server/pair-generation/identical-responses";
import { backendForVariant } from "../policy/open-backend";
import type { PolicyBackend } from "../policy/policy-backend";
import { type PairSide, sampleDistinctPair, storePair, variantOrFail } from "./sample-pair";

type Context = JobContext<PairGenerationParameters>;

/** The job's own batch: made on the first run, found again on a re-run. */
async function batchForJob(db: Db, transaction: Context["transaction"], job: Context["job"], p: PairGenerationParameters) {
  const mine = await db.batch.findFirst({ where: { jobId: job.id } });
  if (mine) return mine;
  const clash = await db.batch.findFirst({ where: { roundId: p.roundId, name: p.batchName }, select: { id: true } });
  if (clash) throw new JobError(`batchName: the round already has a batch named "${p.batchName}".`);
  if (!(await db.round.findUnique({ where: { id: p.roundId }, select: { id: true } }))) {
    throw new JobError(`roundId: the round ${p.roundId} no longer exists.`);
  }
  // Two attempts at once cannot both make it: the batch name is unique in its round.
  return transaction((tx) => tx.batch.create({
    data: {
      roundId: p.roundId,
      name: p.batchName,
      status: "DRAFT",
      priority: p.priority,
      annotationsPerPair: p.annotationsPerPair,
      jobId: job.id,
    },
  }));
}

export function makePairGenerationHandler(openBackend: (variant: PolicyVariant) => Promise<PolicyBackend>): JobHandler<PairGenerationParameters> {
  return {
    type: "PAIR_GENERATION",
    parameters: pairGenerationParameters,
    // A worker that dies or stops hands the job on with its finished pairs kept (see run).
    resumable: true,

    async run({ job, parameters: p, db, transaction, signal, throwIfCancelled, progress, log, setLive }) {
      const variantA = await variantOrFail(db, p.a.variantId, "a.variantId");
      const variantB = await variantOrFail(db, p.b.variantId, "b.variantId");
      const batch = await batchForJob(db, transaction, job, p);
      const strategy = pairStrategy(p.a, p.b);
      const total = p.promptIds.length;

      const done = new Set((await db.pair.findMany({ where: { batchId: batch.id }, select: { promptId: true } })).map((x) => x.promptId));
      if (done.size) await log(`Resuming: ${done.size} of ${total} prompts already have their pair.`);
      else await log(`Sampling ${total} pairs: A = ${variantA.name} at T=${p.a.temperature}, B = ${variantB.name} at T=${p.b.temperature}.`);
      await progress(done.size / total, `${done.size} of ${total} prompts`);

      let generated = 0;
      let missing = 0;
      // Prompts whose sides kept giving the same text: reported, no pair (a re-run tries them again).
      const identical: string[] = [];
      const reported = () => `${done.size} of ${total} prompts${identical.length ? ` (${identical.length} skipped: the same text on both sides)` : ""}`;
      for (const [index, promptId] of p.promptIds.entries()) {
        if (done.has(promptId)) continue;
        throwIfCancelled();
        const prompt = await db.prompt.findUnique({
          where: { id: promptId },
          select: { systemPrompt: true, turns: true },
        });
        if (!prompt) {
          // Deleted since the job was queued: nothing to sample, and nothing else is affected.
          missing++;
          await log(`Prompt ${promptId} no longer exists; skipped.`, "warn");
          continue;
        }
        const sides: [PairSide, PairSide] = [
          { variant: variantA, temperature: p.a.temperature, seed: responseSeed(p.seed, index, "A") },
          { variant: variantB, temperature: p.b.temperature, seed: responseSeed(p.seed, index, "B") },
        ];
        const live = { prompt: index + 1, of: total, a: "", b: "" };
        const sampled = await sampleDistinctPair({
          prompt,
          sides,
          topP: p.topP,
          maxTokens: p.maxTokens,
          openBackend,
          signal,
          onText: (side, text) => {
            live[side === 0 ? "a" : "b"] = text;
            setLive({ ...live });
          },
        });
        if (sampled.kind === "identical") {
          identical.push(promptId);
          await log(
            `Prompt ${promptId}: side B gave the same text as side A with seeds ${sampled.seeds.join(", ")}; skipped, no pair.`,
            "warn",
          );
          await progress((done.size + identical.length) / total, reported());
          continue;
        }
        if (sampled.resampled) await log(`Prompt ${promptId}: side B drawn again ${sampled.resampled} time(s) with the next seed (the same text as side A).`);
        await transaction((tx) =>
          storePair(tx, {
            promptId,
            batchId: batch.id,
            requiredAnnotations: p.annotationsPerPair,
            strategy,
            jobId: job.id,
            roundId: p.roundId,
            topP: p.topP,
            maxTokens: p.maxTokens,
            sides: sampled.sides,
          }),
        );
        done.add(promptId);
        generated++;
        await progress((done.size + identical.length) / total, reported());
      }

      throwIfCancelled();
      const pairs = await db.pair.count({ where: { batchId: batch.id } });
      if (pairs === 0) {
        throw new JobError(
          identical.length
            ? `No pairs were made: on ${identical.length} prompts both sides gave the same text, ${MAX_IDENTICAL_RESAMPLES + 1} times each${missing ? `, and ${missing} prompts no longer exist` : ""}.`
            : "None of the chosen prompts exists any more; no pairs were made.",
        );
      }
      if (p.openWhenDone) {
        await transaction((tx) => tx.batch.update({ where: { id: batch.id }, data: { status: "OPEN", openedAt: batch.openedAt ?? new Date() } }));
        await log(`Batch "${batch.name}" opened: its ${pairs} pairs are in annotators' queues.`);
      } else {
        await log(`Batch "${batch.name}" has ${pairs} pairs and stays a draft until an admin opens it.`);
      }
      if (identical.length) await log(`${identical.length} prompts skipped: both sides gave the same text ${MAX_IDENTICAL_RESAMPLES + 1} times.`, "warn");
      return {
        batchId: batch.id,
        batchName: batch.name,
        pairs,
        generated,
        skippedMissingPrompts: missing,
        skippedIdenticalPrompts: identical,
        opened: p.openWhenDone,
      };
    },

    /** Removes the job's draft batch (its pairs go with it) and every response the job stored. */
    async cleanup({ jobId, db }) {
      // A batch that was opened may already hold annotations: it is never removed here.
      await db.batch.deleteMany({ where: { jobId, status: "DRAFT" } });
      await db.response.deleteMany({ where: { jobId, pairsAsA: { none: {} }, pairsAsB: { none: {} } } });
    },
  };
}

export const pairGenerationHandler = makePairGenerationHandler(backendForVariant);
