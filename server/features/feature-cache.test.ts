// The feature cache on the real database: vectors round-trip bit for bit, writes are idempotent,
// and a vector of the wrong width is refused by these functions and, behind them, by the schema.
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { prisma } from "../db/prisma";
import {
  decodeFeatureVector,
  encodeFeatureVector,
  ensureFeatureSpace,
  featureContentHash,
  featureSpaceSummary,
  findFeatureSpace,
  readFeatureVectors,
  writeFeatureVectors,
} from "./feature-cache";

const vector = (dims: number, seed: number) => Float32Array.from({ length: dims }, (_, i) => Math.sin(seed * 1000 + i) * 3.5e-3 + (i === 0 ? 1e30 : 0));

describe("feature cache", () => {
  it("hashes token ids, not text, and encodes vectors as float32 little-endian", () => {
    const a = featureContentHash([1, 518, 25580, 29962]);
    expect(a).toHaveLength(32);
    expect(featureContentHash([1, 518, 25580, 29962])).toEqual(a);
    expect(featureContentHash([1, 518, 25580, 29963])).not.toEqual(a);
    // The same bytes an Int32Array holds on a little-endian machine.
    expect(a.toString("hex")).toBe(
      crypto.createHash("sha256").update(Buffer.from(Int32Array.from([1, 518, 25580, 29962]).buffer)).digest("hex"),
    );
    const v = Float32Array.from([1.5, -0, Number.MIN_VALUE, 3.4e38]);
    const bytes = encodeFeatureVector(v);
    expect([...bytes.slice(0, 4)]).toEqual([0, 0, 0xc0, 0x3f]); // 1.5f
    expect(decodeFeatureVector(bytes, 4)).toEqual(v);
    expect(() => decodeFeatureVector(bytes, 5)).toThrow("A cached feature vector has 16 bytes, expected 20 (5 float32).");
  });

  it("round-trips vectors exactly, skips ones already cached, and reads only what is there", async () => {
    const space = await ensureFeatureSpace(prisma, { key: '{"kind":"test","n":1}', identity: { kind: "test", n: 1 }, dims: 8 });
    expect(await ensureFeatureSpace(prisma, { key: '{"kind":"test","n":1}', identity: { kind: "test", n: 1 }, dims: 8 })).toEqual(space);
    expect(await findFeatureSpace(prisma, space.key)).toEqual(space);
    expect(await findFeatureSpace(prisma, "nothing")).toBeNull();
    const rows = [0, 1, 2].map((i) => ({ contentHash: featureContentHash([i]), vector: vector(8, i), tokenCount: 10 + i }));
    expect(await writeFeatureVectors(prisma, space, rows.slice(0, 2))).toBe(2);
    // Again, with one new: only the new one is written, the cached ones are left as they were.
    const changed = { ...rows[0]!, vector: vector(8, 99) };
    expect(await writeFeatureVectors(prisma, space, [changed, rows[2]!])).toBe(1);
    const found = await readFeatureVectors(prisma, space, [...rows.map((r) => r.contentHash), featureContentHash([42])]);
    expect(found.size).toBe(3);
    rows.forEach((row) => expect(found.get(Buffer.from(row.contentHash).toString("hex"))).toEqual({ vector: row.vector, tokenCount: row.tokenCount }));
    // Another space does not see them.
    const other = await ensureFeatureSpace(prisma, { key: '{"kind":"test","n":2}', identity: { kind: "test", n: 2 }, dims: 8 });
    expect((await readFeatureVectors(prisma, other, [rows[0]!.contentHash])).size).toBe(0);
    const summary = await featureSpaceSummary(prisma);
    expect(summary.find((s) => s.id === space.id)).toMatchObject({ key: space.key, dims: 8, vectors: 3, identity: { kind: "test", n: 1 } });
  });

  it("refuses a width other than the space's, in words, and the schema refuses it too", async () => {
    const key = '{"kind":"test","n":3}';
    const space = await ensureFeatureSpace(prisma, { key, identity: { kind: "test", n: 3 }, dims: 4 });
    await expect(ensureFeatureSpace(prisma, { key, identity: { kind: "test", n: 3 }, dims: 5 })).rejects.toThrow(
      `The feature extractor ${key} now gives 5-dimensional vectors, but the vectors cached under the same identity have 4`,
    );
    await expect(writeFeatureVectors(prisma, space, [{ contentHash: featureContentHash([1]), vector: vector(5, 1), tokenCount: 1 }])).rejects.toThrow(
      "now gives 5-dimensional vectors, but the vectors cached under the same identity have 4",
    );
    await expect(writeFeatureVectors(prisma, space, [{ contentHash: featureContentHash([1]), vector: Float32Array.from([1, Number.NaN, 0, 0]), tokenCount: 1 }])).rejects.toThrow(
      "finite numbers only",
    );
    await expect(ensureFeatureSpace(prisma, { key: "x", identity: {}, dims: 0 })).rejects.toThrow("dims: a feature vector has a positive whole number of dimensions, got 0.");
    // Past these functions: the (space, dims) foreign key and the length check.
    const base = { spaceId: space.id, contentHash: new Uint8Array(featureContentHash([7])), tokenCount: 1 };
    await expect(prisma.featureVector.create({ data: { ...base, dims: 5, vector: encodeFeatureVector(vector(5, 1)) } })).rejects.toThrow();
    await expect(prisma.featureVector.create({ data: { ...base, dims: 4, vector: encodeFeatureVector(vector(5, 1)) } })).rejects.toThrow(/manual_feature_vector_shape/);
    await expect(prisma.featureVector.create({ data: { ...base, contentHash: new Uint8Array(4), dims: 4, vector: encodeFeatureVector(vector(4, 1)) } })).rejects.toThrow(
      /manual_feature_vector_shape/,
    );
    expect(await prisma.featureVector.count({ where: { spaceId: space.id } })).toBe(0);
  });
});
