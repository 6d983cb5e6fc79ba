// Batches: their settings (status, priority, gold rate) and a page of their pairs for review.
import type { DbOrTx } from "../db/types";
import type { BatchPairsInput, UpdateBatchInput } from "./batches.schema";
import { turnsFromTexts } from "../prompts/turns";
import { refuse } from "../errors/domain-error";

export function listBatches(db: DbOrTx) {
  return db.batch.findMany({
    orderBy: [{ round: { number: "desc" } }, { createdAt: "desc" }],
    select: {
      id: true, name: true, status: true, priority: true, goldRate: true, annotationsPerPair: true,
      // Set for a batch that holds an imported dataset: it is never opened for annotation (a
      // trigger refuses it), so the admin page does not offer to.
      importId: true,
      round: { select: { name: true, number: true } },
      _count: { select: { pairs: true } },
    },
  });
}

export async function updateBatch(db: DbOrTx, input: UpdateBatchInput) {
  const batch = await db.batch.findUnique({ where: { id: input.batchId } });
  if (!batch) throw refuse("not-found", `No batch with id ${input.batchId}.`);
  const now = new Date();
  return db.batch.update({
    where: { id: input.batchId },
    data: {
      status: input.status,
      priority: input.priority,
      goldRate: input.goldRate,
      openedAt: input.status === "OPEN" && !batch.openedAt ? now : undefined,
      closedAt: input.status === "CLOSED" ? now : input.status ? null : undefined,
    },
  });
}

/** Pairs of a batch with both responses, for researchers reviewing and marking gold. */
export async function batchPairs(db: DbOrTx, input: BatchPairsInput) {
  const pairs = await db.pair.findMany({
    where: { batchId: input.batchId },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: input.limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
    select: {
      id: true, isGold: true, goldChoice: true, goldStrength: true, goldSafetyLabel: true,
      annotationCount: true, requiredAnnotations: true, removedAt: true, removedReason: true,
      prompt: { select: { id: true, protocol: true, riskCategory: true, turns: true, badAt: true, badReason: true } },
      // Comments beside the comparison they were written with (imported comparisons have none).
      comparisons: {
        where: { comment: { not: null }, NOT: { comment: "" }, annotatorId: { not: null } },
        orderBy: { createdAt: "asc" },
        select: { id: true, comment: true, chosen: true, strength: true, createdAt: true, annotator: { select: { name: true } } },
      },
      responseA: { select: { text: true } },
      responseB: { select: { text: true } },
    },
  });
  const more = pairs.length > input.limit;
  return {
    pairs: pairs.slice(0, input.limit).map((p) => ({ ...p, prompt: { ...p.prompt, turns: turnsFromTexts(p.prompt.turns) } })),
    nextCursor: more ? pairs[input.limit - 1]!.id : null,
  };
}
