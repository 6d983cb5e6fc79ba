// The YAML header of the export's README.md, as the Hugging Face Hub and the `datasets` library
// read a dataset card's metadata: the licence, the task, and one configuration whose data files
// name their splits, with the features of the rows (from the same column list the Parquet writer
// uses, so the two cannot drift) and each split's row count. A researcher can push the unzipped
// folder as it is, and `datasets.load_dataset` on it finds the splits and types.
import type { ExportedFile } from "./dataset-card";
import type { ExportOptions } from "./export.schema";
import { type ParquetColumn, parquetColumns } from "./parquet";

/** A split name `datasets` accepts: a file of the whole selection is the train split. */
export function hubSplit(split: ExportedFile["split"]): "train" | "test" {
  return split === "test" ? "test" : "train";
}

/** The Hub's size buckets (size_categories). */
export function sizeCategory(rows: number): string {
  const buckets: [number, string][] = [
    [1e3, "n<1K"],
    [1e4, "1K<n<10K"],
    [1e5, "10K<n<100K"],
    [1e6, "100K<n<1M"],
    [1e7, "1M<n<10M"],
    [1e8, "10M<n<100M"],
    [1e9, "100M<n<1B"],
  ];
  return buckets.find(([limit]) => rows < limit)?.[1] ?? "n>1T";
}

/** One value as YAML: identifiers as they are, anything else as a JSON string (valid YAML). */
const scalar = (value: string | number) => (typeof value === "number" || /^[A-Za-z_][\w.-]*$/.test(value) ? String(value) : JSON.stringify(value));

function feature(column: ParquetColumn, indent: string): string[] {
  const dtype = { string: "string", double: "float64", int64: "int64" } as const;
  if (column.kind === "messages") {
    // A list of {role, content}, as `datasets` writes conversational columns.
    return [
      `${indent}- name: ${scalar(column.name)}`,
      `${indent}  list:`,
      `${indent}  - name: role`,
      `${indent}    dtype: string`,
      `${indent}  - name: content`,
      `${indent}    dtype: string`,
    ];
  }
  return [`${indent}- name: ${scalar(column.name)}`, `${indent}  dtype: ${dtype[column.kind]}`];
}

export function hubMetadata(options: ExportOptions, files: ExportedFile[]): string {
  const rows = files.reduce((n, f) => n + f.rows, 0);
  const tags = ["preference", "rlhf", "reward-modeling", "human-feedback", "llama-2", ...(options.format === "trl" ? ["trl"] : [])];
  return [
    "---",
    `license: ${scalar(options.license)}`,
    ...(options.license === "other" ? ["license_name: not-stated"] : []),
    "pretty_name: Preference dataset",
    "language:",
    "- en",
    "task_categories:",
    "- text-generation",
    "- text-classification",
    "tags:",
    ...tags.map((t) => `- ${t}`),
    "size_categories:",
    `- ${sizeCategory(rows)}`,
    "configs:",
    "- config_name: default",
    "  data_files:",
    ...files.flatMap((f) => [`  - split: ${hubSplit(f.split)}`, `    path: ${scalar(f.name)}`]),
    "dataset_info:",
    "  features:",
    ...parquetColumns(options).flatMap((c) => feature(c, "  ")),
    "  splits:",
    ...files.flatMap((f) => [`  - name: ${hubSplit(f.split)}`, `    num_examples: ${f.rows}`]),
    "---",
    "",
  ].join("\n");
}
