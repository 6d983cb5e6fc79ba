// Reading an import file as rows, in constant memory: JSON lines, CSV (header row) and Parquet
// (one row group at a time). Each row comes with where it is in the file ("line 12", "row 40 of
// row group 2"), so an error can point at it. The reader also measures the file: its size
// against the limit and its sha256 for provenance. Nothing here fetches anything: a URL in a
// row is just text.
import crypto from "node:crypto";
import { isUtf8 } from "node:buffer";
import fs from "node:fs";
import { parse as parseCsv } from "csv-parse";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { RowError } from "./row-formats";
import { config } from "../config/config";

export type FileKind = "jsonl" | "csv" | "parquet";
export type Row = { where: string; value: unknown };

export type ImportLimits = { maxBytes: number; maxRows: number };

/** IMPORT_MAX_BYTES (default 2 GiB) and IMPORT_MAX_ROWS (default 2,000,000). */
export function importLimits(env: NodeJS.ProcessEnv = process.env): ImportLimits {
  return {
    maxBytes: config(env).IMPORT_MAX_BYTES,
    maxRows: config(env).IMPORT_MAX_ROWS,
  };
}

/** A limit exceeded or a file that cannot be read as its kind: the whole file is refused. */
export class FileError extends Error {}

/** A row refused, with where it is: "line 1234, chosen: …". */
export class ImportRowError extends Error {
  constructor(
    readonly where: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${where}${field ? `, ${field}` : ""}: ${problem}`);
  }
}

export function rowError(where: string, error: unknown): ImportRowError {
  if (error instanceof ImportRowError) return error;
  if (error instanceof RowError) return new ImportRowError(where, error.field, error.message.slice(error.field ? error.field.length + 2 : 0));
  throw error;
}

export function fileKindOf(fileName: string): FileKind | null {
  const name = fileName.toLowerCase();
  if (/\.(jsonl|ndjson|json)$/.test(name)) return "jsonl";
  if (name.endsWith(".csv")) return "csv";
  if (name.endsWith(".parquet")) return "parquet";
  return null;
}

const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(bytes < 1024 ** 2 ? 2 : 0)} MB`;

export function checkSize(bytes: number, limits: ImportLimits) {
  if (bytes > limits.maxBytes) throw new FileError(`The file is ${mb(bytes)}; the limit is ${mb(limits.maxBytes)} (IMPORT_MAX_BYTES).`);
}

function checkRows(count: number, limits: ImportLimits) {
  if (count > limits.maxRows) throw new FileError(`The file has more than ${limits.maxRows.toLocaleString("en")} rows, the limit (IMPORT_MAX_ROWS).`);
}

export async function fileSha256(path: string): Promise<string> {
  const hash = crypto.createHash("sha256");
  for await (const chunk of fs.createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * The rows of a file. `onBytes` hears how far reading has got (for progress). The sha256 is
 * known when the rows are done (`checksum()`), computed on the same pass for JSON lines.
 */
export function openRows(path: string, kind: FileKind, limits: ImportLimits, onBytes?: (bytes: number) => void) {
  const size = fs.statSync(path).size;
  checkSize(size, limits);
  let checksum: Promise<string> | null = null;
  const rows = async function* (): AsyncGenerator<Row> {
    if (kind === "jsonl") {
      const hash = crypto.createHash("sha256");
      yield* jsonLines(path, limits, hash, onBytes);
      checksum = Promise.resolve(hash.digest("hex"));
    } else {
      checksum = fileSha256(path);
      yield* kind === "csv" ? csvRows(path, limits, onBytes) : parquetRows(path, limits, onBytes);
    }
  };
  return { size, rows, checksum: () => checksum ?? fileSha256(path) };
}

async function* jsonLines(path: string, limits: ImportLimits, hash: crypto.Hash, onBytes?: (bytes: number) => void): AsyncGenerator<Row> {
  let line = 0;
  let rows = 0;
  let bytes = 0;
  const parse = (text: string): Row | null => {
    line++;
    if (line === 1 && text.startsWith("\uFEFF")) text = text.slice(1); // a byte order mark
    if (text.trim() === "") return null;
    if (++rows > limits.maxRows) checkRows(rows, limits);
    try {
      return { where: `line ${line}`, value: JSON.parse(text) };
    } catch (error) {
      throw new ImportRowError(`line ${line}`, "", `not valid JSON (${(error as Error).message})`);
    }
  };
  // Lines are cut from the bytes: a newline byte is never part of a multi-byte character. Each
  // read's whole lines are checked as UTF-8 at once (isUtf8, native), then each line is decoded
  // on its own: a string of a whole read (megabytes) would be allocated outside V8's young
  // generation, and page-faulted in afresh every time.
  const lines = function* (bytes: Buffer) {
    if (!isUtf8(bytes)) throw new ImportRowError(`line ${line + 1 + firstBadLine(bytes)}`, "", "the file is not valid UTF-8");
    let start = 0;
    for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, start)) {
      const row = parse(bytes.toString("utf8", start, at));
      start = at + 1;
      if (row) yield row;
    }
    if (start < bytes.length) {
      const row = parse(bytes.toString("utf8", start));
      if (row) yield row;
    }
  };
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of fs.createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buffer = chunk as Buffer;
    hash.update(buffer);
    bytes += buffer.length;
    const first = buffer.indexOf(10);
    if (first === -1) {
      rest = Buffer.concat([rest, buffer]);
      continue;
    }
    // The line begun in the last read ends here; then the whole lines of this read.
    yield* lines(Buffer.concat([rest, buffer.subarray(0, first + 1)]));
    const end = buffer.lastIndexOf(10);
    if (end > first) yield* lines(buffer.subarray(first + 1, end + 1));
    rest = Buffer.from(buffer.subarray(end + 1));
    onBytes?.(bytes);
  }
  yield* lines(rest);
}

/** How many whole lines come before the first byte that is not valid UTF-8 (only for the error). */
function firstBadLine(bytes: Buffer): number {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let lines = 0;
  for (let start = 0; start < bytes.length; ) {
    const end = bytes.indexOf(10, start);
    const line = bytes.subarray(start, end === -1 ? bytes.length : end + 1);
    try {
      decoder.decode(line);
    } catch {
      return lines;
    }
    lines++;
    start = end === -1 ? bytes.length : end + 1;
  }
  return lines;
}

/** CSV with a header row. A `messages` column holds JSON (a list of {role, content}). */
async function* csvRows(path: string, limits: ImportLimits, onBytes?: (bytes: number) => void): AsyncGenerator<Row> {
  const parser = fs.createReadStream(path).pipe(parseCsv({ columns: true, bom: true, info: true, skip_empty_lines: true, relax_column_count: false }));
  let rows = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number; bytes: number } }>) {
      checkRows(++rows, limits);
      const where = `line ${info.lines}`;
      const value: Record<string, unknown> = {};
      for (const [key, cell] of Object.entries(record)) {
        if (cell === "") continue; // an empty cell is an absent value
        if (key === "messages" || key === "prompt_messages") {
          try {
            value[key] = JSON.parse(cell);
          } catch {
            throw new ImportRowError(where, key, "not valid JSON: a messages cell holds a JSON list of {role, content}");
          }
        } else if (key === "margin") value[key] = Number(cell);
        else value[key] = cell;
      }
      onBytes?.(info.bytes);
      yield { where, value };
    }
  } catch (error) {
    if (error instanceof ImportRowError || error instanceof FileError) throw error;
    const e = error as Error & { lines?: number };
    throw new ImportRowError(`line ${e.lines ?? "?"}`, "", `not valid CSV (${e.message})`);
  }
}

/** Parquet, one row group at a time (a row group is the unit Parquet files are written in). */
async function* parquetRows(path: string, limits: ImportLimits, onBytes?: (bytes: number) => void): AsyncGenerator<Row> {
  let file;
  let metadata;
  try {
    file = await asyncBufferFromFile(path);
    metadata = await parquetMetadataAsync(file);
  } catch (error) {
    throw new FileError(`Not a readable Parquet file (${(error as Error).message}).`);
  }
  checkRows(Number(metadata.num_rows), limits);
  let rowStart = 0;
  for (const [g, group] of metadata.row_groups.entries()) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = await parquetReadObjects({ file, metadata, rowStart, rowEnd });
    for (const [i, value] of rows.entries()) {
      yield { where: `row ${rowStart + i + 1} (row group ${g + 1}, row ${i + 1})`, value: withoutNulls(value) };
    }
    rowStart = rowEnd;
    onBytes?.(Math.round((file.byteLength * rowEnd) / Math.max(1, Number(metadata.num_rows))));
  }
}

/** Parquet gives null for an absent optional value; the row schemas read absent as missing. */
function withoutNulls(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (value !== null && value !== undefined) out[key] = value;
  return out;
}
