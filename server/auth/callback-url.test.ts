import { describe, expect, it } from "vitest";
import { safeCallbackPath } from "./callback-url";

const origin = "https://labels.example.org";

describe("the callback after sign-in", () => {
  it("follows paths on this site", () => {
    expect(safeCallbackPath("/admin/jobs?status=FAILED#top", origin)).toBe("/admin/jobs?status=FAILED#top");
    expect(safeCallbackPath(`${origin}/research`, origin)).toBe("/research");
    expect(safeCallbackPath(null, origin)).toBe("/");
  });

  it("never leaves the site, however the link is written", () => {
    for (const raw of [
      "//evil.example",
      "//evil.example/admin",
      "/\\evil.example",
      "\\\\evil.example",
      "/\t/evil.example",
      "https://evil.example/",
      "http://labels.example.org/", // another scheme is another origin
      "javascript:alert(1)",
      "data:text/html,hi",
    ]) {
      const path = safeCallbackPath(raw, origin);
      expect(new URL(path, origin).origin, raw).toBe(origin);
      expect(path.startsWith("//"), raw).toBe(false);
    }
    // Resolved, a path can start with two slashes: it is given back with one.
    expect(safeCallbackPath("/.//evil.example", origin)).toBe("/evil.example");
  });
});
