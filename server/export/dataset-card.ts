// The README.md and manifest.json that travel with every export.
import { OWN_LABELS } from "../import/sources";
import { STRENGTHS } from "../preferences/vocabulary";
import type { ExportOptions } from "./export.schema";
import { hubMetadata, hubSplit } from "./hub-metadata";
import type { StreamedFile } from "./stream-export";

export type ExportedFile = StreamedFile & { name: string; split: "all" | "train" | "test"; strengths: Record<string, number> };

export type Manifest = {
  createdAt: string;
  generator: string;
  options: ExportOptions;
  files: { name: string; split: string; rows: number; bytes: number; sha256: string }[];
  totalRows: number;
};

export function manifest(options: ExportOptions, files: ExportedFile[], createdAt = new Date()): Manifest {
  return {
    createdAt: createdAt.toISOString(),
    generator: "preference-platform export",
    options,
    files: files.map(({ name, split, rows, bytes, sha256 }) => ({ name, split, rows, bytes, sha256 })),
    totalRows: files.reduce((sum, f) => sum + f.rows, 0),
  };
}

/** What a tokenizer must do with the standard style's strings to read Meta's token ids. */
export const STANDARD_BOS_NOTE =
  "The strings leave out the leading BOS `<s>`: tokenise them with a tokenizer that adds BOS, as Hugging Face's Llama 2 tokenizer does by default (and TRL with it), and the ids are exactly those of Meta's chat format; a tokenizer that adds no BOS needs it prepended. The `</s><s>` between turns stay: they are the EOS and BOS of each earlier exchange.";

const formatDescriptions: Record<ExportOptions["format"], (o: ExportOptions) => string> = {
  trl: (o) =>
    `TRL / Hugging Face preference format, ${o.style} (${o.style === "conversational" ? "lists of {role, content} messages" : "strings in the Llama 2 chat template"}), ` +
    `${o.prompt} prompt${o.margin === "none" ? "" : `, with a \`margin\` column (Llama 2 margin ${o.margin}: ${o.margin === "small" ? "1, 2/3, 1/3, 0" : "3, 2, 1, 0"} for significantly better … negligibly better / unsure)`}.` +
    (o.style === "standard" ? ` ${STANDARD_BOS_NOTE}` : ""),
  "hh-rlhf": () => "Anthropic HH-RLHF style: `chosen` and `rejected` transcripts (`\\n\\nHuman: …\\n\\nAssistant: …`); system prompts are not part of this format and are left out.",
  raw: () =>
    "Raw annotations: one row per comparison with a pseudonymous annotator id, the chosen response (A/B of the pair), strength, safety label, which response was shown on the left, time on task, batch and round, the dialogue and both responses, the annotator's comment, and the reasons any annotator flagged or skipped the pair with (`flag_reason`, `skip_reason`, one per line).",
};

export function datasetCard(options: ExportOptions, files: ExportedFile[], createdAt = new Date()): string {
  const filters = [
    options.roundIds?.length ? `rounds ${options.roundIds.join(", ")}` : "all rounds",
    options.batchIds?.length ? `batches ${options.batchIds.join(", ")}` : "all batches",
    options.protocol ? `${options.protocol.toLowerCase()} protocol` : "both protocols",
    options.dropUnsure ? "without “negligibly better / unsure” labels" : "all strengths",
    options.sources?.length
      ? `sources ${options.sources.map((s) => (s === OWN_LABELS ? "the team's annotators" : s)).join(", ")}`
      : "the team's own labels only (no imported datasets)",
  ];
  const aggregation = {
    none: "one row per annotation",
    majority: "one row per pair: the side most annotators chose (ties dropped), strength the rounded mean of that side's labels",
    mean: "one row per pair: the sign of the mean signed strength decides the side (ties dropped), its magnitude the strength",
    unanimous: "one row per pair where every annotator chose the same side, with the weakest strength given",
  }[options.aggregate];
  const table = [
    `| file | split | rows | ${STRENGTHS.map((s) => s.phrase).join(" | ")} |`,
    `| --- | --- | ---: | ${STRENGTHS.map(() => "---:").join(" | ")} |`,
    ...files.map((f) => `| ${f.name} | ${f.split} | ${f.rows} | ${STRENGTHS.map((s) => f.strengths[s.value] ?? 0).join(" | ")} |`),
  ];
  const licence =
    options.license === "other"
      ? "**Licence.** None was stated when exporting (`license=` names one). The licences of imported sources are recorded with their imports (Admin → Import)."
      : `**Licence.** ${options.license}.`;
  return [
    hubMetadata(options, files),
    "# Preference dataset",
    "",
    `Exported ${createdAt.toISOString()} from the preference annotation platform.`,
    "",
    `**Format.** ${formatDescriptions[options.format](options)}`,
    "",
    `**Selection.** ${filters.join("; ")}; ${aggregation}.`,
    "",
    ...(options.testFraction > 0
      ? [
          `**Split.** ${(options.testFraction * 100).toFixed(1)}% of pairs held out as test data, chosen from a hash of the pair id: the same pair is always on the same side, across exports and rounds.`,
          "",
        ]
      : []),
    licence,
    "",
    `**Loading.** The YAML header above is the Hugging Face Hub's dataset metadata: \`datasets.load_dataset("path/to/this/folder")\` (or the Hub repository the folder is pushed to) gives the splits ${[...new Set(files.map((f) => hubSplit(f.split)))].join(" and ")} with the features listed there.`,
    "",
    "**Rows and labels.**",
    "",
    ...table,
    "",
    "Checksums (sha256) and byte counts are in manifest.json.",
    "",
  ].join("\n");
}
