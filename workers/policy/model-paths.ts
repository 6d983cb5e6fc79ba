// The worker's check of a llama.cpp variant's model file: its real path, after every symbolic
// link, must lie inside one of the allowed folders (server/policy-variants/model-dirs.ts), also
// resolved, or be the POLICY_MODEL_PATH file. A link from an allowed folder to a file elsewhere
// is refused, as is "..". Returns the real path, which is what is then loaded.
import fs from "node:fs";
import { allowedModelDirs, defaultModelFile, isInside, modelOutsideMessage } from "../../server/policy-variants/model-dirs";

const realOrNull = (file: string) => {
  try {
    return fs.realpathSync(file);
  } catch {
    return null;
  }
};

export function allowedModelFile(modelPath: string, env: Record<string, string | undefined> = process.env): string {
  const real = realOrNull(modelPath);
  if (!real) throw new Error(`The policy model file ${modelPath} does not exist on this worker.`);
  const defaultFile = defaultModelFile(env);
  if (defaultFile && realOrNull(defaultFile) === real) return real;
  const dirs = allowedModelDirs(env).flatMap((dir) => realOrNull(dir) ?? []);
  if (!dirs.some((dir) => isInside(real, dir))) {
    throw new Error(`The policy model file ${modelPath}${real !== modelPath ? ` (really ${real})` : ""} was not loaded: ${modelOutsideMessage(modelPath, env).replace(`${modelPath} is`, "it is")}`);
  }
  if (!fs.statSync(real).isFile()) throw new Error(`The policy model file ${modelPath} is not a file.`);
  return real;
}
