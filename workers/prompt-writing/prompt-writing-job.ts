// The POLICY_SAMPLING job of a written prompt: two responses (two variants, or one variant at two
// temperatures), streamed into the job's live output as they are generated, then stored in one
// transaction with their pair (in the round's batch of annotator-written prompts) and a lease of
// that pair to the author, so the author's compare screen serves exactly this pair next. The
// left/right order was drawn when the prompt was written (promptWritingParameters.leftSide).
import crypto from "node:crypto";
import type { PolicyVariant } from "@prisma/client";
import type { Db, DbOrTx, Tx } from "../../server/db/types";
import { JobError, type JobHandler } from "../../server/jobs/job-handler";
import { IDENTICAL_RESPONSES_MESSAGE } from "../../server/pair-generation/identical-responses";
import { pairStrategy } from "../../server/pair-generation/pair-generation.schema";
import {
  type PromptWritingParameters,
  promptWritingParameters,
  WRITTEN_PROMPTS_BATCH,
  type WritingLive,
} from "../../server/prompt-writing/prompt-writing.schema";
import { LEASE_SECONDS } from "../../server/queue/lease";
import { backendForVariant } from "../policy/open-backend";
import type { PolicyBackend } from "../policy/policy-backend";
import { type PairSide, sampleDistinctPair, storePair, variantOrFail } from "../pair-generation/sample-pair";

/** The round written prompts go to: the active round with the highest number, else the newest. */
async function currentRound(tx: DbOrTx) {
  return (
    (await tx.round.findFirst({ where: { status: "ACTIVE" }, orderBy: { number: "desc" }, select: { id: true } })) ??
    (await tx.round.findFirst({ orderBy: { number: "desc" }, select: { id: true } }))
  );
}

/**
 * The round's open batch for written prompts, made when missing. If an admin closed it, the next
 * name ("… 2", "… 3") is used: the author's lease is only served from an open batch.
 */
async function writtenPromptsBatch(tx: Tx, roundId: string) {
  for (let n = 1; n < 100; n++) {
    const name = n === 1 ? WRITTEN_PROMPTS_BATCH : `${WRITTEN_PROMPTS_BATCH} ${n}`;
    // Concurrent jobs of one round: the unique (round, name) makes one create win; the others wait and find it.
    await tx.$executeRaw`
      INSERT INTO "Batch" (id, "roundId", name, status, "annotationsPerPair", "openedAt", "createdAt")
      VALUES (${crypto.randomUUID()}, ${roundId}, ${name}, 'OPEN', 1, now(), now())
      ON CONFLICT ("roundId", name) DO NOTHING`;
    const batch = await tx.batch.findUniqueOrThrow({ where: { roundId_name: { roundId, name } }, select: { id: true, status: true } });
    if (batch.status === "OPEN") return batch;
  }
  throw new JobError(`Every "${WRITTEN_PROMPTS_BATCH}" batch of the round is closed.`);
}

export function makePromptWritingHandler(openBackend: (variant: PolicyVariant) => Promise<PolicyBackend>): JobHandler<PromptWritingParameters> {
  return {
    type: "POLICY_SAMPLING",
    parameters: promptWritingParameters,

    async run({ job, parameters: p, db, transaction, signal, progress, log, setLive }) {
      // A re-run after the worker died between the commit and the status update: already done.
      const existing = await db.pair.findFirst({
        where: { responseA: { jobId: job.id } },
        select: { id: true, batchId: true, assignments: { where: { annotatorId: p.authorId }, select: { id: true } } },
      });
      if (existing) {
        return { promptId: p.promptId, pairId: existing.id, batchId: existing.batchId, assignmentId: existing.assignments[0]?.id ?? null };
      }

      const prompt = await db.prompt.findUnique({
        where: { id: p.promptId },
        select: { systemPrompt: true, turns: true },
      });
      if (!prompt) throw new JobError(`The prompt ${p.promptId} no longer exists.`);
      // Checked before sampling so that a workspace without rounds fails at once, not after the work.
      if (!(await currentRound(db))) throw new JobError("There is no round yet to put the pair in: an admin must create one.");
      const variantA = await variantOrFail(db, p.a.variantId, "a.variantId");
      const variantB = await variantOrFail(db, p.b.variantId, "b.variantId");
      await log(`Sampling A = ${variantA.name} at T=${p.a.temperature} and B = ${variantB.name} at T=${p.b.temperature}.`);
      await progress(0, "Generating two responses");

      const live: WritingLive = { A: { text: "", done: false }, B: { text: "", done: false } };
      const key = (side: 0 | 1) => (side === 0 ? "A" : "B");
      setLive(live);
      const sides: [PairSide, PairSide] = [
        { variant: variantA, temperature: p.a.temperature, seed: p.seed },
        { variant: variantB, temperature: p.b.temperature, seed: (p.seed + 1) % 2_147_483_648 },
      ];
      const sampled = await sampleDistinctPair({
        prompt,
        sides,
        topP: p.topP,
        maxTokens: p.maxTokens,
        openBackend,
        signal,
        onText: (side, text) => {
          live[key(side)] = { text, done: false };
          setLive({ ...live });
        },
        onDone: (side, generation) => {
          live[key(side)] = { text: generation.text, done: true };
          setLive({ ...live });
          // Progress is shown only; a failed write of it must not fail (or crash) the job.
          progress(live.A.done && live.B.done ? 0.95 : 0.5, live.A.done && live.B.done ? "Saving" : "One response done").catch(() => {});
        },
      });

      if (sampled.kind === "identical") {
        throw new JobError(`${IDENTICAL_RESPONSES_MESSAGE} (Side B was drawn with seeds ${sampled.seeds.join(", ")}.)`);
      }
      if (sampled.resampled) await log(`Side B drawn again ${sampled.resampled} time(s) with the next seed: it gave the same text as side A.`);

      const stored = await transaction(async (tx) => {
        const round = await currentRound(tx);
        if (!round) throw new JobError("There is no round yet to put the pair in: an admin must create one.");
        const batch = await writtenPromptsBatch(tx, round.id);
        const pair = await storePair(tx, {
          promptId: p.promptId,
          batchId: batch.id,
          requiredAnnotations: 1,
          strategy: pairStrategy(p.a, p.b),
          jobId: job.id,
          roundId: round.id,
          topP: p.topP,
          maxTokens: p.maxTokens,
          sides: sampled.sides,
        });
        // The author's lease: newest of their leases, so annotate.current serves it next.
        const assignment = await tx.assignment.create({
          data: { pairId: pair.id, annotatorId: p.authorId, leftSide: p.leftSide, expiresAt: new Date(Date.now() + LEASE_SECONDS * 1000) },
          select: { id: true },
        });
        return { promptId: p.promptId, pairId: pair.id, batchId: batch.id, assignmentId: assignment.id };
      });
      await log(`Pair ${stored.pairId} leased to its author.`);
      return stored;
    },
    // No cleanup: everything is written in the final transaction, and the prompt stays (the
    // author's work is kept whatever happens to the job).
  };
}

export const promptWritingHandler = makePromptWritingHandler(backendForVariant);
