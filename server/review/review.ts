// The review queue: what annotators reported (flags with their reason, skips with a reason,
// comments on their comparisons), each with the annotator, the batch and the pair itself, for
// researchers to act on: resolve it with a note, remove the pair from its batch (no longer served,
// left out of exports), or mark its prompt as bad (none of its pairs served or exported, left out
// of pair generation). Each action records who and when, and refuses to be done twice.
import { NO_SKIP_REASON } from "../annotation/annotation.schema";
import type { Prisma } from "@prisma/client";
import type { DbOrTx } from "../db/types";
import { refuse } from "../errors/domain-error";
import { turnsFromTexts } from "../prompts/turns";
import type { MarkPromptBadInput, RemovePairInput, ResolveInput, ReviewKind, ReviewListInput } from "./review.schema";

const pairSelect = {
  id: true,
  removedAt: true,
  removedReason: true,
  batch: { select: { id: true, name: true, round: { select: { name: true } } } },
  prompt: { select: { id: true, protocol: true, riskCategory: true, systemPrompt: true, turns: true, badAt: true, badReason: true } },
  responseA: { select: { text: true } },
  responseB: { select: { text: true } },
} satisfies Prisma.PairSelect;

const reviewSelect = { reviewedAt: true, reviewNote: true, reviewedBy: { select: { name: true } } } as const;

/** Flags, and skips that give a reason. */
function assignmentWhere(kind: "flag" | "skip"): Prisma.AssignmentWhereInput {
  return kind === "flag" ? { flagReason: { not: null } } : { skipReason: { notIn: [NO_SKIP_REASON] }, flagReason: null };
}

function statusWhere(status: ReviewListInput["status"]) {
  return status === "open" ? { reviewedAt: null } : status === "resolved" ? { reviewedAt: { not: null } } : {};
}

export type ReviewItem = Awaited<ReturnType<typeof reviewItems>>["items"][number];

export async function reviewItems(db: DbOrTx, input: ReviewListInput) {
  const kinds: ReviewKind[] = input.kind ? [input.kind] : ["flag", "skip", "comment"];
  const inBatch = input.batchId ? { pair: { batchId: input.batchId } } : {};
  const [assignments, comments] = await Promise.all([
    kinds.some((k) => k !== "comment")
      ? db.assignment.findMany({
          where: {
            OR: kinds.filter((k): k is "flag" | "skip" => k !== "comment").map(assignmentWhere),
            ...statusWhere(input.status),
            ...inBatch,
          },
          orderBy: [{ skippedAt: "desc" }, { id: "asc" }],
          take: input.limit,
          select: {
            id: true, skippedAt: true, skipReason: true, flagReason: true,
            annotator: { select: { id: true, name: true } },
            pair: { select: pairSelect },
            ...reviewSelect,
          },
        })
      : [],
    kinds.includes("comment")
      ? db.comparison.findMany({
          where: { comment: { not: null }, NOT: { comment: "" }, annotatorId: { not: null }, ...statusWhere(input.status), ...inBatch },
          orderBy: [{ createdAt: "desc" }, { id: "asc" }],
          take: input.limit,
          select: {
            id: true, createdAt: true, comment: true, chosen: true, strength: true,
            annotator: { select: { id: true, name: true } },
            pair: { select: pairSelect },
            ...reviewSelect,
          },
        })
      : [],
  ]);
  const shape = (pair: (typeof assignments)[number]["pair"]) => ({ ...pair, prompt: { ...pair.prompt, turns: turnsFromTexts(pair.prompt.turns) } });
  const review = (r: { reviewedAt: Date | null; reviewNote: string | null; reviewedBy: { name: string } | null }) =>
    r.reviewedAt ? { at: r.reviewedAt, note: r.reviewNote, by: r.reviewedBy?.name ?? null } : null;
  const items = [
    ...assignments.map((a) => ({
      kind: (a.flagReason !== null ? "flag" : "skip") as ReviewKind,
      id: a.id,
      at: a.skippedAt!,
      text: (a.flagReason ?? a.skipReason)!,
      annotator: a.annotator,
      judgement: null,
      pair: shape(a.pair),
      review: review(a),
    })),
    ...comments.map((c) => ({
      kind: "comment" as ReviewKind,
      id: c.id,
      at: c.createdAt,
      text: c.comment!,
      annotator: c.annotator!,
      judgement: { chosen: c.chosen, strength: c.strength },
      pair: shape(c.pair),
      review: review(c),
    })),
  ];
  items.sort((x, y) => y.at.getTime() - x.at.getTime() || x.id.localeCompare(y.id));
  return { items: items.slice(0, input.limit) };
}

/**
 * What waits for a reviewer, for the dashboard: one statement, each count over a partial index
 * of the few rows it counts (the assignmentWhere rules, and comments by annotators).
 */
export async function reviewCounts(db: DbOrTx) {
  const [counts] = await db.$queryRaw<[{ flags: number; skips: number; comments: number; removedPairs: number; badPrompts: number }]>`
    SELECT (SELECT count(*) FROM "Assignment" WHERE "flagReason" IS NOT NULL AND "reviewedAt" IS NULL)::int AS flags,
           (SELECT count(*) FROM "Assignment"
            WHERE "skipReason" IS NOT NULL AND "skipReason" <> ${NO_SKIP_REASON} AND "flagReason" IS NULL AND "reviewedAt" IS NULL)::int AS skips,
           (SELECT count(*) FROM "Comparison"
            WHERE comment IS NOT NULL AND comment <> '' AND "annotatorId" IS NOT NULL AND "reviewedAt" IS NULL)::int AS comments,
           (SELECT count(*) FROM "Pair" WHERE "removedAt" IS NOT NULL)::int AS "removedPairs",
           (SELECT count(*) FROM "Prompt" WHERE "badAt" IS NOT NULL)::int AS "badPrompts"`;
  const { flags, skips, comments, removedPairs, badPrompts } = counts;
  return { open: { flags, skips, comments }, removedPairs, badPrompts };
}

export async function resolveReviewItem(db: DbOrTx, reviewerId: string, input: ResolveInput) {
  const data = { reviewedAt: new Date(), reviewedById: reviewerId, reviewNote: input.note };
  const updated =
    input.kind === "comment"
      ? await db.comparison.updateMany({ where: { id: input.id, comment: { not: null }, reviewedAt: null }, data })
      : await db.assignment.updateMany({ where: { id: input.id, ...assignmentWhere(input.kind), reviewedAt: null }, data });
  if (updated.count === 1) return { resolved: true };
  const existing =
    input.kind === "comment"
      ? await db.comparison.findFirst({ where: { id: input.id, comment: { not: null } }, select: { reviewedAt: true } })
      : await db.assignment.findFirst({ where: { id: input.id, ...assignmentWhere(input.kind) }, select: { reviewedAt: true } });
  if (!existing) throw refuse("not-found", `No ${input.kind} with id ${input.id}.`);
  throw refuse("conflict", `This ${input.kind} was already resolved.`);
}

export async function removePairFromBatch(db: DbOrTx, reviewerId: string, input: RemovePairInput) {
  const updated = await db.pair.updateMany({
    where: { id: input.pairId, removedAt: null },
    data: { removedAt: new Date(), removedById: reviewerId, removedReason: input.reason },
  });
  if (updated.count === 1) return { removed: true };
  if (!(await db.pair.findUnique({ where: { id: input.pairId }, select: { id: true } }))) throw refuse("not-found", `No pair with id ${input.pairId}.`);
  throw refuse("conflict", "This pair was already removed from its batch.");
}

export async function markPromptBad(db: DbOrTx, reviewerId: string, input: MarkPromptBadInput) {
  const updated = await db.prompt.updateMany({
    where: { id: input.promptId, badAt: null },
    data: { badAt: new Date(), badById: reviewerId, badReason: input.reason },
  });
  if (updated.count === 1) return { marked: true };
  if (!(await db.prompt.findUnique({ where: { id: input.promptId }, select: { id: true } }))) throw refuse("not-found", `No prompt with id ${input.promptId}.`);
  throw refuse("conflict", "This prompt is already marked bad.");
}
