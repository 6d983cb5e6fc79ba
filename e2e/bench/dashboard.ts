// `npm run bench -- dashboard`: the research dashboard (/research) on the export bench's
// 1,000,000 comparisons, dealt over 8 batches and 200 annotators, through the production app.
// Each round times, in this order: a plain parallel `SELECT count(*) FROM "Comparison"` (one
// scan of the data: the floor for any aggregate computed from scratch), the whole unfiltered
// dashboard (every query the page makes, in one batched request as the page's httpBatchLink
// sends them), and each filtered view (the queries that take the filters: one batch, the round,
// a protocol, three days, and all of those at once), after 16 annotators have each taken a
// label back and given it again. The medians over the rounds give
// the ratios. Then each query alone, from the tallies (through the
// app) and by scanning the comparisons (the queries as they were before the tallies, in this
// process), unfiltered and filtered. The web process's RSS is sampled throughout.
import fs from "node:fs";
import pg from "pg";
import { Pool } from "undici";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import { hashPassword } from "../../server/auth/password";
import { agreementSummary } from "../../server/dashboard/agreement-summary";
import { batchOverview } from "../../server/dashboard/overview";
import { annotatorStats, comparisonsOverTime, distributions, filterOptions } from "../../server/dashboard/stats";
import { startApp } from "./app-instance";
import { seedComparisons } from "./export";
import { HttpUser } from "./http-client";

const PAIRS = Number(process.env.BENCH_DASHBOARD_PAIRS ?? 250_000);
const PER_PAIR = 4;
const BATCHES = 8;
const ANNOTATORS = 200;
const ROUNDS = Number(process.env.BENCH_DASHBOARD_ROUNDS ?? 11);
const PASSWORD = "bench-researcher-pass";

/** What the research home asks for on load (app/research/page.tsx and its Dashboard). */
const UNFILTERED = [
  "dashboard.batches",
  "dashboard.goldAccuracy",
  "review.counts",
  "dashboard.filterOptions",
  "dashboard.overTime",
  "dashboard.distributions",
  "dashboard.annotators",
  "rewardModels.annotatorAgreement",
  "dashboard.agreement",
];
/** What a change of filters asks for again. */
const FILTERED = ["dashboard.overTime", "dashboard.distributions", "dashboard.annotators", "dashboard.agreement"];
const TAKES_FILTERS = new Set<string>(FILTERED);

async function seed(url: string) {
  await seedComparisons(url, { pairs: PAIRS, perPair: PER_PAIR, batches: BATCHES, annotators: ANNOTATORS });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  // Some gold pairs, and a researcher to sign in as. The data settles as it would under
  // autovacuum before it is read.
  await db.query(`UPDATE "Pair" SET "isGold" = true, "goldChoice" = 'A' WHERE id IN (SELECT 'xq' || i FROM generate_series(1, ${PAIRS}, 1000) i)`);
  await db.query(
    `INSERT INTO "User" (id, email, name, role, "passwordHash", "updatedAt") VALUES ('bench-researcher', 'researcher@bench.local', 'Researcher', 'RESEARCHER', $1, now())`,
    [await hashPassword(PASSWORD)],
  );
  await db.query(`VACUUM ANALYZE`);
  await db.query(`CHECKPOINT`);
  await db.end();
}

/** The web process (server/runtime/web-server.ts), found under the app's start process. */
function webPids(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone already
    }
  }
  const under = (pid: number): number[] => (children.get(pid) ?? []).flatMap((c) => [c, ...under(c)]);
  return under(rootPid).filter((pid) => {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      return cmd.includes("server/runtime/web-server.ts");
    } catch {
      return false;
    }
  });
}

function rssMb(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

/** The procedures in one batched GET, as the page's httpBatchLink sends the queries it makes at once. */
function batched(researcher: HttpUser, procedures: readonly string[], filters: object) {
  return researcher.queries(procedures.map((procedure) => ({ procedure, input: TAKES_FILTERS.has(procedure) ? filters : undefined })));
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await run();
  return performance.now() - t;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const round1 = (ms: number) => Math.round(ms * 10) / 10;

export async function benchDashboard() {
  console.log("Starting the production app on a fresh embedded database…");
  const app = await startApp("dashboard", { SEED_DEMO: "false" });
  try {
    let t = performance.now();
    await seed(app.databaseUrl);
    console.log(`Seeded ${PAIRS * PER_PAIR} comparisons (${BATCHES} batches, ${ANNOTATORS} annotators) in ${((performance.now() - t) / 1000).toFixed(1)} s.`);

    const runtime = JSON.parse(fs.readFileSync(`${process.cwd()}/.data/bench-dashboard/runtime.json`, "utf8")) as { pid: number };
    const web = webPids(runtime.pid);
    const pool = new Pool(app.baseUrl, { connections: 16, pipelining: 1 });
    const researcher = new HttpUser(pool);
    await researcher.signIn("researcher@bench.local", PASSWORD);
    const client = new pg.Client({ connectionString: app.databaseUrl });
    await client.connect();
    const batchId = (await client.query<{ id: string }>(`SELECT id FROM "Batch" ORDER BY id LIMIT 1`)).rows[0]!.id;
    const oneBatch = { batchIds: [batchId] };
    // The filtered views timed each round: every kind of filter the page sends, and all at once
    // (the page's "To" day is sent as the next UTC midnight). The slowest view's median is
    // `filtered_ms`.
    const days = { from: "2026-01-03T00:00:00.000Z", to: "2026-01-06T00:00:00.000Z" };
    const views: [string, object][] = [
      ["one batch", oneBatch],
      ["the round", { roundIds: ["xr"] }],
      ["safety protocol", { protocol: "SAFETY" }],
      ["three days", days],
      ["one batch, safety, three days", { ...oneBatch, protocol: "SAFETY", ...days }],
    ];

    // Not measured: three loads that compile the routes, warm the caches and connections, and
    // fold the rows the seed's statements left.
    const rssBefore = rssMb(web);
    let rssPeak = rssBefore;
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMb(web))), 20);
    for (let i = 0; i < 3; i++) {
      await batched(researcher, UNFILTERED, {});
      await batched(researcher, FILTERED, oneBatch);
      await client.query(`SELECT count(*) FROM "Comparison"`);
    }

    // Between rounds, annotators keep working: 16 of them each take a label back and give it
    // again (one statement each, as undo and submit do), so what the dashboard keeps for them
    // is read afresh.
    const relabel = async (round: number) => {
      const { rows } = await client.query<{ id: string }>(
        `SELECT DISTINCT ON (c."annotatorId") c.id FROM "Comparison" c WHERE c."pairId" IN (SELECT 'xq' || (i * 997 + $1 * 131) % ${PAIRS} + 1 FROM generate_series(1, 64) i) ORDER BY c."annotatorId" LIMIT 16`,
        [round],
      );
      for (const { id } of rows) {
        const { rows: [label] } = await client.query(`DELETE FROM "Comparison" WHERE id = $1 RETURNING *`, [id]);
        await client.query(
          `INSERT INTO "Comparison" (id, "pairId", "annotatorId", chosen, strength, "safetyLabel", "leftSide", "timeOnTaskMs", "createdAt")
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())`,
          [label.id, label.pairId, label.annotatorId, label.chosen === "A" ? "B" : "A", label.strength, label.safetyLabel, label.leftSide, label.timeOnTaskMs + 1],
        );
      }
    };

    const scans: number[] = [];
    const whole: number[] = [];
    const filtered = views.map(() => [] as number[]);
    for (let round = 0; round < ROUNDS; round++) {
      await relabel(round);
      scans.push(await timed(() => client.query(`SELECT count(*) FROM "Comparison"`)));
      whole.push(await timed(() => batched(researcher, UNFILTERED, {})));
      for (const [i, [, filters]] of views.entries()) filtered[i]!.push(await timed(() => batched(researcher, FILTERED, filters)));
    }
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, rssMb(web));
    const scanMs = median(scans);
    const dashboardMs = median(whole);
    console.log(`count(*) over the comparisons: ${scans.map(round1).join(", ")} ms (median ${round1(scanMs)})`);
    console.log(`whole dashboard, unfiltered (${UNFILTERED.length} queries): ${whole.map(round1).join(", ")} ms (median ${round1(dashboardMs)})`);
    for (const [i, [label]] of views.entries()) {
      console.log(`filtered, ${label} (${FILTERED.length} queries): ${filtered[i]!.map(round1).join(", ")} ms (median ${round1(median(filtered[i]!))})`);
    }
    const slowest = views.map(([label], i) => ({ label, ms: median(filtered[i]!) })).sort((a, b) => b.ms - a.ms)[0]!;
    const filteredMs = slowest.ms;
    console.log(`web process RSS: ${rssBefore.toFixed(0)} MB before the loads, peak ${rssPeak.toFixed(0)} MB`);

    // Each query alone: through the app (the tallies), and the same statistic by scanning the
    // comparisons in this process (the queries the tallies replace).
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: app.databaseUrl, max: 2 }) });
    const scanned: Record<string, (filters: object) => Promise<unknown>> = {
      "dashboard.batches": () => batchOverview(prisma, "scan"),
      "dashboard.filterOptions": () => filterOptions(prisma, "scan"),
      "dashboard.overTime": (f) => comparisonsOverTime(prisma, f, "scan"),
      "dashboard.distributions": (f) => distributions(prisma, f, "scan"),
      "dashboard.annotators": (f) => annotatorStats(prisma, f, "scan"),
      "dashboard.agreement": (f) => agreementSummary(prisma, f, "scan"),
    };
    const perQuery: Record<string, { tallies: number; scan: number | null }> = {};
    for (const [label, filters, procedures] of [
      ["unfiltered", {}, UNFILTERED],
      ["one batch", oneBatch, FILTERED],
      ["three days", days, FILTERED],
    ] as const) {
      for (const procedure of procedures) {
        const viaApp: number[] = [];
        for (let i = 0; i < 3; i++) viaApp.push(await timed(() => batched(researcher, [procedure], filters)));
        const scan = scanned[procedure];
        const asDates = { ...filters, ...("from" in filters ? { from: new Date(filters.from), to: new Date(filters.to) } : {}) };
        const byScan = scan ? await timed(() => scan(asDates)) : null;
        perQuery[`${procedure} (${label})`] = { tallies: round1(median(viaApp)), scan: byScan === null ? null : round1(byScan) };
        console.log(`  ${procedure} (${label}): ${round1(median(viaApp))} ms from the tallies${byScan === null ? "" : `, ${round1(byScan)} ms by scan`}`);
      }
    }
    await prisma.$disconnect();
    await client.end();
    await pool.close();

    console.log(
      JSON.stringify({
        bench: "dashboard",
        comparisons: PAIRS * PER_PAIR,
        dashboard_ms: round1(dashboardMs),
        filtered_ms: round1(filteredMs),
        scan_ms: round1(scanMs),
        ratio: Math.round((dashboardMs / scanMs) * 100) / 100,
        filtered_ratio: Math.round((filteredMs / scanMs) * 100) / 100,
        slowest_filtered_view: slowest.label,
        rss_growth_mb: Math.round(rssPeak - rssBefore),
      }),
    );
  } finally {
    await app.stop();
  }
}
