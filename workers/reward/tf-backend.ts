// TensorFlow.js for the reward trainer, loaded once per process: tfjs-node-gpu when it is
// installed and its native library loads, else @tensorflow/tfjs on the WASM backend (its .wasm
// files read from node_modules, never fetched), else the pure-JS `cpu` backend.
//
// REWARD_TF_BACKEND overrides the choice: `auto` (default) as above; `node-gpu`, `wasm` or `cpu`
// to use that one only, failing with the reason when it cannot load (so a GPU machine whose CUDA
// libraries are missing says so instead of training on the CPU unnoticed).
import { createRequire } from "node:module";
import path from "node:path";
import type * as tfTypes from "@tensorflow/tfjs";

export type Tf = typeof tfTypes;

export const REWARD_BACKENDS = ["node-gpu", "wasm", "cpu"] as const;
export type RewardBackend = (typeof REWARD_BACKENDS)[number];

export type LoadedTf = {
  tf: Tf;
  /** Which of the three was loaded: write this to the job log and the model's page. */
  backend: RewardBackend;
  /** TensorFlow.js's own name for it (`tensorflow`, `wasm`, `cpu`). */
  tfBackendName: string;
  /** What was tried before it and why it failed, for the job log; empty when the first choice loaded. */
  fallbacks: string[];
};

export class RewardBackendError extends Error {
  override name = "RewardBackendError";
}

/** The value of REWARD_TF_BACKEND, checked. */
export function requestedBackend(value: string | undefined = process.env.REWARD_TF_BACKEND): RewardBackend | "auto" {
  const v = (value ?? "").trim().toLowerCase();
  if (v === "" || v === "auto") return "auto";
  if ((REWARD_BACKENDS as readonly string[]).includes(v)) return v as RewardBackend;
  throw new RewardBackendError(`REWARD_TF_BACKEND=${JSON.stringify(value)}: expected auto, ${REWARD_BACKENDS.join(", ")}.`);
}

// tfjs-node-gpu is an optionalDependency that is usually absent: a variable specifier keeps
// TypeScript and bundlers from resolving it at build time.
const NODE_GPU_MODULE = "@tensorflow/tfjs-node-gpu";

async function loadNodeGpu(): Promise<Tf> {
  const tf = (await import(/* @vite-ignore */ NODE_GPU_MODULE)) as Tf & { default?: Tf };
  const ns = (typeof tf.setBackend === "function" ? tf : tf.default) as Tf;
  if (!(await ns.setBackend("tensorflow"))) throw new Error("the `tensorflow` backend did not initialise");
  return ns;
}

async function loadTfjs(): Promise<Tf> {
  const tf = (await import("@tensorflow/tfjs")) as Tf & { default?: Tf };
  return (typeof tf.setBackend === "function" ? tf : tf.default) as Tf;
}

async function loadWasm(): Promise<Tf> {
  const tf = await loadTfjs();
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  const dist = path.dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm"));
  // Explicit file paths: with none, the backend looks next to the script or on a CDN.
  wasm.setWasmPaths({
    "tfjs-backend-wasm.wasm": path.join(dist, "tfjs-backend-wasm.wasm"),
    "tfjs-backend-wasm-simd.wasm": path.join(dist, "tfjs-backend-wasm-simd.wasm"),
    "tfjs-backend-wasm-threaded-simd.wasm": path.join(dist, "tfjs-backend-wasm-threaded-simd.wasm"),
  });
  if (!(await tf.setBackend("wasm"))) throw new Error("the `wasm` backend did not initialise");
  return tf;
}

async function loadCpu(): Promise<Tf> {
  const tf = await loadTfjs();
  if (!(await tf.setBackend("cpu"))) throw new Error("the `cpu` backend did not initialise");
  return tf;
}

const loaders: Record<RewardBackend, () => Promise<Tf>> = { "node-gpu": loadNodeGpu, wasm: loadWasm, cpu: loadCpu };

async function load(request: RewardBackend | "auto"): Promise<LoadedTf> {
  const order: RewardBackend[] = request === "auto" ? ["node-gpu", "wasm", "cpu"] : [request];
  const fallbacks: string[] = [];
  for (const backend of order) {
    try {
      const tf = await loaders[backend]();
      await tf.ready();
      return { tf, backend, tfBackendName: tf.getBackend(), fallbacks };
    } catch (error) {
      fallbacks.push(`${backend}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    }
  }
  throw new RewardBackendError(`No TensorFlow.js backend could be loaded (${fallbacks.join("; ")}).`);
}

let loading: Promise<LoadedTf> | null = null;

/**
 * TensorFlow.js with the best backend this machine has (or the one REWARD_TF_BACKEND names).
 * Loaded once per process: TensorFlow.js's engine is global, so every later call returns the same.
 */
export function loadTensorflow(): Promise<LoadedTf> {
  if (!loading) {
    let request: RewardBackend | "auto";
    try {
      request = requestedBackend();
    } catch (error) {
      return Promise.reject(error);
    }
    loading = load(request);
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}
