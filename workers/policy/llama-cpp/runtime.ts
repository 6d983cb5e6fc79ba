// node-llama-cpp's runtime, loaded once per process: the native binding (CUDA where the machine
// has it, else CPU) and each GGUF file, kept for the life of the worker, because loading a 7B model
// takes seconds and its weights are gigabytes.
import fs from "node:fs";
import { getLlama, type Llama, LlamaLogLevel, type LlamaModel } from "node-llama-cpp";
import { config } from "../../../server/config/config";

let llama: Promise<Llama> | undefined;
const models = new Map<string, Promise<LlamaModel>>();
const loadedVersions = new Map<string, ModelFileVersion>();

/** A model file's size and modification time when it was loaded. */
export type ModelFileVersion = { size: number; mtimeMs: number };

/**
 * The version of the file a loaded model was read from: a file replaced at the same path while
 * the worker runs is not the model in memory (feature identities check this).
 */
export function loadedModelVersion(modelPath: string): ModelFileVersion | undefined {
  return loadedVersions.get(modelPath);
}

/**
 * The binding. `gpu: "auto"` with `build: "never"` tries node-llama-cpp's prebuilt binaries from
 * best to worst (CUDA, then Vulkan, then CPU on Linux), tests that each loads (the CUDA one needs
 * the system's libcudart/libcublas), and keeps the first that works; nothing is downloaded or built.
 * POLICY_GPU=false forces the CPU binary.
 */
export function llamaRuntime(): Promise<Llama> {
  llama ??= getLlama({
    build: "never",
    gpu: config().POLICY_GPU === "false" ? false : "auto",
    logLevel: LlamaLogLevel.warn,
  }).catch((error: unknown) => {
    llama = undefined;
    throw error;
  });
  return llama;
}

/**
 * The model at `modelPath`, loaded once. Mean pooling is set for its embedding contexts (a Llama
 * GGUF declares none, and llama.cpp would then return the last token's hidden state); it changes
 * nothing for generation, which never pools.
 */
export function loadPolicyModel(modelPath: string): Promise<LlamaModel> {
  let model = models.get(modelPath);
  if (!model) {
    try {
      const { size, mtimeMs } = fs.statSync(modelPath);
      loadedVersions.set(modelPath, { size, mtimeMs });
    } catch {
      // a missing file fails in loadModel below, with its message
    }
    model = llamaRuntime()
      .then((runtime) =>
        runtime.loadModel({
          modelPath,
          // Pooling type 1 is LLAMA_POOLING_TYPE_MEAN; the key is "<architecture>.pooling_type".
          metadataOverrides: { llama: { pooling_type: 1 } } as never,
        }),
      )
      .catch((error: unknown) => {
        models.delete(modelPath);
        loadedVersions.delete(modelPath);
        throw new Error(`Cannot load the GGUF model ${modelPath}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      });
    models.set(modelPath, model);
  }
  return model;
}

/** Frees a model (its contexts must be disposed first). */
export async function unloadPolicyModel(modelPath: string) {
  const model = models.get(modelPath);
  models.delete(modelPath);
  loadedVersions.delete(modelPath);
  if (model) await (await model.catch(() => undefined))?.dispose();
}
