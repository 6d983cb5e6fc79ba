// Which folders llama.cpp variants may load model files from: the data folder's models/ (where
// the tiny test model is written) and the folders named in POLICY_MODEL_DIRS (comma-separated),
// plus the one file POLICY_MODEL_PATH names. A variant's path is typed by an admin; without this,
// any file on a worker's disk ending in .gguf could be opened by the model loader.
// Workers check the real path after following links (workers/policy/model-paths.ts); the web
// app checks the path as written, so an admin hears at once when a path cannot work.
import path from "node:path";
import { config } from "../config/config";

type Env = Record<string, string | undefined>;

export function allowedModelDirs(env: Env = process.env): string[] {
  const c = config(env);
  const dataModels = path.resolve(c.DATA_DIR, "models");
  const named = c.POLICY_MODEL_DIRS.map((dir) => path.resolve(dir));
  return [...new Set([dataModels, ...named])];
}

/** The one model file the operator named for the default policy, if any. */
export function defaultModelFile(env: Env = process.env): string | null {
  const file = config(env).POLICY_MODEL_PATH;
  return file ? path.resolve(file) : null;
}

export function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}

export function allowedModelPlaces(env: Env = process.env): string {
  const [dataModels, ...named] = allowedModelDirs(env);
  const places = [`${dataModels} (the data folder's models/)`, ...named.map((dir) => `${dir} (POLICY_MODEL_DIRS)`)];
  const file = defaultModelFile(env);
  if (file) places.push(`the file ${file} (POLICY_MODEL_PATH)`);
  return places.join(", ");
}

export function modelOutsideMessage(modelPath: string, env: Env = process.env): string {
  return `${modelPath} is not in a folder policy models may be loaded from: ${allowedModelPlaces(env)}. Put the file there, or add its folder to POLICY_MODEL_DIRS (on the web app and the workers).`;
}

/** Why a path as written cannot be a model file, or null (the web side's check: no links followed). */
export function modelPathRefusal(modelPath: string, env: Env = process.env): string | null {
  if (!path.isAbsolute(modelPath)) return "an absolute path, e.g. /models/llama-2-7b-chat.Q4_K_M.gguf";
  const file = path.resolve(modelPath);
  if (file === defaultModelFile(env)) return null;
  return allowedModelDirs(env).some((dir) => isInside(file, dir)) ? null : modelOutsideMessage(modelPath, env);
}
