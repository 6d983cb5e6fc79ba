// The web's sink: an export as a zip streamed while it is written (fflate; entries deflated at
// level 1, JSONL shrinks several-fold even so). The data streams with back-pressure from the
// client's connection; README.md and manifest.json follow once the rows are counted.
import { PassThrough, type Readable, Writable } from "node:stream";
import { Zip, ZipDeflate } from "fflate";
import type { ExportOptionsInput } from "./export.schema";
import { type ExportSink, runExport } from "./run-export";

export function exportToZip(connectionString: string, input: ExportOptionsInput, pseudonymSalt: string): Readable {
  return zipExport((sink) => runExport(connectionString, input, pseudonymSalt, sink));
}

/** Any export that writes to a sink (a preference export, a round's fine-tuning set), as a streamed zip. */
export function zipExport(run: (sink: ExportSink) => Promise<unknown>): Readable {
  const out = new PassThrough();
  let drained: ((error?: Error) => void) | null = null;
  out.on("drain", () => {
    drained?.();
    drained = null;
  });
  // The client went away (the response stream was cancelled, which destroys `out`): a writer
  // waiting for "drain" would wait forever, holding the export's connections in their
  // transaction. It is told instead, and the export ends and lets them go.
  let gone: Error | null = null;
  out.on("close", () => {
    if (out.writableFinished) return;
    gone = new Error("The download was cancelled before the export finished.");
    drained?.(gone);
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
  const waitForReader = (callback: (error?: Error) => void) => {
    if (gone) return callback(gone);
    if (!blocked) return callback();
    blocked = false;
    drained = callback;
  };

  run({
    file(name) {
      const file = entry(name);
      return new Writable({
        write(chunk: Buffer, _encoding, callback) {
          if (gone) return callback(gone);
          file.push(chunk);
          waitForReader((error) => callback(error));
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
    .then(() => {
      if (!gone) zip.end();
    })
    .catch((error: Error) => {
      if (!gone) out.destroy(error);
    });
  return out;
}
