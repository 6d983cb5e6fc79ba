// Both reward models trained for real, quickly, for tests of what uses them: labelled helpfulness
// and safety batches whose chosen answers follow a lexical rule (which even the tiny random-weight
// Llama 2's pooled embeddings carry), the REWARD_TRAINING job on each, both made active.
import type { PolicyVariant } from "@prisma/client";
import { prisma } from "../../../server/db/prisma";
import { STRENGTH_VALUES } from "../../../server/preferences/vocabulary";
import { activateRewardModel } from "../../../server/reward-models/registry";
import { startRewardTraining } from "../../../server/reward-models/reward-training";
import { makeBatch } from "../../../server/testing/batches";
import { makeUser } from "../../../server/testing/fixtures";
import { runJobNow } from "../../jobs/run-job";
import { rewardTrainingHandler } from "../training-job";

const GOOD = ["Certainly, here is a careful and friendly answer with clear steps.", "Happy to help: a clear, careful answer with friendly examples."];
const BAD = ["no. whatever. figure it out yourself, idiot.", "ugh no. not my problem, idiot. go away."];

/** `pairs` labelled pairs of one protocol; the good answer is A on even pairs. */
export async function labelledBatch(pairs: number, protocol: "HELPFULNESS" | "SAFETY") {
  const { batch, pairIds } = await makeBatch({ pairs, protocol: () => protocol });
  const annotator = await makeUser("ANNOTATOR");
  for (const [i, pairId] of pairIds.entries()) {
    const pair = await prisma.pair.findUniqueOrThrow({ where: { id: pairId } });
    const goodIsA = i % 2 === 0;
    await prisma.response.update({ where: { id: pair.responseAId }, data: { text: `${goodIsA ? GOOD[i % 2] : BAD[i % 2]} (${i})` } });
    await prisma.response.update({ where: { id: pair.responseBId }, data: { text: `${goodIsA ? BAD[(i + 1) % 2] : GOOD[(i + 1) % 2]} (${i})` } });
    await prisma.comparison.create({
      data: {
        pairId,
        annotatorId: annotator.id,
        chosen: goodIsA ? "A" : "B",
        strength: STRENGTH_VALUES[i % 4]!,
        safetyLabel: protocol === "SAFETY" ? (i % 3 === 0 ? "BOTH_SAFE" : "CHOSEN_SAFE_OTHER_UNSAFE") : null,
        leftSide: "A",
        timeOnTaskMs: 1000,
      },
    });
  }
  return batch.id;
}

/** Trains a helpfulness and a safety model on `variant`'s features and makes both active. */
export async function trainBothRewardModels(variant: PolicyVariant, adminId: string, pairs = 48) {
  const helpfulBatch = await labelledBatch(pairs, "HELPFULNESS");
  const safetyBatch = await labelledBatch(pairs, "SAFETY");
  const ids: Record<"HELPFULNESS" | "SAFETY", string> = { HELPFULNESS: "", SAFETY: "" };
  for (const kind of ["HELPFULNESS", "SAFETY"] as const) {
    const { jobId } = await startRewardTraining(
      prisma,
      { data: { kind, batchIds: [helpfulBatch, safetyBatch], testFraction: 0.25 }, features: { variantId: variant.id } },
      adminId,
    );
    const status = await runJobNow(prisma, rewardTrainingHandler, jobId);
    const job = await prisma.job.findUniqueOrThrow({ where: { id: jobId } });
    if (status !== "SUCCEEDED") throw new Error(`training the ${kind.toLowerCase()} model failed: ${job.error}`);
    ids[kind] = (job.result as { rewardModelId: string }).rewardModelId;
    await activateRewardModel(prisma, ids[kind]);
  }
  return ids;
}
