// The feature step of a reward-model job: vectors for many (dialogue, response) inputs through
// the PostgreSQL cache (server/features/feature-cache.ts). Identical inputs are embedded once;
// cached vectors are read, not computed; the rest are embedded in batches and written back. The
// model is the slow part, so the database work runs beside it: while batch i embeds, the cache
// read for the next chunk of inputs and the write of batch i − 1 are in flight.
import type { Db } from "../../server/db/types";
import {
  dimsMismatch,
  ensureFeatureSpace,
  type FeatureSpace,
  featureContentHash,
  findFeatureSpace,
  readFeatureVectors,
  writeFeatureVectors,
} from "../../server/features/feature-cache";
import type { FeatureExtractor, FeatureInput, FormattedInput } from "./extractor";

export type FeatureProgress = {
  /** Inputs whose vector is known (read or embedded), of `total`. */
  done: number;
  total: number;
  cached: number;
  embedded: number;
};

export type FeaturesOptions = {
  signal?: AbortSignal;
  onProgress?: (progress: FeatureProgress) => void;
  /** Inputs per call to the model; default 16. */
  embedBatch?: number;
  /** Inputs formatted and looked up in the cache at a time; default 256. */
  readBatch?: number;
};

export type FeatureStats = {
  inputs: number;
  /** Distinct formatted inputs. */
  unique: number;
  /** Distinct inputs found in the cache, and embedded now. */
  cached: number;
  embedded: number;
  /** Tokens of every formatted input (duplicates counted), and of those embedded now. */
  tokens: number;
  embeddedTokens: number;
  /** Vectors this run added to the cache (fewer than `embedded` when another job wrote some first). */
  written: number;
  wallMs: number;
  /** Time spent waiting for the model. */
  embedMs: number;
};

export type FeaturesResult = {
  /** One vector per input, in order; identical inputs share one array. */
  vectors: Float32Array[];
  /** The vectors' width (the extractor's, or null when there were no inputs and it cannot tell). */
  dims: number | null;
  stats: FeatureStats;
};

type Item = { hash: Buffer; hex: string; formatted: FormattedInput; indices: number[]; vector?: Float32Array };

/** Groups items by their shared prefix (first appearance order kept), so a prompt's responses are adjacent. */
function byPrefix(items: Item[]): Item[] {
  const groups = new Map<string, Item[]>();
  for (const item of items) {
    const prefix = featureContentHash(item.formatted.tokens.slice(0, item.formatted.sharedPrefix)).toString("hex");
    const group = groups.get(prefix);
    if (group) group.push(item);
    else groups.set(prefix, [item]);
  }
  return [...groups.values()].flat();
}

export async function featuresFor(db: Db, extractor: FeatureExtractor, inputs: FeatureInput[], options: FeaturesOptions = {}): Promise<FeaturesResult> {
  const started = performance.now();
  const { signal, onProgress } = options;
  const embedBatch = Math.max(1, options.embedBatch ?? 16);
  const readBatch = Math.max(1, options.readBatch ?? 256);
  const total = inputs.length;
  const vectors = new Array<Float32Array>(total);
  const stats: FeatureStats = { inputs: total, unique: 0, cached: 0, embedded: 0, tokens: 0, embeddedTokens: 0, written: 0, wallMs: 0, embedMs: 0 };
  let done = 0;
  const report = () => onProgress?.({ done, total, cached: stats.cached, embedded: stats.embedded });

  signal?.throwIfAborted();
  let space: FeatureSpace | null = await findFeatureSpace(db, extractor.key);
  if (space && extractor.dims !== null && space.dims !== extractor.dims) throw dimsMismatch(extractor.key, space.dims, extractor.dims);

  const seen = new Map<string, Item>();
  /** Formats and hashes inputs [from, to), and returns the new distinct ones the cache lacks. */
  const prepare = async (from: number, to: number): Promise<Item[]> => {
    // After the batch being embedded has gone to the model, so that formatting runs beside it.
    await new Promise((resolve) => setImmediate(resolve));
    const fresh: Item[] = [];
    for (let i = from; i < to; i++) {
      const formatted = extractor.format(inputs[i]!);
      stats.tokens += formatted.tokens.length;
      const hash = featureContentHash(formatted.tokens);
      const hex = hash.toString("hex");
      const known = seen.get(hex);
      if (known) {
        known.indices.push(i);
        if (known.vector) {
          vectors[i] = known.vector;
          done++;
        }
        continue;
      }
      const item: Item = { hash, hex, formatted, indices: [i] };
      seen.set(hex, item);
      fresh.push(item);
    }
    stats.unique += fresh.length;
    const cached = space && fresh.length ? await readFeatureVectors(db, space, fresh.map((item) => item.hash)) : new Map();
    const missing: Item[] = [];
    for (const item of fresh) {
      const hit = cached.get(item.hex);
      if (hit) {
        stats.cached++;
        settle(item, hit.vector);
      } else missing.push(item);
    }
    return byPrefix(missing);
  };
  const settle = (item: Item, vector: Float32Array) => {
    item.vector = vector;
    for (const index of item.indices) vectors[index] = vector;
    done += item.indices.length;
  };

  let writing: Promise<void> = Promise.resolve();
  let writeFailure: { error: unknown } | undefined;
  let reading: Promise<Item[]> | undefined;
  const pending: Item[] = [];
  // A read that fails while the model works is rethrown where it is awaited, not reported unhandled.
  const read = (from: number) => {
    const promise = prepare(from, Math.min(from + readBatch, total));
    promise.catch(() => {});
    return promise;
  };
  try {
    reading = read(0);
    for (let from = 0; from < total; from += readBatch) {
      const missing = (await reading) ?? [];
      const next = from + readBatch;
      reading = next < total ? read(next) : undefined;
      pending.push(...missing);
      report();
      const last = next >= total;
      while (pending.length >= embedBatch || (last && pending.length > 0)) {
        signal?.throwIfAborted();
        if (writeFailure) throw writeFailure.error;
        const batch = pending.splice(0, embedBatch);
        const embedStarted = performance.now();
        const embedded = await extractor.embed(
          batch.map((item) => item.formatted),
          signal,
        );
        stats.embedMs += performance.now() - embedStarted;
        const dims = embedded[0]!.length;
        if (!space || space.dims !== dims) space = await ensureFeatureSpace(db, { key: extractor.key, identity: extractor.identity, dims });
        const target = space;
        batch.forEach((item, k) => {
          stats.embedded++;
          stats.embeddedTokens += item.formatted.tokens.length;
          settle(item, embedded[k]!);
        });
        // The write runs while the next batch embeds; one write at a time, in order.
        const rows = batch.map((item, k) => ({ contentHash: item.hash, vector: embedded[k]!, tokenCount: item.formatted.tokens.length }));
        const previous = writing;
        writing = previous.then(async () => {
          if (writeFailure) return;
          try {
            stats.written += await writeFeatureVectors(db, target, rows);
          } catch (error) {
            writeFailure = { error };
          }
        });
        report();
      }
    }
    await writing;
    if (writeFailure) throw writeFailure.error;
  } finally {
    // Nothing of this run touches the database after it returns or throws.
    await Promise.allSettled([writing, reading]);
  }
  stats.wallMs = performance.now() - started;
  return { vectors, dims: space?.dims ?? extractor.dims, stats };
}
