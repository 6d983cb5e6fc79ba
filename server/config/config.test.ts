// One validated configuration: the README's table lists exactly the variables the schema reads,
// defaults apply, and a bad value is refused with the variable's name.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES, config } from "./config";

/** The variable names in the first column of the README's Configuration table. */
function readmeVariables(): string[] {
  const readme = fs.readFileSync(path.join(import.meta.dirname, "..", "..", "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("\n## ", readme.indexOf("## Configuration") + 5));
  const names: string[] = [];
  for (const line of section.split("\n").filter((l) => l.startsWith("| `"))) {
    const firstCell = line.split("|")[1]!;
    let previous = "";
    for (const [, token] of firstCell.matchAll(/`([^`]+)`/g)) {
      if (token!.includes("<")) continue; // a family of names, e.g. POLICY_API_KEY_<NAME>, read by name from a variant
      const name = token!.startsWith("_") ? previous.replace(/_[A-Z0-9]+$/, "") + token : token!;
      names.push(name);
      previous = name;
    }
  }
  return names;
}

describe("configuration", () => {
  it("is documented in the README exactly: every variable the schema reads, and no other", () => {
    expect([...readmeVariables()].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it("fills in defaults, treats empty values as unset, and reads lists", () => {
    const c = config({ DATABASE_URL: "", POLICY_MODEL_DIRS: " /models, /srv/gguf ,", SEED_DEMO: "false" });
    expect(c).toMatchObject({ PORT: 3000, DATA_DIR: ".data", ANNOTATION_LEASE_SECONDS: 1200, SEED_DEMO: false });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.POLICY_MODEL_DIRS).toEqual(["/models", "/srv/gguf"]);
    expect(c.WORKER_JOB_TYPES).toEqual([]);
  });

  it("refuses a bad value, naming the variable and the problem", () => {
    expect(() => config({ IMPORT_MAX_BYTES: "lots" })).toThrow(/IMPORT_MAX_BYTES="lots": a whole number/);
    expect(() => config({ REWARD_TF_BACKEND: "tpu" })).toThrow(/REWARD_TF_BACKEND="tpu": auto, node-gpu, wasm or cpu/);
    expect(() => config({ OAUTH_SIGNUP_ROLE: "ADMIN" })).toThrow(/OAUTH_SIGNUP_ROLE/);
  });
});
