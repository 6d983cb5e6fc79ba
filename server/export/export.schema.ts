// What a researcher can ask an export for. Validated at every entrance (UI, API, CLI).
import { z } from "zod";
import { marginKindSchema, protocolSchema } from "../preferences/preferences.schema";

export const exportFormatSchema = z.enum(["trl", "hh-rlhf", "raw"]);

export const exportOptionsSchema = z
  .object({
    format: exportFormatSchema,
    /** JSON lines, or Parquet (messages as list<struct<role, content>>). */
    file: z.enum(["jsonl", "parquet"]).default("jsonl"),
    /** TRL: prompt in its own column ("explicit") or repeated inside chosen/rejected ("implicit"). */
    prompt: z.enum(["explicit", "implicit"]).default("explicit"),
    /** TRL: plain strings (Llama 2 chat template) or lists of {role, content} messages. */
    style: z.enum(["standard", "conversational"]).default("conversational"),
    /** TRL / OpenRLHF margin column: none, Llama 2's "margin small" or "margin large" (METHOD.md §2). */
    margin: marginKindSchema.default("none"),
    /** Pairs with several annotations: one row per annotation, or one row per pair. */
    aggregate: z.enum(["none", "majority", "mean", "unanimous"]).default("none"),
    roundIds: z.array(z.string().min(1)).optional(),
    batchIds: z.array(z.string().min(1)).optional(),
    protocol: protocolSchema.optional(),
    /**
     * Where the comparisons come from: OWN_LABELS ("team", server/import/sources.ts) and/or source names of
     * imported datasets. Absent or empty: the team's own labels only.
     */
    sources: z.array(z.string().min(1).max(200)).optional(),
    /** Leave out "negligibly better / unsure" labels. */
    dropUnsure: z.boolean().default(false),
    /** Share of pairs held out as test data, chosen deterministically from the pair id. 0: no split. */
    testFraction: z.number().min(0).max(0.5).default(0),
    /** The licence the dataset card states, as a Hugging Face Hub licence id (cc-by-4.0, mit, …); "other" when none is stated. */
    license: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.+-]{0,63}$/, "a Hugging Face Hub licence id such as cc-by-4.0, mit or other")
      .default("other"),
  })
  .superRefine((options, ctx) => {
    if (options.format === "raw" && options.aggregate !== "none") {
      ctx.addIssue({ code: "custom", path: ["aggregate"], message: "the raw format has one row per annotation; aggregation does not apply" });
    }
    if (options.format !== "trl" && options.margin !== "none") {
      ctx.addIssue({ code: "custom", path: ["margin"], message: "a margin column exists only in the TRL format" });
    }
  });

export type ExportOptions = z.infer<typeof exportOptionsSchema>;
export type ExportOptionsInput = z.input<typeof exportOptionsSchema>;
