// tRPC's data transformer: superjson's wire format (the browser's links read it with superjson
// itself), with a shortcut when the server serialises. superjson walks every value of an answer
// through its rules, copying the path to each one; most answers are plain JSON (strings, finite
// numbers, booleans, null, arrays and plain objects, none reached twice), for which its output
// is `{ json: value }`, the value unchanged. Such an answer is sent as that without the walk.
// Anything else (a Date, undefined, NaN, ±Infinity, -0, a bigint, a Map or Set, a class
// instance, an object reached twice, a key superjson refuses) goes through superjson.
import type { DataTransformer } from "@trpc/server";
import superjson from "superjson";

/** Keys superjson throws on (prototype pollution): left to it, so the same error is raised. */
const REFUSED_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Whether superjson would send `value` as it is, with no annotation. */
export function isPlainJson(value: unknown, seen = new Set<object>()): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      // superjson annotates NaN, ±Infinity and -0.
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object": {
      if (value === null) return true;
      // An object reached twice is annotated (referential equality), a cycle cut.
      if (seen.has(value)) return false;
      seen.add(value);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !isPlainJson(value[i], seen)) return false;
        }
        return true;
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return false;
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        if (REFUSED_KEYS.has(key) || !isPlainJson((value as Record<string, unknown>)[key], seen)) return false;
      }
      return true;
    }
    default:
      // undefined, bigint, symbol, function
      return false;
  }
}

export const transformer: DataTransformer = {
  serialize: (value: unknown) => (isPlainJson(value) ? { json: value } : superjson.serialize(value)),
  deserialize: (payload) => superjson.deserialize(payload),
};
