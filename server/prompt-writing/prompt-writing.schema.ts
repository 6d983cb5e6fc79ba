// Prompt writing (Llama 2, METHOD.md §1): an annotator writes a new prompt, or the next user turn
// of a dialogue they just compared, and then compares two responses sampled for it.
import { z } from "zod";
import { PROTOCOL_VALUES } from "../preferences/vocabulary";
import { maxTokensSchema, seedSchema, sideSchema, sidesDiffer, topPSchema } from "../pair-generation/pair-generation.schema";

/** Llama 2's risk categories (§4.2.1) and the ones the demo prompts use; free text is allowed. */
export const riskCategorySuggestions = [
  "illicit and criminal activities",
  "hateful and harmful activities",
  "unqualified advice",
  "cybersecurity",
  "privacy",
  "self-harm",
  "weapons",
  "dangerous chemicals",
  "medical advice",
  "financial advice",
] as const;

/** Attack vectors (Llama 2 appendix A.4: kinds of prompt used to elicit unsafe answers). */
export const attackVectorSuggestions = [
  "direct request",
  "psychological manipulation",
  "appeal to authority",
  "false premise",
  "role play",
  "hypothetical framing",
  "educational framing",
  "gradual escalation",
  "misspelling or obfuscation",
  "non-English language",
  "benign request with alarming wording",
] as const;

const label = z.string().trim().max(120, "at most 120 characters").nullish().transform((s) => (s ? s : null));

export const writePromptInput = z
  .object({
    protocol: z.enum(PROTOCOL_VALUES, { error: "choose helpfulness or safety" }),
    riskCategory: label,
    attackVector: label,
    message: z.string().trim().min(1, "write the prompt").max(8000, "at most 8000 characters"),
    /** Continue the dialogue of this comparison (one of yours): its turns, the response you chose, then your message. */
    continueFromComparisonId: z.string().trim().max(64).nullish().transform((s) => (s ? s : null)),
  })
  .superRefine((v, ctx) => {
    if (v.protocol !== "SAFETY") return;
    if (!v.riskCategory) ctx.addIssue({ code: "custom", path: ["riskCategory"], message: "a safety prompt needs a risk category" });
    if (!v.attackVector) ctx.addIssue({ code: "custom", path: ["attackVector"], message: "a safety prompt needs an attack vector" });
  })
  // Risk category and attack vector describe safety prompts only.
  .transform((v) => (v.protocol === "SAFETY" ? v : { ...v, riskCategory: null, attackVector: null }));
export type WritePromptInput = z.output<typeof writePromptInput>;
export type WritePromptForm = z.input<typeof writePromptInput>;

export const writingJobInput = z.object({ jobId: z.string().trim().min(1, "jobId is required").max(64) });

/** The sides written prompts are sampled from, as an admin sets them. */
export const writingSettingsSchema = z
  .object({ a: sideSchema, b: sideSchema, topP: topPSchema, maxTokens: maxTokensSchema })
  .refine((s) => sidesDiffer(s.a, s.b), { message: "side B must differ from side A in variant or temperature", path: ["b", "temperature"] });
export type WritingSettings = z.infer<typeof writingSettingsSchema>;

/** null: back to the first active variants. */
export const saveWritingSettingsInput = z.object({ settings: writingSettingsSchema.nullable() });

/** The POLICY_SAMPLING job of one written prompt. */
export const promptWritingParameters = z.object({
  purpose: z.literal("prompt-writing"),
  promptId: z.string().min(1),
  /** The annotator who wrote it: the pair is leased to them. */
  authorId: z.string().min(1),
  a: sideSchema,
  b: sideSchema,
  topP: topPSchema,
  maxTokens: maxTokensSchema,
  seed: seedSchema,
  /** Drawn at random when the prompt is written: which response the author sees on the left,
   *  while streaming and then on the compare screen (position bias is measured from it). */
  leftSide: z.enum(["A", "B"]),
});
export type PromptWritingParameters = z.infer<typeof promptWritingParameters>;

/** Where the job's live output says how far each response is. */
export const writingLiveSchema = z.object({
  A: z.object({ text: z.string(), done: z.boolean() }),
  B: z.object({ text: z.string(), done: z.boolean() }),
});
export type WritingLive = z.infer<typeof writingLiveSchema>;

/** The batch of each round that holds the pairs of annotator-written prompts. */
export const WRITTEN_PROMPTS_BATCH = "Annotator-written prompts";
