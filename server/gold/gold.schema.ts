import { z } from "zod";
import { safetyLabelSchema, strengthSchema } from "../annotation/annotation.schema";

/** The expected answer of a gold pair, in stored-response terms (A / B of the pair). */
export const goldAnswerSchema = z.object({
  choice: z.enum(["A", "B"]),
  strength: strengthSchema.nullish(),
  safetyLabel: safetyLabelSchema.nullish(),
});

export const setGoldInput = z.object({
  pairId: z.string().min(1),
  /** null makes the pair a regular one again. */
  gold: goldAnswerSchema.nullable(),
});
export type SetGoldInput = z.infer<typeof setGoldInput>;
