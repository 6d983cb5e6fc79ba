// What the review queue takes: a filter for the list, and the three actions on an item.
import { z } from "zod";

export const reviewKindSchema = z.enum(["flag", "skip", "comment"]);
export type ReviewKind = z.infer<typeof reviewKindSchema>;

export const reviewListInput = z
  .object({
    /** Absent: every kind. */
    kind: reviewKindSchema.nullish(),
    status: z.enum(["open", "resolved", "all"]).default("open"),
    batchId: z.string().min(1).nullish(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .default({ status: "open", limit: 50 });
export type ReviewListInput = z.infer<typeof reviewListInput>;

const note = z.string().trim().min(1, "write a note: what was found and done").max(2000, "at most 2000 characters");
const reason = z.string().trim().min(1, "say why").max(2000, "at most 2000 characters");

export const resolveInput = z.object({ kind: reviewKindSchema, id: z.string().min(1), note });
export type ResolveInput = z.infer<typeof resolveInput>;

export const removePairInput = z.object({ pairId: z.string().min(1), reason });
export type RemovePairInput = z.infer<typeof removePairInput>;

export const markPromptBadInput = z.object({ promptId: z.string().min(1), reason });
export type MarkPromptBadInput = z.infer<typeof markPromptBadInput>;
