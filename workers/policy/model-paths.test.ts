// A llama.cpp variant loads only model files inside the allowed folders, judged by the real path
// after links, with an error that names the folders.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { modelPathRefusal } from "../../server/policy-variants/model-dirs";
import { allowedModelFile } from "./model-paths";
import { backendForVariant } from "./open-backend";

const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "model-paths-")));
const dataDir = path.join(root, "data");
const models = path.join(dataDir, "models");
const shared = path.join(root, "shared-models");
const elsewhere = path.join(root, "elsewhere");
for (const dir of [models, shared, elsewhere]) fs.mkdirSync(dir, { recursive: true });
const write = (file: string) => (fs.writeFileSync(file, "GGUF"), file);
const inData = write(path.join(models, "in-data.gguf"));
const inShared = write(path.join(shared, "in-shared.gguf"));
const secret = write(path.join(elsewhere, "secret.gguf"));
fs.symlinkSync(secret, path.join(models, "link-out.gguf"));
fs.symlinkSync(inShared, path.join(models, "link-in.gguf"));
fs.symlinkSync(shared, path.join(root, "shared-link"));
const env = { DATA_DIR: dataDir, POLICY_MODEL_DIRS: path.join(root, "shared-link") };

describe("model files", () => {
  it("loads files inside the data folder's models/ and POLICY_MODEL_DIRS, by their real path", () => {
    expect(allowedModelFile(inData, env)).toBe(inData);
    expect(allowedModelFile(path.join(root, "shared-link", "in-shared.gguf"), env)).toBe(inShared);
    expect(allowedModelFile(path.join(models, "link-in.gguf"), env)).toBe(inShared);
    expect(allowedModelFile(secret, { ...env, POLICY_MODEL_PATH: secret })).toBe(secret);
  });

  it("refuses a file elsewhere, a link out of an allowed folder and '..', naming the allowed folders", () => {
    for (const file of [secret, path.join(models, "link-out.gguf"), path.join(models, "..", "..", "elsewhere", "secret.gguf")]) {
      expect(() => allowedModelFile(file, env), file).toThrow(
        `not in a folder policy models may be loaded from: ${models} (the data folder's models/), ${path.join(root, "shared-link")} (POLICY_MODEL_DIRS)`,
      );
    }
    expect(() => allowedModelFile(path.join(models, "link-out.gguf"), env)).toThrow(`(really ${secret})`);
    expect(() => allowedModelFile(path.join(models, "missing.gguf"), env)).toThrow("does not exist on this worker");
  });

  it("is enforced where a worker opens a variant's model", async () => {
    const saved = { DATA_DIR: process.env.DATA_DIR, POLICY_MODEL_DIRS: process.env.POLICY_MODEL_DIRS };
    Object.assign(process.env, env);
    try {
      await expect(backendForVariant({ backend: "LLAMA_CPP", modelPath: secret, baseUrl: null, modelName: null })).rejects.toThrow(/not in a folder policy models may be loaded from/);
    } finally {
      for (const [key, value] of Object.entries(saved)) if (value === undefined) delete process.env[key]; else process.env[key] = value;
    }
  });

  it("is checked as written when an admin registers the variant", () => {
    expect(modelPathRefusal(inData, env)).toBeNull();
    expect(modelPathRefusal(path.join(root, "shared-link", "x.gguf"), env)).toBeNull();
    expect(modelPathRefusal("models/x.gguf", env)).toBe("an absolute path, e.g. /models/llama-2-7b-chat.Q4_K_M.gguf");
    expect(modelPathRefusal("/etc/x.gguf", env)).toMatch(/^\/etc\/x\.gguf is not in a folder policy models may be loaded from: .*Put the file there, or add its folder to POLICY_MODEL_DIRS/);
    expect(modelPathRefusal(path.join(models, "..", "x.gguf"), env)).not.toBeNull();
  });
});
