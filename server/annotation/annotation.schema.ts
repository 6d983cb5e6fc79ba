// What the compare screen sends and receives. The screen shows the two responses as "A" (left)
// and "B" (right); which stored response sits on the left is decided per assignment by the
// server (position bias), so the client only ever says LEFT or RIGHT and never learns which
// stored response is which.
import { z } from "zod";
import { protocolSchema, safetyLabelSchema, strengthSchema } from "../preferences/preferences.schema";
import type { SafetyLabel, Strength } from "../preferences/vocabulary";

export { safetyLabelSchema, strengthSchema };
export type StrengthValue = Strength;
export type SafetyLabelValue = SafetyLabel;

export const pickSchema = z.enum(["LEFT", "RIGHT"]);

const assignmentId = z.string().min(1, "assignmentId is required").max(64);

/** Where the compare screen posts a judgement (served by server/annotation/submit-endpoint.ts). */
export const SUBMIT_PATH = "/api/annotate/submit";

export const submitInput = z.object({
  assignmentId,
  pick: pickSchema,
  strength: strengthSchema,
  /** Required on SAFETY-protocol pairs, refused on HELPFULNESS ones (checked against the pair). */
  safetyLabel: safetyLabelSchema.nullish(),
  comment: z.string().trim().max(2000, "Keep the comment under 2000 characters").nullish(),
  /** From the pair appearing on screen to the submit key, measured by the browser. */
  timeOnTaskMs: z.number().int().min(0).max(24 * 3600 * 1000),
});
export type SubmitInput = z.infer<typeof submitInput>;

export const skipReasons = ["Too long for now", "Outside my expertise", "Cannot decide", "Other"] as const;
export const skipInput = z.object({ assignmentId, reason: z.string().trim().max(500).nullish() });
export type SkipInput = z.infer<typeof skipInput>;

export const flagReasons = [
  "Response is empty or broken",
  "Prompt is not a real request",
  "Contains personal data",
  "Disturbing content",
  "Other",
] as const;
export const flagInput = z.object({ assignmentId, reason: z.string().trim().min(1, "Say why you flag this pair").max(500) });
export type FlagInput = z.infer<typeof flagInput>;

export const undoInput = z.object({ comparisonId: z.string().min(1).max(64) });

export const releaseInput = z.object({ assignmentId });
export type UndoInput = z.infer<typeof undoInput>;

/**
 * One pair as the annotator sees it. Nothing here tells which stored response is which, or whether
 * the pair is gold. As a schema because the submit endpoint sends it as plain JSON, and the
 * compare screen reads it back (dates from their ISO text).
 */
export const taskSchema = z.object({
  assignmentId: z.string(),
  protocol: protocolSchema,
  systemPrompt: z.string().nullable(),
  turns: z.array(z.object({ role: z.enum(["USER", "ASSISTANT"]), content: z.string() })),
  left: z.string(),
  right: z.string(),
  riskCategory: z.string().nullable(),
  batchName: z.string(),
  roundName: z.string(),
  expiresAt: z.coerce.date(),
});
export type Task = z.output<typeof taskSchema>;

export type Progress = { doneToday: number; waiting: number };

/** What a taken submission answers: the comparison, until when it can be taken back, and the next pair. */
export const submitResultSchema = z.object({
  comparisonId: z.string(),
  undoUntil: z.coerce.date(),
  next: taskSchema.nullable(),
});
export type SubmitResult = z.output<typeof submitResultSchema>;

/** The reason a skip without one is stored with (the review queue and exports leave such skips out). */
export const NO_SKIP_REASON = "No reason given";
