// What an import asks for, validated at every entrance (admin page, API, CLI, worker job).
import { z } from "zod";
import { marginKindSchema, protocolSchema, strengthSchema } from "../preferences/preferences.schema";
import { importFormats } from "./row-formats";

export const importOptionsSchema = z.object({
  /** A format name, or "auto": detected from the first row. */
  format: z.enum([...importFormats, "auto"]).default("auto"),
  /** Who published the data, e.g. "Anthropic/hh-rlhf"; the dashboard and exports filter by it. */
  sourceName: z.string().trim().min(1, "Name the source of the data").max(200),
  /** The licence and terms the data comes under, as the importer states them. */
  licence: z
    .string()
    .trim()
    .max(2000)
    .nullish()
    .transform((s) => s || null),
  /** Protocol of rows that do not state one. */
  protocol: protocolSchema.default("HELPFULNESS"),
  /** Strength of preference rows without a margin. Llama 2's margin 0 is "negligibly better / unsure". */
  strength: strengthSchema.default("NEGLIGIBLY_BETTER_OR_UNSURE"),
  /** Which of Llama 2's margin scales a `margin` column is on (the nearest level is taken). */
  marginScale: marginKindSchema.exclude(["none"]).default("small"),
});

export type ImportOptions = z.infer<typeof importOptionsSchema>;
export type ImportOptionsInput = z.input<typeof importOptionsSchema>;

/** An uploaded file waiting for its import (server/import/uploads.ts). */
export const uploadRefSchema = z.object({
  uploadId: z.string().regex(/^[0-9a-f]{32}$/, "not an upload id"),
  fileName: z.string().min(1).max(200),
});

export const startImportInput = uploadRefSchema.extend({ options: importOptionsSchema });
export type StartImportInput = z.input<typeof startImportInput>;

/** The IMPORT job's parameters: the upload and the options, checked again when the job runs. */
export const importJobParameters = startImportInput;
export type ImportJobParameters = z.infer<typeof importJobParameters>;
