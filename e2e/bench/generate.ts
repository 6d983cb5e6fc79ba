// `npm run bench -- generate`: K = 4 samples of one prompt through the llama.cpp backend, as
// parallel sequences of one context (one `generate` with n = 4, what rejection sampling and pair
// generation do) versus four sequential generations (n = 1 four times), at the same sampling
// settings, in one run. On a 134M-parameter F16 model written by the tiny model's script (its
// weights, 268 MB, do not fit in cache, as a real model's don't) and on the tiny model. Each side
// runs at 1 and 2 threads and is taken at its best, so the ratio is the one a user would see;
// each figure is the best of REPEATS runs (the machine is shared). Last line: one JSON object.
import os from "node:os";
import path from "node:path";
import { LlamaCppBackend } from "../../workers/policy/llama-cpp-backend";
import { ensureTinyModel } from "../../workers/policy/open-backend";
import type { ChatDialogue, SamplingParams } from "../../workers/policy/policy-backend";
import { writeFileOnce } from "../../workers/policy/tiny-llama2/gguf-writer";
import { BENCH_LLAMA2, parameterCount, writeTinyLlama2 } from "../../workers/policy/tiny-llama2/tiny-llama2";

const K = 4;
const MAX_TOKENS = Number(process.env.BENCH_GENERATE_TOKENS ?? 64);
const REPEATS = Number(process.env.BENCH_GENERATE_REPEATS ?? 3);
const THREADS = [1, 2];

const dialogue: ChatDialogue = {
  systemPrompt: "You are a helpful, respectful and honest assistant. Always answer as helpfully as possible, while being safe.",
  turns: [{ role: "USER", content: "I am planning a week-long hiking trip in the Alps in September. What should I pack, and how should I prepare physically?" }],
};
const sampling: SamplingParams = { temperature: 0.8, topP: 0.9, maxTokens: MAX_TOKENS, seed: 42 };

type Side = { tokensPerSecond: number; threads: number };

async function measure(modelPath: string, threads: number) {
  const backend = await LlamaCppBackend.open({ modelPath, threads, parallel: K });
  try {
    await backend.generate({ dialogue, n: K, sampling: { ...sampling, maxTokens: 4 } }); // warm-up: allocations, page cache
    let batched = 0;
    let sequential = 0;
    for (let r = 0; r < REPEATS; r++) {
      let started = performance.now();
      const together = await backend.generate({ dialogue, n: K, sampling });
      const batchedRate = together.reduce((sum, g) => sum + g.tokenCount, 0) / ((performance.now() - started) / 1000);
      started = performance.now();
      let tokens = 0;
      for (let i = 0; i < K; i++) {
        // The same seeds as the batched samples: sample i of n = 4 uses seed + i.
        const [one] = await backend.generate({ dialogue, n: 1, sampling: { ...sampling, seed: sampling.seed! + i } });
        tokens += one!.tokenCount;
      }
      const sequentialRate = tokens / ((performance.now() - started) / 1000);
      batched = Math.max(batched, batchedRate);
      sequential = Math.max(sequential, sequentialRate);
    }
    console.log(`  ${threads} thread${threads > 1 ? "s" : ""}: batched ${batched.toFixed(1)} tok/s, sequential ${sequential.toFixed(1)} tok/s`);
    return { batched, sequential };
  } finally {
    await backend.close();
  }
}

async function bestOf(name: string, modelPath: string) {
  console.log(`${name} (${path.basename(modelPath)}), K=${K}, ${MAX_TOKENS} tokens each, best of ${REPEATS}:`);
  let batched: Side = { tokensPerSecond: 0, threads: 0 };
  let sequential: Side = { tokensPerSecond: 0, threads: 0 };
  for (const threads of THREADS) {
    const result = await measure(modelPath, threads);
    if (result.batched > batched.tokensPerSecond) batched = { tokensPerSecond: result.batched, threads };
    if (result.sequential > sequential.tokensPerSecond) sequential = { tokensPerSecond: result.sequential, threads };
  }
  const ratio = batched.tokensPerSecond / sequential.tokensPerSecond;
  console.log(`  best: batched ${batched.tokensPerSecond.toFixed(1)} tok/s at ${batched.threads}, sequential ${sequential.tokensPerSecond.toFixed(1)} tok/s at ${sequential.threads}: ${ratio.toFixed(2)}×`);
  return { batched, sequential, ratio };
}

export async function benchGenerate() {
  const dataDir = process.env.DATA_DIR ?? ".data";
  const params = parameterCount(BENCH_LLAMA2);
  const benchModel = path.resolve(dataDir, "models", `bench-llama2-${Math.round(params / 1e6)}m-f16.gguf`);
  let started = performance.now();
  writeFileOnce(benchModel, (temporary) => writeTinyLlama2(temporary, BENCH_LLAMA2, 2023, "f16"));
  console.log(`bench model: ${(params / 1e6).toFixed(1)}M parameters, F16, ready in ${((performance.now() - started) / 1000).toFixed(1)} s; ${os.availableParallelism()} cores`);
  started = performance.now();
  const tiny = await bestOf("tiny model", ensureTinyModel(dataDir));
  const bench = await bestOf("bench model", benchModel);
  console.log(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const round = (x: number) => Math.round(x * 100) / 100;
  console.log(
    JSON.stringify({
      bench: "generate",
      k: K,
      params,
      dtype: "f16",
      batched_tokens_per_s: round(bench.batched.tokensPerSecond),
      batched_threads: bench.batched.threads,
      sequential_tokens_per_s: round(bench.sequential.tokensPerSecond),
      sequential_threads: bench.sequential.threads,
      ratio: round(bench.ratio),
      tiny_ratio: round(tiny.ratio),
    }),
  );
}
