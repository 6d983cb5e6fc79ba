// The web's sink: an export as a zip streamed while it is written (fflate; entries deflated at
// level 1, JSONL shrinks several-fold even so). The data streams with back-pressure from the
// client's connection; README.md and manifest.json follow once the rows are counted.
import { PassThrough, type Readable, Writable } from "node:stream";
import { Zip, ZipDeflate } from "fflate";
import type { ExportOptionsInput } from "./export.schema";
import { runExport } from "./run-export";

export function exportToZip(connectionString: string, input: ExportOptionsInput, pseudonymSalt: string): Readable {
  const out = new PassThrough();
  let drained: (() => void) | null = null;
  out.on("drain", () => {
    drained?.();
    drained = null;
  });
  let blocked = false;
  const zip = new Zip((error, chunk, final) => {
    if (error) return out.destroy(error);
    if (!out.write(chunk)) blocked = true;
    if (final) out.end();
  });
  const entry = (name: string) => {
    const file = new ZipDeflate(name, { level: 1 });
    zip.add(file);
    return file;
  };
  const waitForReader = (callback: () => void) => {
    if (!blocked) return callback();
    blocked = false;
    drained = callback;
  };

  runExport(connectionString, input, pseudonymSalt, {
    file(name) {
      const file = entry(name);
      return new Writable({
        write(chunk: Buffer, _encoding, callback) {
          file.push(chunk);
          waitForReader(() => callback());
        },
        final(callback) {
          file.push(new Uint8Array(0), true);
          callback();
        },
      });
    },
    text(name, content) {
      entry(name).push(new TextEncoder().encode(content), true);
    },
  })
    .then(() => zip.end())
    .catch((error: Error) => out.destroy(error));
  return out;
}
