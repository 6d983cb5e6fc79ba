// `npm run bench -- import-latency`: what an admin's import does to annotators' latency.
//
// Starts the production app as `npm start` does (web, one worker, embedded PostgreSQL) on a
// fresh database, seeds a batch, signs in BENCH_ANNOTATORS virtual annotators, and keeps
// submits (the compare screen's POST /api/annotate/submit, which answers with the next pair) arriving at
// BENCH_RATE/s. Latency counts from each arrival's scheduled time, so a stalled web process
// shows as the wait it caused. Phases:
//   quiet   — BENCH_QUIET_S seconds with nothing else running;
//   import  — BENCH_IMPORTS times, an admin imports a fresh BENCH_IMPORT_MB MB HH-RLHF file the
//             way the admin page does: upload and preview first (not measured), then import.start;
//             the phase lasts from import.start until the import has ended (in the request, or
//             as its job).
// BENCH_WORKER_NICE (e.g. 10) lowers the worker process's scheduling priority first, to see what
// that gives annotators on a machine whose web and worker share the cores.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { Pool } from "undici";
import { SUBMIT_PATH } from "../../server/annotation/annotation.schema";
import { hashPassword } from "../../server/auth/password";
import { startApp } from "./app-instance";
import { HttpUser, percentile } from "./http-client";
import { writeHhFile } from "./import";

type Task = { assignmentId: string; protocol: "HELPFULNESS" | "SAFETY" } | null;

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const PAIRS = env("BENCH_PAIRS", 20_000);
const RATE = env("BENCH_RATE", 20);
const ANNOTATORS = env("BENCH_ANNOTATORS", 24);
const QUIET_S = env("BENCH_QUIET_S", 15);
const IMPORTS = env("BENCH_IMPORTS", 3);
const IMPORT_MB = env("BENCH_IMPORT_MB", 19.5);
const PASSWORD = "bench-annotator-pass";
const WORKER_NICE = process.env.BENCH_WORKER_NICE ? Number(process.env.BENCH_WORKER_NICE) : null;

async function seed(databaseUrl: string) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query(`
    INSERT INTO "Round" (id, number, name, status) VALUES ('lat-round', 901, 'Latency round', 'ACTIVE');
    INSERT INTO "Batch" (id, "roundId", name, status, priority, "annotationsPerPair", "openedAt")
      VALUES ('lat-batch', 'lat-round', 'Latency batch', 'OPEN', 10, 1, now());
    INSERT INTO "Prompt" (id, protocol, source, "contentHash", turns)
      SELECT 'lp-' || i, 'HELPFULNESS', 'bench', md5('latency-' || i), ARRAY['Question ' || i || ': how do I plan a week of meals?']
      FROM generate_series(1, ${PAIRS}) i;
    INSERT INTO "Response" (id, "promptId", text, source)
      SELECT 'lr-' || i || '-' || s, 'lp-' || i, 'A plan (' || s || ', ' || i || '): ' || repeat('soup, rice and vegetables; ', 12), 'bench'
      FROM generate_series(1, ${PAIRS}) i, (VALUES ('a'), ('b')) v(s);
    INSERT INTO "Pair" (id, "batchId", "promptId", "responseAId", "responseBId", "requiredAnnotations", strategy, "createdAt")
      SELECT 'lpair-' || i, 'lat-batch', 'lp-' || i, 'lr-' || i || '-a', 'lr-' || i || '-b', 1, 'bench', now() - make_interval(secs => (${PAIRS} - i) / 1000.0)
      FROM generate_series(1, ${PAIRS}) i;
  `);
  await db.query(
    `INSERT INTO "User" (id, email, name, role, "passwordHash", "updatedAt")
     SELECT 'lat-user-' || i, 'lat' || i || '@bench.local', 'Latency annotator ' || i, 'ANNOTATOR', $1, now() FROM generate_series(1, $2::int) i`,
    [await hashPassword(PASSWORD), ANNOTATORS],
  );
  await db.query(`ANALYZE`);
  await db.query(`CHECKPOINT`);
  await db.end();
}

type Annotator = { user: HttpUser; task: Task };

/** Submits (the compare screen's POST /api/annotate/submit) arriving at RATE/s until `until` resolves; the latencies, sorted. */
async function openLoad(annotators: Annotator[], until: Promise<unknown>) {
  const idle = annotators.filter((a) => a.task);
  const waiting: number[] = [];
  const latencies: number[] = [];
  let failed = 0;
  let inFlight = 0;
  let ended = false;
  void until.finally(() => (ended = true));
  const dispatch = () => {
    while (waiting.length && idle.length) {
      const due = waiting.shift()!;
      const a = idle.shift()!;
      inFlight++;
      const t = a.task!;
      a.user
        .postJson<{ next: Task }>(SUBMIT_PATH, {
          assignmentId: t.assignmentId,
          pick: Math.random() < 0.5 ? "LEFT" : "RIGHT",
          strength: "BETTER",
          safetyLabel: null,
          comment: null,
          timeOnTaskMs: 8_000,
        })
        .then((result) => {
          latencies.push(performance.now() - due);
          a.task = result.next;
        })
        .catch(() => failed++)
        .finally(() => {
          inFlight--;
          if (a.task) idle.push(a);
          dispatch();
        });
    }
  };
  const start = performance.now();
  let scheduled = 0;
  while (!ended) {
    const now = performance.now();
    while (start + (scheduled * 1000) / RATE <= now) waiting.push(start + (scheduled++ * 1000) / RATE);
    dispatch();
    await new Promise((r) => setTimeout(r, 2));
  }
  // Arrivals already scheduled are answered and counted.
  while (waiting.length || inFlight) {
    dispatch();
    await new Promise((r) => setTimeout(r, 5));
  }
  latencies.sort((x, y) => x - y);
  const seconds = (performance.now() - start) / 1000;
  return { seconds, count: latencies.length, failed, p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: latencies.at(-1) ?? NaN, latencies };
}

async function jobEnded(databaseUrl: string, jobId: string) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    for (;;) {
      const { rows } = await db.query(
        `SELECT status, error, extract(epoch FROM "startedAt" - "createdAt") AS queued, extract(epoch FROM "finishedAt" - "startedAt") AS ran FROM "Job" WHERE id = $1`,
        [jobId],
      );
      const status = rows[0]?.status as string | undefined;
      if (status === "SUCCEEDED") return `queued ${Number(rows[0].queued).toFixed(1)} s, ran ${Number(rows[0].ran).toFixed(1)} s`;
      if (status === "FAILED" || status === "CANCELLED") throw new Error(`import job ${jobId} ${status}: ${rows[0].error}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await db.end();
  }
}

/** Lowers the app's worker process's priority (its pid is in WorkerProcess once it has started). */
async function niceWorker(databaseUrl: string, nice: number) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    for (let i = 0; i < 600; i++) {
      const { rows } = await db.query(`SELECT pid FROM "WorkerProcess" WHERE hostname = $1`, [os.hostname()]);
      if (rows.length) {
        for (const { pid } of rows) os.setPriority(pid, nice);
        return rows.map((r) => r.pid).join(", ");
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("no worker process registered");
  } finally {
    await db.end();
  }
}

const round = (x: number) => Math.round(x * 10) / 10;
const describe = (name: string, r: Awaited<ReturnType<typeof openLoad>>) =>
  `${name}: ${r.count} submissions in ${r.seconds.toFixed(1)} s, p50 ${r.p50.toFixed(0)} ms, p95 ${r.p95.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms, max ${r.max.toFixed(0)} ms, ${r.failed} failed`;

export async function benchImportLatency() {
  console.log(`Starting the production app on a fresh embedded database…`);
  const app = await startApp("import-latency");
  const files = path.join(process.cwd(), ".data", "bench-import-latency-files");
  fs.rmSync(files, { recursive: true, force: true });
  fs.mkdirSync(files, { recursive: true });
  try {
    await seed(app.databaseUrl);
    if (WORKER_NICE !== null) console.log(`Worker process ${await niceWorker(app.databaseUrl, WORKER_NICE)} at nice ${WORKER_NICE}.`);
    const pool = new Pool(app.baseUrl, { connections: 64, pipelining: 1 });
    const annotators: Annotator[] = [];
    for (let i = 1; i <= ANNOTATORS; i++) {
      const user = new HttpUser(pool);
      await user.signIn(`lat${i}@bench.local`, PASSWORD);
      annotators.push({ user, task: await user.call<Task>("annotate.current", "query") });
    }
    const admin = new HttpUser(pool);
    await admin.signIn("admin@demo.local", "demo-admin-pass");
    console.log(`Seeded ${PAIRS} pairs; ${ANNOTATORS} annotators and an admin signed in.`);

    // Warm-up, not measured: compiles the routes, fills the pools.
    await openLoad(annotators, new Promise((r) => setTimeout(r, 5_000)));
    const quiet = await openLoad(annotators, new Promise((r) => setTimeout(r, QUIET_S * 1000)));
    console.log(describe("quiet", quiet));

    const during: number[] = [];
    let importSeconds = 0;
    let mode = "";
    for (let n = 0; n < IMPORTS; n++) {
      const file = path.join(files, `hh-${n}.jsonl`);
      const bytes = await writeHhFile(file, { rows: Infinity, maxBytes: IMPORT_MB * 2 ** 20, tag: `r${n}-`, seed: 100 + n });
      const uploaded = await admin.post<{ uploadId: string; fileName: string; error?: string }>(`/api/import/upload?fileName=hh-${n}.jsonl&format=auto`, fs.readFileSync(file));
      if (uploaded.status !== 200) throw new Error(`upload: ${uploaded.status} ${uploaded.body.error}`);
      const t0 = performance.now();
      let jobTimes = "";
      const importing = admin
        .call<{ mode?: string; jobId?: string }>("import.start", "mutation", {
          uploadId: uploaded.body.uploadId,
          fileName: uploaded.body.fileName,
          options: { format: "auto", sourceName: `bench/latency-${n}`, licence: null, protocol: "HELPFULNESS", strength: "NEGLIGIBLY_BETTER_OR_UNSURE", marginScale: "small" },
        })
        .then(async (started) => {
          mode = started.mode === "done" ? "in the web request" : "in a worker job";
          if (started.jobId) jobTimes = await jobEnded(app.databaseUrl, started.jobId);
        });
      const load = await openLoad(annotators, importing);
      await importing;
      importSeconds += (performance.now() - t0) / 1000;
      console.log(describe(`import ${n + 1} (${(bytes / 2 ** 20).toFixed(1)} MB, ${mode}${jobTimes ? `: ${jobTimes}` : ""})`, load));
      during.push(...load.latencies);
    }
    during.sort((x, y) => x - y);
    const all = { p50: percentile(during, 50), p95: percentile(during, 95), p99: percentile(during, 99), max: during.at(-1) ?? NaN };
    console.log(`during imports (all ${during.length}): p50 ${all.p50.toFixed(0)} ms, p95 ${all.p95.toFixed(0)} ms, p99 ${all.p99.toFixed(0)} ms, max ${all.max.toFixed(0)} ms`);
    console.log(
      JSON.stringify({
        bench: "import-latency",
        import_mode: mode,
        worker_nice: WORKER_NICE,
        rate: RATE,
        import_mb: IMPORT_MB,
        imports: IMPORTS,
        import_s_mean: round(importSeconds / IMPORTS),
        quiet_p50_ms: round(quiet.p50),
        quiet_p95_ms: round(quiet.p95),
        quiet_max_ms: round(quiet.max),
        import_p50_ms: round(all.p50),
        import_p95_ms: round(all.p95),
        import_p99_ms: round(all.p99),
        import_max_ms: round(all.max),
      }),
    );
    await pool.close();
  } finally {
    await app.stop();
    fs.rmSync(files, { recursive: true, force: true });
  }
}
