// The sha256 of a model file, the part of a feature extractor's identity that says which weights
// computed a vector. Hashing a 7B GGUF reads gigabytes, so a hash is computed once per file
// version (path, size, modification time) and kept: in this process, and as a small file under
// DATA_DIR/cache/model-sha256 so a restarted worker does not read the model again.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { config } from "../../server/config/config";

export type ModelFileHash = { sha256: string; bytes: number };

const memo = new Map<string, Promise<ModelFileHash>>();

export function defaultHashCacheDir() {
  return path.resolve(config().DATA_DIR, "cache", "model-sha256");
}

/** Counts of files actually read, for tests. */
export const hashReads = { count: 0 };

/** Forgets the hashes kept in this process (as a restarted worker would). */
export function forgetModelHashes() {
  memo.clear();
}

/**
 * sha256 (hex) and size of the file at `filePath`. A changed file (size or mtime) is hashed again.
 * `cacheDir: null` keeps the hash in this process only.
 */
export async function modelFileSha256(filePath: string, options: { cacheDir?: string | null } = {}): Promise<ModelFileHash> {
  const resolved = await fs.promises.realpath(filePath).catch(() => {
    throw new Error(`The model file ${filePath} does not exist on this worker.`);
  });
  const stat = await fs.promises.stat(resolved);
  const version = `${resolved}\0${stat.size}\0${stat.mtimeMs}`;
  let hash = memo.get(version);
  if (!hash) {
    hash = fromCacheOrRead(resolved, stat, version, options.cacheDir === undefined ? defaultHashCacheDir() : options.cacheDir);
    memo.set(version, hash);
    hash.catch(() => memo.delete(version));
  }
  return hash;
}

type Entry = { path: string; size: number; mtimeMs: number; sha256: string };

async function fromCacheOrRead(file: string, stat: fs.Stats, version: string, cacheDir: string | null): Promise<ModelFileHash> {
  const entryFile = cacheDir && path.join(cacheDir, `${crypto.createHash("sha256").update(version).digest("hex").slice(0, 32)}.json`);
  if (entryFile) {
    const entry = await fs.promises
      .readFile(entryFile, "utf8")
      .then((text) => JSON.parse(text) as Entry)
      .catch(() => null);
    if (entry && entry.path === file && entry.size === stat.size && entry.mtimeMs === stat.mtimeMs && /^[0-9a-f]{64}$/.test(entry.sha256)) {
      return { sha256: entry.sha256, bytes: stat.size };
    }
  }
  hashReads.count++;
  const digest = crypto.createHash("sha256");
  await pipeline(fs.createReadStream(file, { highWaterMark: 4 << 20 }), digest);
  const sha256 = digest.digest("hex");
  if (entryFile) {
    // A cache that cannot be written (read-only data folder) only costs a re-read next start.
    try {
      await fs.promises.mkdir(path.dirname(entryFile), { recursive: true });
      const temporary = `${entryFile}.${process.pid}.tmp`;
      await fs.promises.writeFile(temporary, JSON.stringify({ path: file, size: stat.size, mtimeMs: stat.mtimeMs, sha256 } satisfies Entry));
      await fs.promises.rename(temporary, entryFile);
    } catch {
      // kept in this process only
    }
  }
  return { sha256, bytes: stat.size };
}
