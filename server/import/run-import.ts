// One import of a file on disk, as the CLI, the API endpoint, the admin page and the worker job
// all run it: open the rows, detect or check the format, convert and write whole or not at all.
// And the preview the admin page shows before confirming: the detected format and the first rows.
import { FileError, type FileKind, fileKindOf, type ImportLimits, importLimits, ImportRowError, openRows, type Row, rowError } from "./readers";
import { type ImportOptions, type ImportOptionsInput, importOptionsSchema } from "./import.schema";
import { detectFormat, type ImportFormat, preferenceConverter, promptConverter, READINGS, type RowDefaults } from "./row-formats";
import { type ImportResult, writeImport } from "./write-import";

export type ImportFile = { path: string; fileName: string };
export type ImportContext = {
  createdById: string | null;
  jobId?: string | null;
  limits?: ImportLimits;
  onProgress?: (fraction: number, message: string) => void;
  /** Last in the import's transaction, before COMMIT: a job checks it still holds the job there. */
  beforeCommit?: Parameters<typeof writeImport>[6];
};

function kindOf(file: ImportFile): FileKind {
  const kind = fileKindOf(file.fileName);
  if (!kind) throw new FileError(`${file.fileName}: the file name must end in .jsonl (or .json / .ndjson), .csv or .parquet`);
  return kind;
}

/** The format of the rows: the one asked for, or the first row's; a mismatch is the first row's error. */
function resolveFormat(asked: ImportOptions["format"], first: Row | undefined): ImportFormat {
  if (!first) throw new FileError("The file has no rows.");
  const detected = detectFormat(first.value);
  if (asked !== "auto") return asked;
  if (!detected) {
    throw new ImportRowError(first.where, "", "the format cannot be told from this row: expected prompt or messages (prompts), chosen and rejected (hh-rlhf, trl), or response_a and response_b (raw)");
  }
  return detected;
}

function converterFor(format: ImportFormat, options: ImportOptions) {
  const defaults: RowDefaults = { protocol: options.protocol, strength: options.strength, marginScale: options.marginScale };
  return format === "prompts" ? ({ kind: "PROMPTS", convert: promptConverter(defaults) } as const) : ({ kind: "PREFERENCES", convert: preferenceConverter(format, defaults) } as const);
}

/** The rows again, with the first (already read to detect the format) put back in front. */
async function* withFirst(first: Row, rest: AsyncIterator<Row>): AsyncGenerator<Row> {
  yield first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

export async function runImport(connectionString: string, file: ImportFile, input: ImportOptionsInput, context: ImportContext): Promise<ImportResult & { format: ImportFormat }> {
  const options = importOptionsSchema.parse(input);
  const kind = kindOf(file);
  const opened = openRows(file.path, kind, context.limits ?? importLimits(), (bytes) => context.onProgress?.(bytes / Math.max(1, opened.size), "reading"));
  const rows = opened.rows()[Symbol.asyncIterator]();
  const first = await rows.next();
  const format = resolveFormat(options.format, first.done ? undefined : first.value);
  const converter = converterFor(format, options);
  const result = await writeImport(
    connectionString,
    withFirst(first.value as Row, rows),
    converter,
    { kind: converter.kind, sourceName: options.sourceName, fileName: file.fileName, format, licence: options.licence, jobId: context.jobId ?? null, createdById: context.createdById },
    opened.checksum,
    undefined,
    context.beforeCommit,
  );
  return { ...result, format };
}

export type PreviewRow = {
  where: string;
  protocol: string;
  dialogue: { role: string; content: string }[];
  chosen?: string;
  rejected?: string;
  strength?: string;
  /** How a preference row's text was read (READINGS), e.g. plain strings or the Llama 2 template. */
  reading?: string;
};
export type ImportPreview = {
  fileKind: FileKind;
  format: ImportFormat;
  detectedFormat: ImportFormat | null;
  size: number;
  rows: PreviewRow[];
  /** The readings of the previewed rows, each once, in the order first met. */
  readings: string[];
  error: string | null;
};

const clip = (s: string, n = 300) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** The first rows as they would be imported; a bad one among them is reported, not thrown. */
export async function previewImport(file: ImportFile, input: Partial<ImportOptionsInput> = {}, count = 10, limits = importLimits()): Promise<ImportPreview> {
  const options = importOptionsSchema.parse({ sourceName: "preview", ...input });
  const kind = kindOf(file);
  const opened = openRows(file.path, kind, limits);
  const rows: PreviewRow[] = [];
  let format: ImportFormat | null = null;
  let detectedFormat: ImportFormat | null = null;
  let error: string | null = null;
  try {
    for await (const row of opened.rows()) {
      if (format === null) {
        detectedFormat = detectFormat(row.value);
        format = resolveFormat(options.format, row);
      }
      const converter = converterFor(format, options);
      let record;
      try {
        record = converter.convert(row.value);
      } catch (e) {
        throw rowError(row.where, e);
      }
      const prompt = "prompt" in record ? record.prompt : record;
      const dialogue = [
        ...(prompt.systemPrompt ? [{ role: "system", content: clip(prompt.systemPrompt) }] : []),
        ...prompt.turns.map((t) => ({ role: t.role.toLowerCase(), content: clip(t.content) })),
      ];
      rows.push(
        "prompt" in record
          ? {
              where: row.where,
              protocol: prompt.protocol,
              dialogue,
              chosen: clip(record.chosen === "A" ? record.responseA : record.responseB),
              rejected: clip(record.chosen === "A" ? record.responseB : record.responseA),
              strength: record.strength,
              ...(record.reading ? { reading: READINGS[record.reading] } : {}),
            }
          : { where: row.where, protocol: prompt.protocol, dialogue },
      );
      if (rows.length >= count) break;
    }
  } catch (e) {
    if (!(e instanceof ImportRowError) && !(e instanceof FileError)) throw e;
    error = e.message;
  }
  const readings = [...new Set(rows.flatMap((r) => (r.reading ? [r.reading] : [])))];
  return { fileKind: kind, format: format ?? detectedFormat ?? "prompts", detectedFormat, size: opened.size, rows, readings, error };
}
