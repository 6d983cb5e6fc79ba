// `npm run bench -- annotate-ui`: what an annotator feels. Drives the real compare screen in
// Chromium through 50 keyboard-only comparisons and times, inside the page, from the submit
// key to the next pair's text on screen.
import { chromium } from "@playwright/test";
import { percentile } from "./http-client";
import { startApp } from "./app-instance";
import { demoUsers } from "../../prisma/seed";

const PAIRS = Number(process.env.BENCH_UI_PAIRS ?? 50);

export async function benchAnnotateUi() {
  console.log("Starting the production app on a fresh embedded database…");
  const app = await startApp("annotate-ui");
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    // The demo batch has 45 pairs; more are needed for 50 comparisons, so a bench batch is added.
    const pg = (await import("pg")).default;
    const db = new pg.Client({ connectionString: app.databaseUrl });
    await db.connect();
    await db.query(`
      INSERT INTO "Round" (id, number, name, status) VALUES ('ui-round', 901, 'UI bench round', 'ACTIVE');
      INSERT INTO "Batch" (id, "roundId", name, status, priority) VALUES ('ui-batch', 'ui-round', 'UI bench batch', 'OPEN', 10);
      INSERT INTO "Prompt" (id, protocol, source, "contentHash", turns)
        SELECT 'uip-' || i, (CASE WHEN i % 4 = 0 THEN 'SAFETY' ELSE 'HELPFULNESS' END)::"Protocol", 'bench', md5('ui-' || i),
               ARRAY['UI bench question ' || i || ': what is a good **first** programming language?'] FROM generate_series(1, ${PAIRS + 10}) i;
      INSERT INTO "Response" (id, "promptId", text, source)
        SELECT 'uir-' || i || '-' || s, 'uip-' || i, 'Answer ' || s || ' to question ' || i || E':\n\n1. Python\n2. JavaScript\n\n' || repeat('It depends on what you want to build. ', 8), 'bench'
        FROM generate_series(1, ${PAIRS + 10}) i, (VALUES ('a'), ('b')) v(s);
      INSERT INTO "Pair" (id, "batchId", "promptId", "responseAId", "responseBId", strategy, "createdAt")
        SELECT 'uipair-' || i, 'ui-batch', 'uip-' || i, 'uir-' || i || '-a', 'uir-' || i || '-b', 'bench', now() - make_interval(secs => ${PAIRS + 10} - i)
        FROM generate_series(1, ${PAIRS + 10}) i;`);
    await db.end();

    const page = await browser.newPage({ baseURL: app.baseUrl });
    const annotator = demoUsers.find((u) => u.role === "ANNOTATOR")!;
    await page.goto("/signin");
    await page.getByLabel("Email").fill(annotator.email);
    await page.getByLabel("Password").fill(annotator.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator(".task[data-assignment]").waitFor();

    // In the page: Enter's keydown starts the clock, the next pair's text appearing stops it.
    await page.evaluate(() => {
      const w = window as unknown as { __submitAt?: number; __latencies: number[]; __lastAssignment?: string | null };
      w.__latencies = [];
      document.addEventListener("keydown", (e) => {
        if (e.key === "Enter") {
          w.__submitAt = performance.now();
          w.__lastAssignment = document.querySelector(".task[data-assignment]")?.getAttribute("data-assignment");
        }
      }, true);
      new MutationObserver(() => {
        const task = document.querySelector(".task[data-assignment]");
        if (w.__submitAt === undefined || !task) return;
        if (task.getAttribute("data-assignment") !== w.__lastAssignment && (task.textContent ?? "").length > 0) {
          w.__latencies.push(performance.now() - w.__submitAt);
          w.__submitAt = undefined;
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });

    for (let i = 0; i < PAIRS; i++) {
      const before = await page.locator(".task[data-assignment]").getAttribute("data-assignment");
      const safety = (await page.getByTestId("task-protocol").textContent())?.toLowerCase().includes("safety");
      await page.keyboard.press(i % 2 ? "a" : "b");
      await page.keyboard.press(String(1 + (i % 4)));
      if (safety) await page.keyboard.press("w");
      await page.keyboard.press("Enter");
      await page.waitForFunction(
        (prev) => document.querySelector(".task[data-assignment]")?.getAttribute("data-assignment") !== prev,
        before,
      );
    }
    const latencies = (await page.evaluate(() => (window as unknown as { __latencies: number[] }).__latencies)).sort((a, b) => a - b);
    const round = (x: number) => Math.round(x * 10) / 10;
    console.log(`${latencies.length} keyboard-only comparisons; submit-to-next p50 ${round(percentile(latencies, 50))} ms, p95 ${round(percentile(latencies, 95))} ms, max ${round(latencies.at(-1) ?? NaN)} ms`);
    console.log(
      JSON.stringify({
        bench: "annotate-ui",
        pairs: latencies.length,
        submit_to_next_p50_ms: round(percentile(latencies, 50)),
        submit_to_next_p95_ms: round(percentile(latencies, 95)),
      }),
    );
  } finally {
    await browser.close();
    await app.stop();
  }
}
