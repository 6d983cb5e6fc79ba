// `npm run bench -- round`: one whole rejection-sampling round through the job queue (round setup
// → REJECTION_SAMPLING in a worker process: K samples per prompt in one batched call, both reward
// models scoring every sample through the feature cache, the best kept, a batch of pairs) on the
// F16 bench model of `npm run bench -- generate` (134M parameters), PROMPTS prompts, K = 4,
// against the same work done raw in this process: batched sampling of the same prompts at the
// same settings and seeds, plus embedding the same samples (chat-formatted, as the reward models
// read them) one text at a time, straight through the policy backend, with no database, queue or
// selection. Half of the raw work runs before the round and half after, so a load that other
// processes put on the machine weighs on both alike. Tokens are generated tokens.
//
// Then a second round is killed once mid-way (SIGKILL of its worker while sampling) and a second
// worker, with the stale-job timeout lowered, takes it over and resumes it: it must end with every
// prompt, no duplicate response and no duplicate pair.
//
// The reward heads are random linear heads on the bench model's features (no labels are needed to
// time a round), registered as the training job registers its models; the safety head carries a
// Platt calibration so that Llama 2's threshold flags some samples.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { openDatabase } from "../../server/db/database";
import { applyMigrations } from "../../server/db/migrate";
import { stopJobProducer } from "../../server/jobs/job-queue";
import { createNormal, createRandom } from "../../server/random/seeded";
import { startRound } from "../../server/rounds/round-setup";
import { armSeed, type RoundRequest } from "../../server/rounds/rounds.schema";
import { policyEmbeddingExtractor } from "../../workers/features/extractor";
import { dialogueFor } from "../../workers/pair-generation/sample-pair";
import { LlamaCppBackend } from "../../workers/policy/llama-cpp-backend";
import type { Generation } from "../../workers/policy/policy-backend";
import { writeFileOnce } from "../../workers/policy/tiny-llama2/gguf-writer";
import { BENCH_LLAMA2, parameterCount, writeTinyLlama2 } from "../../workers/policy/tiny-llama2/tiny-llama2";
import { writeArtifact } from "../../workers/reward/artifact-store";
import { RewardHead } from "../../workers/reward/head";

const PROMPTS = Number(process.env.BENCH_ROUND_PROMPTS ?? 32);
const KILL_PROMPTS = Number(process.env.BENCH_ROUND_KILL_PROMPTS ?? 16);
const K = 4;
const MAX_TOKENS = Number(process.env.BENCH_ROUND_MAX_TOKENS ?? 64);
const TEMPERATURE = 1.0;
const TOP_P = 0.9;
const SEED = 2023;

const WORDS = (
  "how why when should could explain describe compare the a water river history town market bridge " +
  "school garden recipe travel budget letter plan safe risk tool code story poem summary steps reason"
).split(" ");

const seconds = (ms: number) => ms / 1000;
const round2 = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Single-turn prompts of about 31 tokens (Llama 2's average prompt), a quarter of them safety prompts. */
function prompts(count: number, tag: string) {
  const next = createRandom(7);
  return Array.from({ length: count }, (_, i) => {
    const words = Array.from({ length: 22 }, () => WORDS[Math.floor(next() * WORDS.length)]!);
    return {
      id: `${tag}-${String(i).padStart(3, "0")}`,
      protocol: i % 4 === 3 ? ("SAFETY" as const) : ("HELPFULNESS" as const),
      source: `bench-${tag}`,
      systemPrompt: null,
      contentHash: `bench-${tag}-${i}`,
      turns: [`Question ${i}: ${words.join(" ")}?`],
    };
  });
}

/** A worker process, as `npm run worker` starts it. */
function startWorker(env: Record<string, string>, name: string): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ["--import", "tsx", "workers/main.ts"], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  child.on("exit", (code, signal) => {
    if (code && code !== 0) console.error(`worker ${name} exited with ${code}:\n${output}`);
    void signal;
  });
  return { child, output: () => output };
}

async function stopWorker(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

export async function benchRound() {
  const dataDir = process.env.DATA_DIR ?? ".data";
  const params = parameterCount(BENCH_LLAMA2);
  const modelPath = path.resolve(dataDir, "models", `bench-llama2-${Math.round(params / 1e6)}m-f16.gguf`);
  writeFileOnce(modelPath, (temporary) => writeTinyLlama2(temporary, BENCH_LLAMA2, 2023, "f16"));
  const root = path.resolve(dataDir, "bench-round");
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  // This process writes the heads and hashes the model where the workers read them.
  process.env.DATA_DIR = root;
  const database = await openDatabase({ dataDir: path.join(root, "postgres") });
  await applyMigrations(database.url);
  // The job producer of this process (round setup enqueues) talks to the bench database.
  process.env.DATABASE_URL = database.url;
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url, max: 4 }) });
  const backend = await LlamaCppBackend.open({ modelPath });
  const workerEnv = {
    DATABASE_URL: database.url,
    DATA_DIR: root,
    POLICY_MODEL_PATH: modelPath,
    WORKER_JOB_TYPES: "REJECTION_SAMPLING",
    JOB_HEARTBEAT_MS: "1000",
  };
  const workers: ChildProcess[] = [];
  try {
    console.log(`round: ${PROMPTS} prompts, K = ${K}, ${MAX_TOKENS} tokens at most, T = ${TEMPERATURE}; ${backend.description} (${(params / 1e6).toFixed(0)}M, F16), ${backend.threads} threads, ${os.availableParallelism()} cores`);
    const admin = await db.user.create({ data: { email: "bench@bench.local", name: "Bench admin", role: "ADMIN" } });
    const variant = await db.policyVariant.create({ data: { name: "bench-f16", backend: "LLAMA_CPP", modelPath, defaults: {} } });
    await db.round.create({ data: { number: 1, name: "RLHF-V1", status: "COMPLETE" } });

    // Both reward models: random linear heads on the mean-pooled features, active.
    const extractor = await policyEmbeddingExtractor(backend, { pooling: "mean", variantId: variant.id });
    const dims = backend.embeddingDims!;
    for (const kind of ["HELPFULNESS", "SAFETY"] as const) {
      const normal = createNormal(createRandom(kind === "SAFETY" ? 2 : 1));
      const calibration = kind === "SAFETY" ? { kind: "platt" as const, a: 1, b: 1, positives: 1, negatives: 1 } : null;
      const head = new RewardHead({
        architecture: { kind: "linear" },
        inputDim: dims,
        standardization: { mean: new Float32Array(dims), std: new Float32Array(dims).fill(1) },
        weights: { kind: "linear", w: Float32Array.from({ length: dims }, () => normal() / Math.sqrt(dims)) },
        calibration,
        training: { backend: "bench", seed: 0, settings: {}, trainPairs: 0, steps: 0 },
        meta: { extractor: extractor.identity, extractorKey: extractor.key, variantId: variant.id, kind },
      });
      const id = `rm_bench_${kind.toLowerCase()}`;
      await db.rewardModel.create({
        data: {
          id, kind, version: 1, status: "READY", active: true, artifactUri: writeArtifact(id, head), featureExtractor: extractor.key,
          featureVariantId: variant.id, featureDims: dims, backend: "bench", metrics: { accuracy: null, safety: { calibration } },
        },
      });
    }

    const timed = prompts(PROMPTS, "timed");
    const killed = prompts(KILL_PROMPTS, "killed");
    const warm = prompts(1, "warm");
    await db.prompt.createMany({ data: [...timed, ...killed, ...warm] });
    const request = (source: string, count: number, seed: number): RoundRequest => ({
      arms: [{ variantId: variant.id, temperature: TEMPERATURE }],
      k: K,
      topP: TOP_P,
      maxTokens: MAX_TOKENS,
      seed,
      pool: { source, count },
      pairs: { strategy: "mix", shares: { "best-vs-worst": 0.5, "least-sure": 0.5 } },
      poolWithEarlierRounds: false,
    });

    const runRound = async (source: string, count: number, seed: number, onProgress?: (message: string | null) => Promise<boolean>) => {
      const started = performance.now();
      const { jobId, roundId } = await startRound(db, request(source, count, seed), admin.id);
      for (;;) {
        const job = await db.job.findUniqueOrThrow({ where: { id: jobId } });
        if (job.status === "SUCCEEDED") return { jobId, roundId, ms: performance.now() - started, job };
        if (job.status === "FAILED" || job.status === "CANCELLED") throw new Error(`the round's job ${job.status.toLowerCase()}: ${job.error}`);
        if (onProgress && (await onProgress(job.progressMessage))) onProgress = undefined;
        await sleep(100);
      }
    };

    // The raw work on `list`: batched sampling with the round's seeds, then each sample embedded alone.
    const raw = async (list: typeof timed, offset: number) => {
      let sampleMs = 0;
      let embedMs = 0;
      let tokens = 0;
      const texts: string[] = [];
      const embedInputs: { tokens: number[]; sharedPrefix: number }[] = [];
      for (const [i, prompt] of list.entries()) {
        const dialogue = dialogueFor(prompt, variant);
        let t = performance.now();
        const samples: Generation[] = await backend.generate({ dialogue, sampling: { temperature: TEMPERATURE, topP: TOP_P, maxTokens: MAX_TOKENS, seed: armSeed(SEED, offset + i, 0, 1, K) }, n: K });
        sampleMs += performance.now() - t;
        t = performance.now();
        for (const sample of samples) {
          const formatted = extractor.format({ dialogue, response: sample.text.replaceAll("\u0000", "") });
          embedInputs.push(formatted);
          await backend.embed([{ tokens: formatted.tokens }], { pooling: "mean" });
        }
        embedMs += performance.now() - t;
        tokens += samples.reduce((n, s) => n + s.tokenCount, 0);
        texts.push(...samples.map((s) => s.text.replaceAll("\u0000", "")));
      }
      return { sampleMs, embedMs, tokens, texts, embedInputs };
    };

    // Warm-up through the queue: the worker loads the model and the extractor; not timed.
    const first = startWorker(workerEnv, "A");
    workers.push(first.child);
    await runRound("bench-warm", 1, 1, undefined);
    await backend.generate({ dialogue: dialogueFor(warm[0]!, variant), sampling: { temperature: 1, topP: 1, maxTokens: 8, seed: 1 }, n: K });

    const half = Math.ceil(PROMPTS / 2);
    const rawBefore = await raw(timed.slice(0, half), 0);
    console.log(`  raw, first ${half} prompts: sampling ${seconds(rawBefore.sampleMs).toFixed(1)} s, embedding one at a time ${seconds(rawBefore.embedMs).toFixed(1)} s`);
    const timedRound = await runRound("bench-timed", PROMPTS, SEED);
    const rawAfter = await raw(timed.slice(half), half);
    console.log(`  raw, last ${PROMPTS - half} prompts: sampling ${seconds(rawAfter.sampleMs).toFixed(1)} s, embedding one at a time ${seconds(rawAfter.embedMs).toFixed(1)} s`);

    const rawTokens = rawBefore.tokens + rawAfter.tokens;
    const rawMs = rawBefore.sampleMs + rawBefore.embedMs + rawAfter.sampleMs + rawAfter.embedMs;
    const sampleOnlyMs = rawBefore.sampleMs + rawAfter.sampleMs;
    const result = timedRound.job.result as {
      samples: number; generatedTokens: number; kept: number; pairs: number; byStrategy: Record<string, number>;
      timing: { samplingMs: number; scoringMs: number; keepingMs: number; pairsMs: number };
    };
    const roundTokens = result.generatedTokens;
    const roundRate = roundTokens / seconds(timedRound.ms);
    const rawRate = rawTokens / seconds(rawMs);
    const samplingRate = rawTokens / seconds(sampleOnlyMs);
    const stored = await db.response.findMany({ where: { jobId: timedRound.jobId }, orderBy: [{ promptId: "asc" }, { sampleIndex: "asc" }], select: { text: true } });
    const sameSamples = stored.length === rawBefore.texts.length + rawAfter.texts.length && stored.every((r, i) => r.text === [...rawBefore.texts, ...rawAfter.texts][i]);
    const t = result.timing;
    const other = timedRound.ms - t.samplingMs - t.scoringMs - t.keepingMs - t.pairsMs;
    console.log(`  round through the queue: ${seconds(timedRound.ms).toFixed(1)} s, ${roundTokens} tokens, ${roundRate.toFixed(1)} tokens/s; ${result.samples} samples, ${result.kept} kept, ${result.pairs} pairs (${Object.entries(result.byStrategy).map(([s, n]) => `${n} ${s}`).join(", ")})`);
    console.log(
      `    where the time goes: sampling ${seconds(t.samplingMs).toFixed(1)} s, scoring (features + heads + writes) ${seconds(t.scoringMs).toFixed(1)} s, keeping ${seconds(t.keepingMs).toFixed(2)} s, ` +
        `the batch ${seconds(t.pairsMs).toFixed(2)} s, queue pickup, setup and checks ${seconds(other).toFixed(1)} s`,
    );
    console.log(`  raw: ${seconds(rawMs).toFixed(1)} s, ${rawTokens} tokens, ${rawRate.toFixed(1)} tokens/s (sampling alone ${samplingRate.toFixed(1)} tokens/s); the round's samples ${sameSamples ? "are" : "are NOT"} the raw ones`);
    console.log(`  ratio to raw ${(roundRate / rawRate).toFixed(3)}, to sampling alone ${(roundRate / samplingRate).toFixed(3)}`);

    // What evaluating the samples' shared prompt once gains on the raw side (the round's features do it).
    const subset = rawAfter.embedInputs.slice(0, 8 * K);
    let tt = performance.now();
    for (const input of subset) await backend.embed([{ tokens: input.tokens }], { pooling: "mean" });
    const alone = performance.now() - tt;
    tt = performance.now();
    await backend.embed(subset.map((input) => ({ tokens: input.tokens, sharedPrefix: input.sharedPrefix })), { pooling: "mean" });
    const shared = performance.now() - tt;
    console.log(`  embedding ${subset.length} samples one at a time ${seconds(alone).toFixed(2)} s, with their prompt evaluated once per prompt ${seconds(shared).toFixed(2)} s: ${(alone / shared).toFixed(2)}×`);

    // The killed round: SIGKILL the worker while it samples, start another with a short stale timeout.
    const killedAt = { message: "" };
    const killStarted = performance.now();
    const killedRound = await runRound("bench-killed", KILL_PROMPTS, SEED + 1, async (message) => {
      const m = message?.match(/^sampling: (\d+) of (\d+)/);
      if (!m || Number(m[1]) < Math.max(1, Math.floor(KILL_PROMPTS / 3))) return false;
      killedAt.message = message!;
      first.child.kill("SIGKILL");
      workers.push(startWorker({ ...workerEnv, JOB_STALE_AFTER_SECONDS: "5" }, "B").child);
      return true;
    });
    const killedJob = killedRound.job;
    const perPrompt = await db.response.groupBy({ by: ["promptId"], where: { jobId: killedRound.jobId }, _count: true });
    const everyPrompt = perPrompt.length === KILL_PROMPTS && perPrompt.every((g) => g._count === K);
    const [dupResponses] = await db.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM (SELECT 1 FROM "Response" WHERE "jobId" = ${killedRound.jobId} GROUP BY "promptId", "sampleIndex" HAVING count(*) > 1) d`;
    const [dupPairs] = await db.$queryRaw<{ n: number }[]>`
      SELECT (count(*) - count(DISTINCT "promptId"))::int + (count(*) - count(DISTINCT ("responseAId", "responseBId")))::int AS n
      FROM "Pair" WHERE "batchId" = (SELECT id FROM "Batch" WHERE "jobId" = ${killedRound.jobId})`;
    const pairsKilled = await db.pair.count({ where: { batch: { jobId: killedRound.jobId } } });
    const log = await db.jobLogLine.findMany({ where: { jobId: killedRound.jobId }, select: { message: true } });
    const resumed = killedJob.attempts >= 2 && log.some((l) => l.message.startsWith("Resuming"));
    const duplicates = dupResponses!.n + dupPairs!.n;
    console.log(
      `  killed round: worker killed at "${killedAt.message}", taken over and finished in ${seconds(killedRound.ms).toFixed(0)} s (${seconds(performance.now() - killStarted).toFixed(0)} s in all) on attempt ${killedJob.attempts}; ` +
        `${perPrompt.length} of ${KILL_PROMPTS} prompts with ${K} samples each${everyPrompt ? "" : " (NOT every prompt)"}, ${pairsKilled} pairs, ${duplicates} duplicates`,
    );
    if (!everyPrompt || duplicates || pairsKilled !== KILL_PROMPTS) throw new Error("the killed round lost a prompt or made a duplicate");

    console.log(
      JSON.stringify({
        bench: "round",
        prompts: PROMPTS,
        k: K,
        round_tokens_per_s: round2(roundRate),
        raw_tokens_per_s: round2(rawRate),
        ratio: round2(roundRate / rawRate, 3),
        sampling_only_tokens_per_s: round2(samplingRate),
        ratio_to_sampling: round2(roundRate / samplingRate, 3),
        pairs_created: result.pairs,
        best_kept: result.kept,
        resumed_after_kill: resumed,
        duplicates,
      }),
    );
  } finally {
    for (const child of workers) await stopWorker(child).catch(() => {});
    await stopJobProducer();
    await backend.close();
    await db.$disconnect();
    await database.stop();
  }
}
