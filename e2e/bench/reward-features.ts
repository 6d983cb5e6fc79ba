// The features part of `npm run bench -- reward`: the feature step of a training job
// (workers/features/pipeline.ts featuresFor: format, dedupe, read the PostgreSQL cache, embed in
// batches with the reads and writes beside the model, write back) over PAIRS pairs of responses,
// on the F16 bench model of `npm run bench -- generate` (134M parameters, written to
// DATA_DIR/models), against the limit for this model here: the same backend embedding the same
// formatted inputs one after another, with no database or cache (half of it before the job and
// half after). Then the same job again, all from the cache. Each side is taken at its best of
// REPEATS runs, each job on an empty cache.
//
// The inputs are shaped like Llama 2's Meta helpfulness data (Touvron et al. 2023, table 6:
// about 4 turns a dialogue, prompts of ~31 tokens, responses of ~234): each pair's dialogue has
// 1 to 4 turns (a comparison is made at each turn of a dialogue, so the earlier ones come with
// it), each user message ~31 tokens and each assistant message ~234, and responses A and B are
// ~234 tokens each. Tokens per second count every token of every formatted input. Both sides
// use the backend's prefix reuse (the prompt shared by A and B is evaluated once); what that
// reuse gains is measured apart, on the first PREFIX_PAIRS pairs, with and without it.
import fs from "node:fs";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { openDatabase } from "../../server/db/database";
import { applyMigrations } from "../../server/db/migrate";
import type { FeatureInput } from "../../workers/features/extractor";
import { policyEmbeddingExtractor } from "../../workers/features/extractor";
import { featuresFor } from "../../workers/features/pipeline";
import { LlamaCppBackend } from "../../workers/policy/llama-cpp-backend";
import type { ChatTurn, PolicyTokenizer } from "../../workers/policy/policy-backend";
import { writeFileOnce } from "../../workers/policy/tiny-llama2/gguf-writer";
import { BENCH_LLAMA2, parameterCount, writeTinyLlama2 } from "../../workers/policy/tiny-llama2/tiny-llama2";
import type { RewardFeaturesResult } from "./reward";
import { createRandom } from "../../server/random/seeded";

const PAIRS = Number(process.env.BENCH_REWARD_FEATURE_PAIRS ?? 100);
/** Each side is taken at its best of this many runs (the machine is shared). */
const REPEATS = Math.max(1, Number(process.env.BENCH_REWARD_FEATURE_REPEATS ?? 2));
const PREFIX_PAIRS = Math.min(PAIRS, Number(process.env.BENCH_REWARD_PREFIX_PAIRS ?? 20));
const PROMPT_TOKENS = 31;
const RESPONSE_TOKENS = 234;

const WORDS = (
  "the water of a river runs down from the hills to the sea and people who live near it build " +
  "bridges mills and small boats while children learn to swim in summer when the current is slow " +
  "history shows that towns grew where trade could travel easily so markets bread wool and news " +
  "moved together along the banks because roads were poor expensive and often dangerous at night " +
  "today engineers measure flow with sensors plan reservoirs protect fish and argue about dams " +
  "careful answers explain steps give examples compare options mention risks and suggest sources"
).split(" ");


/** Text of about `tokens` tokens for this tokenizer, ending with a full stop. */
function text(next: () => number, tokenizer: PolicyTokenizer, tokens: number) {
  const words: string[] = [];
  // Words of this list are one to two tokens: grow in steps, then trim to the target.
  while (tokenizer.encode(words.join(" ")).length < tokens - 1) {
    for (let i = 0; i < 8; i++) words.push(WORDS[Math.floor(next() * WORDS.length)]!);
  }
  while (words.length > 1 && tokenizer.encode(`${words.join(" ")}.`).length > tokens) words.pop();
  return `${words[0]!.charAt(0).toUpperCase()}${words.join(" ").slice(1)}.`;
}

export function llama2ShapedPairs(tokenizer: PolicyTokenizer, pairs: number, seed = 14): FeatureInput[] {
  const next = createRandom(seed);
  const inputs: FeatureInput[] = [];
  for (let p = 0; p < pairs; p++) {
    const turn = 1 + (p % 4);
    const turns: ChatTurn[] = [];
    for (let t = 1; t < turn; t++) {
      turns.push({ role: "USER", content: text(next, tokenizer, PROMPT_TOKENS) }, { role: "ASSISTANT", content: text(next, tokenizer, RESPONSE_TOKENS) });
    }
    turns.push({ role: "USER", content: text(next, tokenizer, PROMPT_TOKENS) });
    const dialogue = { systemPrompt: null, turns };
    inputs.push({ dialogue, response: text(next, tokenizer, RESPONSE_TOKENS) }, { dialogue, response: text(next, tokenizer, RESPONSE_TOKENS) });
  }
  return inputs;
}

const seconds = (ms: number) => ms / 1000;
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function benchRewardFeatures(): Promise<RewardFeaturesResult> {
  const dataDir = process.env.DATA_DIR ?? ".data";
  const params = parameterCount(BENCH_LLAMA2);
  const modelPath = path.resolve(dataDir, "models", `bench-llama2-${Math.round(params / 1e6)}m-f16.gguf`);
  writeFileOnce(modelPath, (temporary) => writeTinyLlama2(temporary, BENCH_LLAMA2, 2023, "f16"));
  const dataRoot = path.resolve(dataDir, "bench-reward-features");
  fs.rmSync(dataRoot, { recursive: true, force: true });
  const database = await openDatabase({ dataDir: path.join(dataRoot, "postgres") });
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url, max: 4 }) });
  const backend = await LlamaCppBackend.open({ modelPath });
  try {
    await applyMigrations(database.url);
    // A cache of its own: the bench database is new, and so is every vector in it.
    const extractor = await policyEmbeddingExtractor(backend, { hash: async () => ({ sha256: `bench-${Date.now()}`, bytes: fs.statSync(modelPath).size }) });
    const inputs = llama2ShapedPairs(backend.tokenizer(), PAIRS);
    const formatted = inputs.map((input) => extractor.format(input));
    const tokens = formatted.reduce((sum, f) => sum + f.tokens.length, 0);
    const shared = formatted.reduce((sum, f, i) => sum + (i % 2 === 1 ? f.sharedPrefix : 0), 0);
    console.log(
      `features: ${PAIRS} pairs (${inputs.length} inputs, ${tokens} tokens, ${Math.round(tokens / inputs.length)} per input, ` +
        `${Math.round((2 * shared) / inputs.length)} of them the prompt), ${backend.description}, ${backend.embeddingDims} dims`,
    );
    // Warm-up: allocations and the page cache, outside both timings.
    await backend.embed([{ tokens: formatted[0]!.tokens.slice(0, 64) }]);

    // The limit: one input per call, the same order, no database. Its two halves run before and
    // after the job, so a load that other processes put on the machine and that changes during
    // the run weighs on both sides alike.
    const cpuMs = () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    };
    let rawCpuMs = 0;
    const raw = async (part: typeof formatted) => {
      const t = performance.now();
      const c = cpuMs();
      for (const f of part) await backend.embed([{ tokens: f.tokens, sharedPrefix: f.sharedPrefix }]);
      rawCpuMs += cpuMs() - c;
      return performance.now() - t;
    };
    const half = 2 * Math.ceil(PAIRS / 2);
    let rawMs = Infinity;
    let jobMs = Infinity;
    let rerunMs = Infinity;
    // Of the best job's time, the share spent waiting for the model: the pipeline's own overhead
    // is the rest, a figure the machine's load does not move the way it moves both sides.
    let modelShare = 0;
    // CPU time of this process (llama.cpp's threads included, the database server's not), which
    // other processes' load moves far less than wall time: summed over the repeats.
    let jobCpuMs = 0;
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      // Each repeat caches under an identity of its own, so its job starts from an empty cache.
      const fresh = repeat === 0 ? extractor : await policyEmbeddingExtractor(backend, { hash: async () => ({ sha256: `bench-${Date.now()}-${repeat}`, bytes: 0 }) });
      const rawFirstMs = await raw(formatted.slice(0, half));
      console.log(`  raw, first half: ${seconds(rawFirstMs).toFixed(1)} s`);

      let started = performance.now();
      const jobCpuStarted = cpuMs();
      const job = await featuresFor(db, fresh, inputs);
      const thisJobMs = performance.now() - started;
      jobCpuMs += cpuMs() - jobCpuStarted;
      if (job.stats.embedded !== inputs.length) throw new Error(`the first run embedded ${job.stats.embedded} of ${inputs.length} inputs`);
      console.log(
        `  job: ${seconds(thisJobMs).toFixed(1)} s, ${(tokens / seconds(thisJobMs)).toFixed(0)} tokens/s (model ${seconds(job.stats.embedMs).toFixed(1)} s of it), ` +
          `${job.stats.written} vectors cached`,
      );

      const thisRawMs = rawFirstMs + (await raw(formatted.slice(half)));
      console.log(`  raw (halves before and after the job): ${seconds(thisRawMs).toFixed(1)} s, ${(tokens / seconds(thisRawMs)).toFixed(0)} tokens/s`);

      started = performance.now();
      const rerun = await featuresFor(db, fresh, inputs);
      const thisRerunMs = performance.now() - started;
      if (rerun.stats.embedded !== 0) throw new Error(`the cached run embedded ${rerun.stats.embedded} inputs`);
      console.log(`  cached rerun: ${(thisRerunMs / 1000).toFixed(3)} s, ${rerun.stats.cached} vectors read, ${(thisJobMs / thisRerunMs).toFixed(0)}× faster`);
      rawMs = Math.min(rawMs, thisRawMs);
      if (thisJobMs < jobMs) modelShare = job.stats.embedMs / thisJobMs;
      jobMs = Math.min(jobMs, thisJobMs);
      rerunMs = Math.min(rerunMs, thisRerunMs);
    }
    console.log(
      `  best of ${REPEATS}: raw ${(tokens / seconds(rawMs)).toFixed(0)} tokens/s, job ${(tokens / seconds(jobMs)).toFixed(0)} tokens/s, ratio ${(rawMs / jobMs).toFixed(3)}; ` +
        `model ${(100 * modelShare).toFixed(1)}% of the job's time; CPU time raw/job ${(rawCpuMs / jobCpuMs).toFixed(3)}`,
    );

    // What evaluating A and B's shared prompt once gains, on the first PREFIX_PAIRS pairs.
    const subset = formatted.slice(0, 2 * PREFIX_PAIRS);
    const subsetTokens = subset.reduce((sum, f) => sum + f.tokens.length, 0);
    const timed = async (reuse: boolean) => {
      const t = performance.now();
      for (const f of subset) await backend.embed([{ tokens: f.tokens, sharedPrefix: reuse ? f.sharedPrefix : 0 }]);
      return performance.now() - t;
    };
    // A prompt that differs between calls is never reused: without the hint every input starts afresh.
    const withoutMs = await timed(false);
    const withMs = await timed(true);
    console.log(
      `  shared prompt evaluated once (${PREFIX_PAIRS} pairs): ${(subsetTokens / seconds(withMs)).toFixed(0)} tokens/s, ` +
        `${(subsetTokens / seconds(withoutMs)).toFixed(0)} without: ${(withoutMs / withMs).toFixed(2)}×`,
    );

    return {
      embed_job_tokens_per_s: round(tokens / seconds(jobMs)),
      embed_raw_tokens_per_s: round(tokens / seconds(rawMs)),
      embed_ratio: round(rawMs / jobMs, 3),
      cached_rerun_speedup: round(jobMs / rerunMs, 1),
      embed_job_model_share: round(modelShare, 4),
      embed_cpu_ratio: round(rawCpuMs / jobCpuMs, 3),
      embed_pairs: PAIRS,
      embed_inputs: inputs.length,
      embed_tokens: tokens,
      embed_model_params: params,
      embed_dims: backend.embeddingDims,
      embed_threads: backend.threads,
      embed_job_s: round(seconds(jobMs)),
      embed_raw_s: round(seconds(rawMs)),
      embed_cached_rerun_s: round(seconds(rerunMs), 3),
      embed_prefix_reuse_speedup: round(withoutMs / withMs),
      embed_prompt_share: round((2 * shared) / tokens, 3),
    };
  } finally {
    await backend.close();
    await db.$disconnect();
    await database.stop();
  }
}
