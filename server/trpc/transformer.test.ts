// The transformer's shortcut must send exactly what superjson would, and be taken only where
// superjson would send the value unchanged.
import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { isPlainJson, transformer } from "./transformer";

/** What reaches the browser: the serialised payload as JSON text, parsed back. */
const wire = (payload: unknown) => JSON.parse(JSON.stringify(payload)) as unknown;

const shared = { id: "x" };
const cyclic: Record<string, unknown> = { name: "loop" };
cyclic.self = cyclic;
const withHole = [1, , 3];
const nullPrototype = Object.assign(Object.create(null) as object, { a: 1, nested: { b: [true, null] } });

const plain: [string, unknown][] = [
  ["null", null],
  ["a string", "naïve café — 日本語"],
  ["numbers", [0, 1, -1.5, 1e300, Number.MIN_VALUE]],
  ["an empty object and array", { a: {}, b: [] }],
  ["an object without a prototype", nullPrototype],
  [
    "an annotator table",
    Array.from({ length: 50 }, (_, i) => ({
      annotatorId: `u${i}`,
      name: `Annotator ${i}`,
      comparisons: i * 10,
      perDay: i / 3,
      goldAccuracy: i % 2 ? null : 0.5,
      agreementWithOthers: i / 50,
    })),
  ],
  ["the same string twice", { a: "same", b: "same" }],
];

const annotated: [string, unknown][] = [
  ["undefined", undefined],
  ["a property set to undefined", { a: 1, b: undefined }],
  ["a Date", { at: new Date("2026-01-02T03:04:05.000Z") }],
  ["NaN", { value: Number.NaN }],
  ["Infinity", [Number.POSITIVE_INFINITY]],
  ["-Infinity", [Number.NEGATIVE_INFINITY]],
  ["-0", { zero: -0 }],
  ["a bigint", { n: 12n }],
  ["a Map", new Map([["a", 1]])],
  ["a Set", { s: new Set([1, 2]) }],
  ["a class instance", { error: new Error("boom") }],
  ["an object reached twice", { a: shared, b: [shared] }],
  ["a cycle", cyclic],
  ["an array with a hole", withHole],
  ["a deep Date", { rows: [{ ok: true }, { nested: { at: new Date(0) } }] }],
];

describe("the tRPC transformer", () => {
  it.each(plain)("sends %s as superjson does, without its walk", (_, value) => {
    expect(isPlainJson(value)).toBe(true);
    expect(wire(transformer.serialize(value))).toEqual(wire(superjson.serialize(value)));
  });

  it.each(annotated)("leaves %s to superjson", (_, value) => {
    expect(isPlainJson(value)).toBe(false);
    expect(wire(transformer.serialize(value))).toEqual(wire(superjson.serialize(value)));
    expect(superjson.deserialize(wire(transformer.serialize(value)) as never)).toEqual(superjson.deserialize(wire(superjson.serialize(value)) as never));
  });

  it("raises superjson's error for a key it refuses", () => {
    const polluted = JSON.parse('{"a": {"__proto__": {"admin": true}}}') as unknown;
    expect(isPlainJson(polluted)).toBe(false);
    expect(() => transformer.serialize(polluted)).toThrow(/prototype pollution/);
  });

  it("reads what it sends, through superjson", () => {
    const value = { rows: [{ at: new Date("2026-05-06T00:00:00.000Z"), n: 1 }], total: 2 };
    expect(transformer.deserialize(wire(transformer.serialize(value)))).toEqual(value);
  });
});
