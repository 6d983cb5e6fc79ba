// Uploaded import files, kept under DATA_DIR/imports until their import has run (a worker on the
// same machine reads them there), and no longer than IMPORT_UPLOAD_RETENTION_HOURS unless an
// import still needs them. A body is streamed to disk and cut off at the size limit, so a
// large upload never sits in memory and an oversized one is refused with the limit stated.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { DbOrTx } from "../db/types";
import { FileError, fileKindOf, type ImportLimits, importLimits, checkSize } from "./readers";
import { config } from "../config/config";

export type Upload = { uploadId: string; fileName: string; path: string; size: number };

export function uploadsDir(): string {
  return path.resolve(config().DATA_DIR, "imports");
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

/** How long an upload may wait for its import (IMPORT_UPLOAD_RETENTION_HOURS, default 24). */
export function uploadRetentionMs(env: Record<string, string | undefined> = process.env): number {
  return config(env).IMPORT_UPLOAD_RETENTION_HOURS * 3600_000;
}

const UPLOAD_FILE = /^([0-9a-f]{32})-/;

/**
 * Removes uploads older than the retention time that no queued or running import needs: files
 * previewed but never confirmed, files of imports that failed or were cancelled (a retry after
 * that asks for the file again), and halves of uploads cut off by a crash. Returns the names
 * removed. Workers run it now and then (workers/main.ts).
 */
export async function removeStaleUploads(db: DbOrTx, options: { now?: number; retentionMs?: number } = {}): Promise<string[]> {
  const dir = uploadsDir();
  if (!fs.existsSync(dir)) return [];
  const cutoff = (options.now ?? Date.now()) - (options.retentionMs ?? uploadRetentionMs());
  const stale = fs.readdirSync(dir).flatMap((name) => {
    const id = UPLOAD_FILE.exec(name)?.[1];
    if (!id) return [];
    const stat = fs.statSync(path.join(dir, name), { throwIfNoEntry: false });
    return stat?.isFile() && stat.mtimeMs < cutoff ? [{ name, id }] : [];
  });
  if (stale.length === 0) return [];
  const pending = await db.$queryRaw<{ uploadId: string }[]>`
    SELECT parameters->>'uploadId' AS "uploadId" FROM "Job"
    WHERE type = 'IMPORT' AND status IN ('QUEUED', 'RUNNING') AND parameters->>'uploadId' = ANY(${stale.map((s) => s.id)})`;
  const needed = new Set(pending.map((p) => p.uploadId));
  const removed: string[] = [];
  for (const { name, id } of stale) {
    if (needed.has(id)) continue;
    fs.rmSync(path.join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
