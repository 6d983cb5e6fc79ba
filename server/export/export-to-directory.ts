// The CLI's sink: an export as a folder.
import fs from "node:fs";
import path from "node:path";
import type { ExportOptionsInput } from "./export.schema";
import { runExport } from "./run-export";

export function exportToDirectory(connectionString: string, input: ExportOptionsInput, directory: string, pseudonymSalt: string) {
  fs.mkdirSync(directory, { recursive: true });
  return runExport(connectionString, input, pseudonymSalt, {
    file: (name) => fs.createWriteStream(path.join(directory, name)),
    text: (name, content) => fs.writeFileSync(path.join(directory, name), content),
  });
}
