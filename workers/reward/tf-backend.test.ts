// In its own file (its own process): TensorFlow.js's engine is global, and this one picks `cpu`.
import { afterAll, describe, expect, it } from "vitest";
import { bradleyTerryDataset } from "./synthetic";
import { loadTensorflow, requestedBackend, RewardBackendError } from "./tf-backend";
import { trainRewardHead } from "./train";

const saved = process.env.REWARD_TF_BACKEND;
afterAll(() => {
  if (saved === undefined) delete process.env.REWARD_TF_BACKEND;
  else process.env.REWARD_TF_BACKEND = saved;
});

describe("REWARD_TF_BACKEND", () => {
  it("reads auto, node-gpu, wasm and cpu, and refuses anything else", () => {
    expect(requestedBackend(undefined)).toBe("auto");
    expect(requestedBackend("")).toBe("auto");
    expect(requestedBackend(" AUTO ")).toBe("auto");
    expect(requestedBackend("wasm")).toBe("wasm");
    expect(requestedBackend("cpu")).toBe("cpu");
    expect(requestedBackend("node-gpu")).toBe("node-gpu");
    expect(() => requestedBackend("webgl")).toThrow('REWARD_TF_BACKEND="webgl": expected auto, node-gpu, wasm, cpu.');
  });

  it("a forced backend that cannot load fails with the reason, then another can be loaded and trains", async () => {
    process.env.REWARD_TF_BACKEND = "node-gpu";
    let nodeGpu = true;
    try {
      await import(/* @vite-ignore */ ["@tensorflow", "tfjs-node-gpu"].join("/"));
    } catch {
      nodeGpu = false;
    }
    if (!nodeGpu) {
      await expect(loadTensorflow()).rejects.toThrow(RewardBackendError);
      await expect(loadTensorflow()).rejects.toThrow(/node-gpu: /);
    }
    process.env.REWARD_TF_BACKEND = "cpu";
    if (nodeGpu) return; // already loaded as node-gpu on a GPU machine; the engine keeps it
    const loaded = await loadTensorflow();
    expect(loaded).toMatchObject({ backend: "cpu", tfBackendName: "cpu", fallbacks: [] });
    const data = bradleyTerryDataset({ pairs: 400, dims: 8, seed: 1, gapScale: 3 });
    const { backend, head } = await trainRewardHead(data.train);
    expect(backend).toBe("cpu");
    expect(head.training.backend).toBe("cpu");
  });
});
