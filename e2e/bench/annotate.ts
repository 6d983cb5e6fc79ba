// `npm run bench -- annotate`: the annotation hot path under load, through the whole web stack.
//
// Starts the production build on a fresh embedded database, seeds a batch of BENCH_PAIRS pairs
// (default 120,000), signs in virtual annotators through next-auth, and makes each annotation
// exactly the HTTP request the compare screen makes (POST /api/annotate/submit, which answers
// with the next pair). Then:
//   open load   — annotations arrive at BENCH_RATE/s (default 150) for BENCH_OPEN_S (30) seconds;
//                 latency counts from each arrival's scheduled time (no coordinated omission);
//   saturation  — 64 annotators with no think time for BENCH_SATURATION_S (20) seconds;
//   baseline    — the same SQL the endpoint runs per annotation (user lookup, submit, next
//                 lease) looped with `pg` from this process at the same concurrency and pool
//                 size, without HTTP;
//   floor       — the rows any queue must write per annotation, with the plainest statements
//                 on pairs chosen in advance, in the endpoint's transactions (close the lease,
//                 count it on the pair, insert the comparison and insert the next lease, in one
//                 transaction per annotation), same concurrency and pool;
//                 the queue's own place-count trigger is switched off for it, since keeping that
//                 count is this queue's way of choosing, not work every queue must do.
// PostgreSQL's CPU per annotation is read from /proc (the postmaster and its backends) around
// the baseline and the floor.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import pg from "pg";
import { Pool } from "undici";
import { SUBMIT_PATH } from "../../server/annotation/annotation.schema";
import { SUBMIT_AND_LEASE_NEXT } from "../../server/annotation/submit";
import { USER_BY_ID } from "../../server/auth/current-user";
import { hashPassword } from "../../server/auth/password";
import { LEASE_AND_LOAD, LEASE_SECONDS } from "../../server/queue/lease";
import { type AppInstance, startApp } from "./app-instance";
import { HttpUser, percentile } from "./http-client";

type Task = { assignmentId: string; protocol: "HELPFULNESS" | "SAFETY" } | null;
type SubmitResult = { next: Task };

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const PAIRS = env("BENCH_PAIRS", 120_000);
const RATE = env("BENCH_RATE", 150);
const OPEN_S = env("BENCH_OPEN_S", 30);
const SATURATION_S = env("BENCH_SATURATION_S", 20);
const CONCURRENCY = 64;
const ANNOTATORS = env("BENCH_ANNOTATORS", 160);
const POOL_SIZE = env("DATABASE_POOL_SIZE", 10);
const PASSWORD = "bench-annotator-pass";

const strengths = ["SIGNIFICANTLY_BETTER", "BETTER", "SLIGHTLY_BETTER", "NEGLIGIBLY_BETTER_OR_UNSURE"] as const;
const safetyLabels = ["CHOSEN_SAFE_OTHER_UNSAFE", "BOTH_SAFE", "BOTH_UNSAFE"] as const;
const pickOne = <T>(xs: readonly T[]) => xs[Math.floor(Math.random() * xs.length)]!;

/** The first few distinct errors, so a failing run says why. */
const errorSamples = new Set<string>();
function noteError(error: unknown) {
  if (errorSamples.size < 5) errorSamples.add(String((error as Error).message ?? error).slice(0, 300));
}

/** What an annotator presses: a side, a strength, a safety label on safety pairs. */
function answer(task: NonNullable<Task>) {
  return {
    assignmentId: task.assignmentId,
    pick: Math.random() < 0.5 ? "LEFT" : "RIGHT",
    strength: pickOne(strengths),
    safetyLabel: task.protocol === "SAFETY" ? pickOne(safetyLabels) : null,
    comment: null,
    timeOnTaskMs: 5_000 + Math.floor(Math.random() * 60_000),
  };
}

async function seed(databaseUrl: string) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const started = Date.now();
  // Realistic sizes: a question of a few sentences, responses of several hundred bytes.
  await db.query(`
    INSERT INTO "Round" (id, number, name, status) VALUES ('bench-round', 900, 'Bench round', 'ACTIVE');
    INSERT INTO "Batch" (id, "roundId", name, status, priority, "annotationsPerPair", "openedAt")
      VALUES ('bench-batch', 'bench-round', 'Bench batch', 'OPEN', 10, 1, now());
    INSERT INTO "Prompt" (id, protocol, source, "contentHash", turns)
      SELECT 'bp-' || i, (CASE WHEN i % 5 = 0 THEN 'SAFETY' ELSE 'HELPFULNESS' END)::"Protocol", 'bench', md5('bench-' || i),
             ARRAY['Question ' || i || ': how should I plan a week of meals for a family of four on a budget, and what can I cook ahead?']
      FROM generate_series(1, ${PAIRS}) i;
    INSERT INTO "Response" (id, "promptId", text, source)
      SELECT 'br-' || i || '-' || s, 'bp-' || i,
             'Here is a plan (' || s || ', ' || i || E'):\n\n- **Monday**: lentil soup, bread\n- **Tuesday**: ' || repeat('roasted vegetables with rice and a simple yoghurt sauce; ', 6) || E'\n\nCook the grains on Sunday.',
             'bench'
      FROM generate_series(1, ${PAIRS}) i, (VALUES ('a'), ('b')) v(s);
    INSERT INTO "Pair" (id, "batchId", "promptId", "responseAId", "responseBId", "requiredAnnotations", strategy, "createdAt")
      SELECT 'bpair-' || i, 'bench-batch', 'bp-' || i, 'br-' || i || '-a', 'br-' || i || '-b', 1, 'bench',
             now() - make_interval(secs => (${PAIRS} - i) / 1000.0)
      FROM generate_series(1, ${PAIRS}) i;
  `);
  const hash = await hashPassword(PASSWORD);
  await db.query(
    `INSERT INTO "User" (id, email, name, role, "passwordHash", "updatedAt")
     SELECT 'bench-user-' || i, 'bench' || i || '@bench.local', 'Bench annotator ' || i, 'ANNOTATOR', $1, now()
     FROM generate_series(1, $2::int) i`,
    [hash, ANNOTATORS + 2 * CONCURRENCY],
  );
  await db.query(`ANALYZE`);
  // The seed's dirty pages are flushed now, not by a checkpoint in the middle of the measurement.
  await db.query(`CHECKPOINT`);
  await db.end();
  return (Date.now() - started) / 1000;
}

type Annotator = { user: HttpUser; task: Task };

async function signInAll(baseUrl: string, count: number): Promise<Annotator[]> {
  const pool = new Pool(baseUrl, { connections: 128, pipelining: 1 });
  const annotators: Annotator[] = [];
  for (let i = 0; i < count; i += 8) {
    const group = await Promise.all(
      Array.from({ length: Math.min(8, count - i) }, async (_, j) => {
        const user = new HttpUser(pool);
        await user.signIn(`bench${i + j + 1}@bench.local`, PASSWORD);
        const task = await user.call<Task>("annotate.current", "query");
        return { user, task };
      }),
    );
    annotators.push(...group);
  }
  return annotators;
}

function cpuMeter() {
  const start = process.cpuUsage();
  const t0 = performance.now();
  return () => {
    const used = process.cpuUsage(start);
    const wallMs = performance.now() - t0;
    return (used.user + used.system) / 1000 / (wallMs * os.cpus().length);
  };
}

async function submitNext(a: Annotator) {
  const result = await a.user.postJson<SubmitResult>(SUBMIT_PATH, answer(a.task!));
  a.task = result.next;
}

/**
 * What the database was doing during a phase, sampled every 100 ms: sessions waiting on a lock,
 * autovacuum workers, and checkpoints. Printed so that a latency spike can be traced.
 */
function databaseWatch(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  const seen = { samples: 0, lockWaits: 0, autovacuum: 0, checkpointsBefore: -1, checkpointsAfter: -1 };
  let timer: NodeJS.Timeout | undefined;
  const checkpoints = async () =>
    Number((await client.query(`SELECT num_timed + num_requested AS n FROM pg_stat_checkpointer`)).rows[0].n);
  return {
    async start() {
      await client.connect();
      seen.checkpointsBefore = await checkpoints();
      timer = setInterval(() => {
        client
          .query(
            `SELECT count(*) FILTER (WHERE wait_event_type = 'Lock')::int AS locks,
                    count(*) FILTER (WHERE backend_type = 'autovacuum worker')::int AS vacuum
             FROM pg_stat_activity`,
          )
          .then(({ rows: [row] }) => {
            seen.samples++;
            if (row.locks > 0) seen.lockWaits++;
            if (row.vacuum > 0) seen.autovacuum++;
          })
          .catch(() => {});
      }, 100);
    },
    async stop() {
      clearInterval(timer);
      seen.checkpointsAfter = await checkpoints();
      await client.end();
      return `${seen.samples} samples: lock waits in ${seen.lockWaits}, autovacuum in ${seen.autovacuum}; checkpoints ${seen.checkpointsAfter - seen.checkpointsBefore}`;
    },
  };
}

/** The slowest second of a phase: when it started (s from the start) and its worst latency. */
function worstSecond(samples: { at: number; ms: number }[]) {
  const bySecond = new Map<number, number>();
  for (const { at, ms } of samples) bySecond.set(Math.floor(at / 1000), Math.max(bySecond.get(Math.floor(at / 1000)) ?? 0, ms));
  const [second, ms] = [...bySecond].sort((a, b) => b[1] - a[1])[0] ?? [0, 0];
  return `worst second: ${second}–${second + 1} s, max ${ms.toFixed(0)} ms`;
}

async function openLoad(annotators: Annotator[]) {
  const timeline: { at: number; ms: number }[] = [];
  const idle = [...annotators];
  const waiting: number[] = [];
  const latencies: number[] = [];
  let completed = 0;
  let failed = 0;
  const cpu = cpuMeter();
  const start = performance.now();
  const end = start + OPEN_S * 1000;
  const interval = 1000 / RATE;
  let scheduled = 0;

  const dispatch = () => {
    while (waiting.length && idle.length) {
      const due = waiting.shift()!;
      const a = idle.shift()!;
      submitNext(a)
        .then(() => {
          latencies.push(performance.now() - due);
          timeline.push({ at: due - start, ms: performance.now() - due });
          completed++;
        })
        .catch((error) => {
          failed++;
          noteError(error);
        })
        .finally(() => {
          if (a.task) idle.push(a);
          dispatch();
        });
    }
  };
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (start + scheduled * interval <= Math.min(now, end)) waiting.push(start + scheduled++ * interval);
      dispatch();
      if (now < end) setTimeout(tick, 2);
      else resolve();
    };
    tick();
  });
  // Let the last arrivals finish (counted in latency, not in the rate).
  const inWindow = completed;
  const drainUntil = performance.now() + 10_000;
  while ((waiting.length || idle.length < annotators.filter((a) => a.task).length) && performance.now() < drainUntil) {
    await new Promise((r) => setTimeout(r, 20));
  }
  latencies.sort((x, y) => x - y);
  return {
    scheduled,
    achieved: inWindow / OPEN_S,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failed,
    cpuShare: cpu(),
    worst: worstSecond(timeline),
  };
}

async function saturation(annotators: Annotator[]) {
  const latencies: number[] = [];
  let completed = 0;
  let failed = 0;
  const cpu = cpuMeter();
  const end = performance.now() + SATURATION_S * 1000;
  await Promise.all(
    annotators.slice(0, CONCURRENCY).map(async (a) => {
      while (a.task && performance.now() < end) {
        const t0 = performance.now();
        try {
          await submitNext(a);
          latencies.push(performance.now() - t0);
          completed++;
        } catch (error) {
          failed++;
          noteError(error);
        }
      }
    }),
  );
  latencies.sort((x, y) => x - y);
  return { perSecond: completed / SATURATION_S, p50: percentile(latencies, 50), p99: percentile(latencies, 99), failed, cpuShare: cpu() };
}

/**
 * CPU time PostgreSQL has used so far, in ms: the postmaster with its finished children, plus
 * every live backend and auxiliary process (found through a connection's own backend pid).
 */
async function postgresCpuMs(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query(`SELECT pg_backend_pid() AS pid`);
  const ticks = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());
  const stat = (pid: number | string) => {
    try {
      // Fields after the command name (which may hold spaces) start at field 3.
      const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      return text.slice(text.lastIndexOf(")") + 2).split(" ");
    } catch {
      return null;
    }
  };
  const postmaster = Number(stat(rows[0].pid)![1]);
  const own = stat(postmaster)!;
  // utime, stime, cutime, cstime are fields 14–17 (indexes 11–14 after the name).
  let total = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = stat(entry);
    if (fields && Number(fields[1]) === postmaster) total += Number(fields[11]) + Number(fields[12]);
  }
  return (total / ticks) * 1000;
}

type SqlPhase = { perSecond: number; cpuShare: number; pgCpuMsPerAnnotation: number };

/** Runs one annotator loop per id at CONCURRENCY over a pool of POOL_SIZE for SATURATION_S seconds. */
async function sqlPhase(
  databaseUrl: string,
  ids: string[],
  loop: (pool: pg.Pool, id: string, index: number, until: number) => Promise<number>,
): Promise<SqlPhase> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: POOL_SIZE });
  // An idle connection that sees the benchmark's database shut down is not a failure.
  pool.on("error", () => {});
  await Promise.all(Array.from({ length: POOL_SIZE }, () => pool.query("SELECT 1")));
  const pgCpuBefore = await postgresCpuMs(pool);
  const cpu = cpuMeter();
  const end = performance.now() + SATURATION_S * 1000;
  const counts = await Promise.all(ids.map((id, i) => loop(pool, id, i, end)));
  const cpuShare = cpu();
  const pgCpu = (await postgresCpuMs(pool)) - pgCpuBefore;
  await pool.end();
  const completed = counts.reduce((a, b) => a + b, 0);
  return { perSecond: completed / SATURATION_S, cpuShare, pgCpuMsPerAnnotation: pgCpu / Math.max(1, completed) };
}

/** The endpoint's SQL per annotation, without HTTP, Next.js, tRPC or Prisma. */
function baseline(databaseUrl: string) {
  const ids = Array.from({ length: CONCURRENCY }, (_, i) => `bench-user-${ANNOTATORS + i + 1}`);
  return sqlPhase(databaseUrl, ids, async (pool, id, _i, end) => {
    let completed = 0;
    let task = (await pool.query(LEASE_AND_LOAD, [id, LEASE_SECONDS])).rows[0] as NonNullable<Task> | undefined;
    while (task?.assignmentId && performance.now() < end) {
      await pool.query(USER_BY_ID, [id]);
      const a = answer(task);
      task = (
        await pool.query(SUBMIT_AND_LEASE_NEXT, [a.assignmentId, id, a.pick, a.strength, a.safetyLabel, a.timeOnTaskMs, a.comment, LEASE_SECONDS])
      ).rows[0];
      completed++;
    }
    return completed;
  });
}

/**
 * The floor: the same rows with the plainest statements, each annotator working down its own
 * list of pairs chosen in advance (the newest pairs, which the phases before never reached).
 */
async function floor(databaseUrl: string) {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const perAnnotator = 5_000;
  const { rows } = await admin.query<{ id: string; protocol: string }>(
    `SELECT p.id, pr.protocol::text AS protocol FROM "Pair" p JOIN "Prompt" pr ON pr.id = p."promptId"
     WHERE p."annotationCount" = 0 AND NOT EXISTS (SELECT 1 FROM "Assignment" a WHERE a."pairId" = p.id)
     ORDER BY p."createdAt" DESC LIMIT $1`,
    [perAnnotator * CONCURRENCY],
  );
  // (A schema from before the place count has no such trigger; the floor is measured there too.)
  const trigger = (await admin.query(`SELECT 1 FROM pg_trigger WHERE tgname = 'manual_assignment_place_count'`)).rowCount === 1;
  if (trigger) await admin.query(`ALTER TABLE "Assignment" DISABLE TRIGGER manual_assignment_place_count`);
  try {
    const ids = Array.from({ length: CONCURRENCY }, (_, i) => `bench-user-${ANNOTATORS + CONCURRENCY + i + 1}`);
    return await sqlPhase(databaseUrl, ids, async (pool, id, index, end) => {
      const insertLease = `INSERT INTO "Assignment" (id, "pairId", "annotatorId", "leftSide", "leasedAt", "expiresAt")
        VALUES (gen_random_uuid()::text, $1, $2, $3::"Side", now(), now() + make_interval(secs => $4::int)) RETURNING id`;
      const leaseOf = async (client: pg.Pool | pg.PoolClient, k: number) => {
        const leftSide = Math.random() < 0.5 ? "A" : "B";
        const { rows: [lease] } = await client.query<{ id: string }>(insertLease, [rows[k]!.id, id, leftSide, LEASE_SECONDS]);
        return { k, id: lease!.id, leftSide };
      };
      let completed = 0;
      let lease = index < rows.length ? await leaseOf(pool, index) : null;
      while (lease && performance.now() < end) {
        const pair = rows[lease.k]!;
        const a = answer({ assignmentId: lease.id, protocol: pair.protocol as "HELPFULNESS" | "SAFETY" });
        // As the endpoint does: the comparison and the next lease in one transaction.
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          await client.query(`UPDATE "Assignment" SET "completedAt" = now() WHERE id = $1`, [lease.id]);
          await client.query(`UPDATE "Pair" SET "annotationCount" = "annotationCount" + 1 WHERE id = $1`, [pair.id]);
          await client.query(
            `INSERT INTO "Comparison" (id, "pairId", "annotatorId", "assignmentId", chosen, strength, "safetyLabel", "leftSide", "timeOnTaskMs", comment, "createdAt")
             VALUES (gen_random_uuid()::text, $1, $2, $3, $4::"Side", $5::"Strength", $6::"SafetyLabel", $7::"Side", $8, $9, now())`,
            [pair.id, id, lease.id, a.pick === "LEFT" ? lease.leftSide : lease.leftSide === "A" ? "B" : "A", a.strength, a.safetyLabel, lease.leftSide, a.timeOnTaskMs, a.comment],
          );
          const next = lease.k + CONCURRENCY;
          lease = next < rows.length ? await leaseOf(client, next) : null;
          await client.query("COMMIT");
        } finally {
          client.release();
        }
        completed++;
      }
      return completed;
    });
  } finally {
    if (trigger) await admin.query(`ALTER TABLE "Assignment" ENABLE TRIGGER manual_assignment_place_count`);
    await admin.end();
  }
}

/** Sign-in, warm-up, open load and saturation through HTTP. */
async function httpPhases(app: AppInstance) {
  const t0 = performance.now();
  const annotators = await signInAll(app.baseUrl, ANNOTATORS);
  console.log(`${ANNOTATORS} annotators signed in through next-auth in ${((performance.now() - t0) / 1000).toFixed(1)} s.`);

  // Warm-up, not measured: the first submissions compile the route, fill the connection
  // pools and warm the JIT; a running deployment is past that.
  const warmEnd = performance.now() + 5_000;
  await Promise.all(annotators.slice(0, 16).map(async (a) => {
    while (a.task && performance.now() < warmEnd) await submitNext(a);
  }));
  const watch = databaseWatch(app.databaseUrl);
  await watch.start();
  const open = await openLoad(annotators);
  const database = await watch.stop();
  console.log(
    `open load: ${RATE}/s for ${OPEN_S} s -> achieved ${open.achieved.toFixed(1)}/s, p50 ${open.p50.toFixed(1)} ms, p99 ${open.p99.toFixed(1)} ms, ` +
      `${open.failed} failed; load generator used ${(100 * open.cpuShare).toFixed(1)}% of the machine's CPU`,
  );
  console.log(`  ${open.worst}; database during open load: ${database}`);
  const sat = await saturation(annotators);
  console.log(
    `saturation: ${CONCURRENCY} annotators, no think time -> ${sat.perSecond.toFixed(1)} annotations/s, p50 ${sat.p50.toFixed(1)} ms, ` +
      `p99 ${sat.p99.toFixed(1)} ms, ${sat.failed} failed; load generator ${(100 * sat.cpuShare).toFixed(1)}% CPU`,
  );
  return { open, sat };
}

/**
 * BENCH_ANNOTATE_SQL=1 runs only the SQL baseline and the floor (no sign-in, no HTTP): for
 * working on the queue's SQL, where the web stack's figures are not wanted.
 */
export async function benchAnnotate() {
  console.log(`Starting the production app on a fresh embedded database…`);
  const app = await startApp("annotate");
  try {
    const seedSeconds = await seed(app.databaseUrl);
    console.log(`Seeded ${PAIRS} pairs and ${ANNOTATORS + 2 * CONCURRENCY} annotators in ${seedSeconds.toFixed(1)} s.`);
    const http = process.env.BENCH_ANNOTATE_SQL === "1" ? null : await httpPhases(app);
    const base = await baseline(app.databaseUrl);
    console.log(
      `baseline: the same SQL with pg, ${CONCURRENCY} concurrent, pool ${POOL_SIZE} -> ${base.perSecond.toFixed(1)} annotations/s; ` +
        `PostgreSQL ${base.pgCpuMsPerAnnotation.toFixed(2)} ms CPU per annotation; this process ${(100 * base.cpuShare).toFixed(1)}% CPU`,
    );
    const least = await floor(app.databaseUrl);
    console.log(
      `floor: the plainest writes of the same rows on pairs chosen in advance, ${CONCURRENCY} concurrent, pool ${POOL_SIZE} -> ` +
        `${least.perSecond.toFixed(1)} annotations/s; PostgreSQL ${least.pgCpuMsPerAnnotation.toFixed(2)} ms CPU per annotation; ` +
        `this process ${(100 * least.cpuShare).toFixed(1)}% CPU`,
    );
    if (errorSamples.size) console.log(`errors seen: ${[...errorSamples].join(" | ")}`);
    const round = (x: number) => Math.round(x * 10) / 10;
    const ratio = (x: number, y: number) => Math.round((x / y) * 100) / 100;
    console.log(
      JSON.stringify({
        bench: "annotate",
        ...(http && {
          open_rate: RATE,
          open_achieved: round(http.open.achieved),
          open_p50_ms: round(http.open.p50),
          open_p99_ms: round(http.open.p99),
          concurrency: CONCURRENCY,
          annotations_per_s: round(http.sat.perSecond),
        }),
        baseline_sql_per_s: round(base.perSecond),
        ...(http && {
          ratio: ratio(http.sat.perSecond, base.perSecond),
          load_generator_cpu_share: Math.round(Math.max(http.open.cpuShare, http.sat.cpuShare) * 100) / 100,
        }),
        floor_per_s: round(least.perSecond),
        sql_to_floor: ratio(base.perSecond, least.perSecond),
        pg_cpu_ms_per_annotation: Math.round(base.pgCpuMsPerAnnotation * 100) / 100,
        floor_pg_cpu_ms_per_annotation: Math.round(least.pgCpuMsPerAnnotation * 100) / 100,
      }),
    );
  } finally {
    await app.stop();
  }
}
