// Parquet output: the export's JSONL lines (built by PostgreSQL, as for JSONL) become rows of a
// Parquet file, written in row groups as they arrive (hyparquet-writer's ParquetWriter), so
// memory stays bounded by one row group. Messages are list<struct<role, content>>, as the
// Hugging Face datasets library writes conversational preference data.
import { Transform, type TransformCallback } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import type { ExportOptions } from "./export.schema";

type ColumnKind = "string" | "messages" | "double" | "int64";
export type ParquetColumn = { name: string; kind: ColumnKind };

/** The columns of each format, in the order of the JSON lines' keys. */
export function parquetColumns(options: ExportOptions): ParquetColumn[] {
  const s = (name: string): ParquetColumn => ({ name, kind: "string" });
  if (options.format === "raw") {
    return [
      s("comparison_id"), s("pair_id"), s("annotator"), s("round"), s("batch"), s("protocol"), s("risk_category"),
      s("attack_vector"), s("chosen"), s("strength"), s("safety_label"), s("left_side"),
      { name: "time_on_task_ms", kind: "int64" }, s("created_at"), { name: "prompt", kind: "messages" },
      s("response_a"), s("response_b"), s("comment"), s("flag_reason"), s("skip_reason"),
    ];
  }
  if (options.format === "hh-rlhf") return [s("chosen"), s("rejected")];
  const text: ColumnKind = options.style === "conversational" ? "messages" : "string";
  const columns: ParquetColumn[] = [
    ...(options.prompt === "explicit" ? [{ name: "prompt", kind: text }] : []),
    { name: "chosen", kind: text },
    { name: "rejected", kind: text },
  ];
  if (options.margin !== "none") columns.push({ name: "margin", kind: "double" });
  return columns;
}

function schema(columns: ParquetColumn[]) {
  const elements: Record<string, unknown>[] = [{ name: "root", num_children: columns.length }];
  for (const { name, kind } of columns) {
    if (kind === "messages") {
      elements.push(
        { name, repetition_type: "OPTIONAL", num_children: 1, converted_type: "LIST" },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        { name: "element", repetition_type: "OPTIONAL", num_children: 2 },
        { name: "role", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
        { name: "content", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
      );
    } else if (kind === "double") {
      elements.push({ name, type: "DOUBLE", repetition_type: "OPTIONAL" });
    } else if (kind === "int64") {
      elements.push({ name, type: "INT64", repetition_type: "OPTIONAL" });
    } else {
      elements.push({ name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" });
    }
  }
  return elements;
}

const ROWS_PER_GROUP = 10_000;

/** JSONL in, Parquet bytes out: an export's columns, or the given ones (a round's fine-tuning set). */
export function jsonlToParquet(options: ExportOptions | ParquetColumn[]): Transform {
  const columns = Array.isArray(options) ? options : parquetColumns(options);
  const bytes = new ByteWriter();
  // Chunks may end inside a multi-byte character.
  const decoder = new StringDecoder("utf8");
  let pending = "";
  let rows: Record<string, unknown>[] = [];
  let output: Transform;

  // Each row group's bytes go downstream as soon as it is encoded.
  const drain = () => {
    if (bytes.index > 0) {
      output.push(Buffer.from(bytes.buffer.slice(0, bytes.index)));
      bytes.index = 0;
    }
  };
  (bytes as ByteWriter & { flush: () => void }).flush = drain;
  const writer = new ParquetWriter({ writer: bytes, schema: schema(columns) as never, createdBy: "preference-platform export" });

  const writeRows = () => {
    if (rows.length === 0) return;
    const columnData = columns.map(({ name, kind }) => ({
      name,
      data: rows.map((row) => {
        const value = row[name] ?? null;
        return kind === "int64" && value !== null ? BigInt(value as number) : value;
      }),
    }));
    void writer.write({ columnData: columnData as never, rowGroupSize: rows.length });
    rows = [];
    drain();
  };

  output = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      const lines = (pending + decoder.write(chunk)).split("\n");
      pending = lines.pop()!;
      try {
        for (const line of lines) {
          if (line) rows.push(JSON.parse(line) as Record<string, unknown>);
          if (rows.length >= ROWS_PER_GROUP) writeRows();
        }
        done();
      } catch (error) {
        done(error as Error);
      }
    },
    flush(done: TransformCallback) {
      try {
        pending += decoder.end();
        if (pending) rows.push(JSON.parse(pending) as Record<string, unknown>);
        writeRows();
        writer.finish();
        drain();
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
  return output;
}
