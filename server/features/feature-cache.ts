// The cache of reward-model feature vectors (DESIGN.md "Reward model design"), in PostgreSQL so
// that a second training round, a scoring job and a rejection-sampling round on any worker never
// embed the same input twice. Plain data: the extractors that compute the vectors live in
// workers/features/.
//
// A FeatureSpace is one extractor's identity (the canonical JSON `key`: model file hash or served
// model, pooling, input format) with the width of its vectors; a FeatureVector is keyed by its
// space and the sha256 of the formatted input (the token ids). Vectors are float32 little-endian
// in a bytea. The database refuses a vector whose length is not 4 × its space's dims (a composite
// foreign key on (space, dims) and a check), and these functions say so first, in words.
import crypto from "node:crypto";
import os from "node:os";
import { Prisma } from "@prisma/client";
import type { DbOrTx } from "../db/types";
import { refuse } from "../errors/domain-error";

export type FeatureSpace = { id: string; key: string; dims: number };

/** A vector to cache: `contentHash` from featureContentHash of the formatted input. */
export type FeatureRow = { contentHash: Uint8Array; vector: Float32Array; tokenCount: number };

/** A cached vector, with the tokens of the input it was computed from. */
export type CachedFeature = { vector: Float32Array; tokenCount: number };

const littleEndian = os.endianness() === "LE";

/**
 * sha256 of token ids as little-endian int32: the content hash of a formatted input. The ids
 * themselves, not a text, so two inputs are the same entry exactly when the model reads the same.
 */
export function featureContentHash(tokens: ArrayLike<number>): Buffer {
  const bytes = Buffer.alloc(tokens.length * 4);
  for (let i = 0; i < tokens.length; i++) bytes.writeInt32LE(tokens[i]!, i * 4);
  return crypto.createHash("sha256").update(bytes).digest();
}

/** float32 little-endian bytes of a vector. */
export function encodeFeatureVector(vector: Float32Array): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(vector.length * 4);
  if (littleEndian) bytes.set(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength));
  else {
    const view = new DataView(bytes.buffer);
    vector.forEach((x, i) => view.setFloat32(i * 4, x, true));
  }
  return bytes;
}

export function decodeFeatureVector(bytes: Uint8Array, dims: number): Float32Array {
  if (bytes.byteLength !== dims * 4) throw new Error(`A cached feature vector has ${bytes.byteLength} bytes, expected ${dims * 4} (${dims} float32).`);
  const vector = new Float32Array(dims);
  if (littleEndian) new Uint8Array(vector.buffer).set(bytes);
  else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < dims; i++) vector[i] = view.getFloat32(i * 4, true);
  }
  return vector;
}

export function dimsMismatch(key: string, cached: number, got: number) {
  return refuse(
    "conflict",
    `The feature extractor ${key} now gives ${got}-dimensional vectors, but the vectors cached under the same identity have ${cached}: ` +
      `the model behind it changed without its identity changing (same file hash or server model name, pooling and format). ` +
      `Serve the model the cache was built with, or give the new one its own identity (a new model name).`,
  );
}

/** The space of an extractor identity, or null when nothing was ever cached under it. */
export async function findFeatureSpace(db: DbOrTx, key: string): Promise<FeatureSpace | null> {
  return db.featureSpace.findUnique({ where: { key }, select: { id: true, key: true, dims: true } });
}

/**
 * The space of an extractor identity, created if new. Refuses (conflict) when it exists with
 * another width: the same identity must always give vectors of one size.
 */
export async function ensureFeatureSpace(db: DbOrTx, space: { key: string; identity: Prisma.InputJsonValue; dims: number }): Promise<FeatureSpace> {
  if (!Number.isInteger(space.dims) || space.dims < 1) throw refuse("invalid", `dims: a feature vector has a positive whole number of dimensions, got ${space.dims}.`);
  await db.featureSpace.createMany({ data: [{ key: space.key, identity: space.identity, dims: space.dims }], skipDuplicates: true });
  const row = await db.featureSpace.findUniqueOrThrow({ where: { key: space.key }, select: { id: true, key: true, dims: true } });
  if (row.dims !== space.dims) throw dimsMismatch(space.key, row.dims, space.dims);
  return row;
}

/** The cached vectors among `hashes`, by hex content hash (missing ones are absent). */
export async function readFeatureVectors(db: DbOrTx, space: FeatureSpace, hashes: Uint8Array[]): Promise<Map<string, CachedFeature>> {
  const found = new Map<string, CachedFeature>();
  if (hashes.length === 0) return found;
  const rows = await db.featureVector.findMany({
    where: { spaceId: space.id, contentHash: { in: hashes.map((hash) => Uint8Array.from(hash)) } },
    select: { contentHash: true, vector: true, tokenCount: true, dims: true },
  });
  for (const row of rows) {
    if (row.dims !== space.dims) throw dimsMismatch(space.key, space.dims, row.dims);
    found.set(Buffer.from(row.contentHash).toString("hex"), { vector: decodeFeatureVector(row.vector, row.dims), tokenCount: row.tokenCount });
  }
  return found;
}

/**
 * Caches vectors; a vector already cached (same space and content hash) is left as it is, so
 * concurrent jobs and reruns write each once. Returns how many rows were new.
 */
export async function writeFeatureVectors(db: DbOrTx, space: FeatureSpace, rows: FeatureRow[]): Promise<number> {
  for (const row of rows) {
    if (row.vector.length !== space.dims) throw dimsMismatch(space.key, space.dims, row.vector.length);
    if (row.contentHash.byteLength !== 32) throw refuse("invalid", `contentHash: a sha256 of 32 bytes, got ${row.contentHash.byteLength}.`);
    if (!row.vector.every(Number.isFinite)) throw refuse("invalid", "vector: a feature vector holds finite numbers only (the model returned NaN or infinity).");
  }
  if (rows.length === 0) return 0;
  const { count } = await db.featureVector.createMany({
    data: rows.map((row) => ({
      spaceId: space.id,
      contentHash: Uint8Array.from(row.contentHash),
      dims: space.dims,
      vector: encodeFeatureVector(row.vector),
      tokenCount: row.tokenCount,
    })),
    skipDuplicates: true,
  });
  return count;
}

/** How many vectors each space holds (for the reward-model pages and the README's upkeep notes). */
export async function featureSpaceSummary(db: DbOrTx) {
  const spaces = await db.featureSpace.findMany({
    select: { id: true, key: true, identity: true, dims: true, createdAt: true, _count: { select: { vectors: true } } },
    orderBy: { createdAt: "asc" },
  });
  return spaces.map(({ _count, ...space }) => ({ ...space, vectors: _count.vectors }));
}
