// REWARD_SCORING: scores a set of responses (a batch's, a round's, or given ones) with the active
// reward models (or chosen ones) and stores each raw score and calibrated probability. Re-running
// it overwrites its own scores, so a worker that dies mid-way leaves nothing a retry would double.
import type { PolicyVariant } from "@prisma/client";
import type { DbOrTx } from "../../server/db/types";
import { JobError, type JobHandler } from "../../server/jobs/job-handler";
import { type RewardScoringParameters, rewardScoringParameters } from "../../server/reward-models/reward-models.schema";
import { backendForVariant } from "../policy/open-backend";
import type { PolicyBackend } from "../policy/policy-backend";
import { featureInputsOf } from "./feature-inputs";
import { loadRewardModel, scoreWith, storeScores } from "./scoring";

/** The response ids a target names. */
export async function targetResponses(db: DbOrTx, target: RewardScoringParameters["target"]): Promise<string[]> {
  if (target.by === "responses") return [...new Set(target.responseIds)];
  const rows =
    target.by === "batch"
      ? await db.$queryRaw<{ id: string }[]>`
          SELECT DISTINCT x.id FROM "Pair" p CROSS JOIN LATERAL (VALUES (p."responseAId"), (p."responseBId")) AS x(id)
          WHERE p."batchId" = ${target.batchId} ORDER BY x.id`
      : await db.$queryRaw<{ id: string }[]>`
          SELECT id FROM "Response" WHERE "roundId" = ${target.roundId}
          UNION
          SELECT x.id FROM "Pair" p JOIN "Batch" b ON b.id = p."batchId" CROSS JOIN LATERAL (VALUES (p."responseAId"), (p."responseBId")) AS x(id)
          WHERE b."roundId" = ${target.roundId}
          ORDER BY id`;
  return rows.map((r) => r.id);
}

export function makeRewardScoringHandler(openBackend: (variant: PolicyVariant) => Promise<PolicyBackend> = backendForVariant): JobHandler<RewardScoringParameters> {
  return {
    type: "REWARD_SCORING",
    parameters: rewardScoringParameters,
    resumable: true,

    async run(ctx) {
      const { db, parameters: p, job } = ctx;
      const models = p.rewardModelIds?.length
        ? await db.rewardModel.findMany({ where: { id: { in: p.rewardModelIds } } })
        : await db.rewardModel.findMany({ where: { active: true } });
      if (p.rewardModelIds?.length && models.length < p.rewardModelIds.length) throw new JobError("rewardModelIds: some of these reward models do not exist.");
      if (!models.length) throw new JobError("No active reward model: train one and make it active (Admin → Reward models).");
      const ids = await targetResponses(db, p.target);
      if (!ids.length) throw new JobError("Nothing to score: the target has no responses.");
      const responses = (await featureInputsOf(db, ids)).map((input, i) => ({ id: ids[i]!, input }));
      const result: Record<string, { version: number; scored: number }> = {};
      for (const [m, model] of models.entries()) {
        ctx.throwIfCancelled();
        const loaded = await loadRewardModel(db, model, openBackend);
        await ctx.log(`Scoring ${responses.length} responses with the ${model.kind.toLowerCase()} reward model v${model.version} (${loaded.extractor.description}).`);
        const scores = await scoreWith(db, loaded, responses, {
          signal: ctx.signal,
          onProgress: (done, total) => void ctx.progress((m + done / total) / models.length, `${model.kind.toLowerCase()} v${model.version}: ${done} of ${total}`),
        });
        await ctx.transaction((tx) => storeScores(tx, model.id, scores, job.id), { timeout: 120_000 });
        result[model.kind] = { version: model.version, scored: scores.length };
      }
      await ctx.progress(1, `${responses.length} responses scored`);
      return { responses: responses.length, models: result };
    },
  };
}

export const rewardScoringHandler = makeRewardScoringHandler();
