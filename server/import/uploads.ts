// Uploaded import files, kept under DATA_DIR/imports until their import has run (a worker on the
// same machine reads them there). A body is streamed to disk and cut off at the size limit, so a
// large upload never sits in memory and an oversized one is refused with the limit stated.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { FileError, fileKindOf, type ImportLimits, importLimits, checkSize } from "./readers";

export type Upload = { uploadId: string; fileName: string; path: string; size: number };

export function uploadsDir(): string {
  return path.resolve(process.env.DATA_DIR ?? ".data", "imports");
}

const UPLOAD_ID = /^[0-9a-f]{32}$/;

/** The file's own name, reduced to a safe one that keeps its extension (the format depends on it). */
export function safeFileName(fileName: string): string {
  const base = path.basename(fileName).replace(/[^\w.\-]+/g, "_").slice(-120);
  if (!fileKindOf(base)) throw new FileError(`${fileName}: the file name must end in .jsonl (or .json / .ndjson), .csv or .parquet`);
  return base;
}

export function uploadPath(uploadId: string, fileName: string): string {
  if (!UPLOAD_ID.test(uploadId)) throw new FileError("uploadId: not an upload id");
  return path.join(uploadsDir(), `${uploadId}-${safeFileName(fileName)}`);
}

/** Streams a request body to disk; refuses it once it passes the size limit. */
export async function saveUpload(body: ReadableStream<Uint8Array> | Readable, fileName: string, limits: ImportLimits = importLimits()): Promise<Upload> {
  const name = safeFileName(fileName);
  const uploadId = crypto.randomBytes(16).toString("hex");
  const file = uploadPath(uploadId, name);
  fs.mkdirSync(uploadsDir(), { recursive: true });
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      try {
        checkSize(size, limits);
      } catch (error) {
        return done(error as Error);
      }
      done(null, chunk);
    },
  });
  const source = body instanceof Readable ? body : Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
  try {
    await pipeline(source, limit, fs.createWriteStream(file));
  } catch (error) {
    fs.rmSync(file, { force: true });
    if (error instanceof FileError) throw new FileError(`${error.message} Nothing was kept.`);
    throw error;
  }
  if (size === 0) {
    fs.rmSync(file, { force: true });
    throw new FileError("The file is empty.");
  }
  return { uploadId, fileName: name, path: file, size };
}

export function removeUpload(uploadId: string, fileName: string) {
  fs.rmSync(uploadPath(uploadId, fileName), { force: true });
}
