// The CLI's sink: an export as a folder.
import fs from "node:fs";
import path from "node:path";
import type { ExportOptionsInput } from "./export.schema";
import { type ExportSink, runExport } from "./run-export";

export function exportToDirectory(connectionString: string, input: ExportOptionsInput, directory: string, pseudonymSalt: string) {
  return runExport(connectionString, input, pseudonymSalt, directorySink(directory));
}

/** A folder as an export's sink (also a round's fine-tuning set). */
export function directorySink(directory: string): ExportSink {
  fs.mkdirSync(directory, { recursive: true });
  return {
    file: (name) => fs.createWriteStream(path.join(directory, name)),
    text: (name, content) => fs.writeFileSync(path.join(directory, name), content),
  };
}
