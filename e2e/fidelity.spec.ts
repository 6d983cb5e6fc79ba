// Issue 13 item 1: what annotators judge is the text that is stored. A dialogue and two responses
// made of tricky markup (tags, entities, fences, unbalanced markup, javascript: links) are shown
// on the compare screen, on the prompt-writing screen (continuing that dialogue), on the research
// batch page and in the import preview: each text reads as its stored characters (markdown
// formatting aside), nothing in it becomes an element or runs, and every page renders it the same.
import crypto from "node:crypto";
import { expect, type Locator, type Page, test } from "@playwright/test";
import { hashPassword } from "../server/auth/password";
import { withDatabase } from "./database";
import { signIn } from "./helpers";

const tag = crypto.randomBytes(4).toString("hex");
const PASSWORD = "a password of the fidelity spec";

/** Stored text, and what a reader sees of it (whitespace collapsed). */
const corpus: { stored: string; seen: string }[] = [
  {
    stored: `Why does my <div class="box"> not center inside <body>? I also tried <center>. (${tag})`,
    seen: `Why does my <div class="box"> not center inside <body>? I also tried <center>. (${tag})`,
  },
  { stored: "<script>window.__pwned = 1</script>", seen: "<script>window.__pwned = 1</script>" },
  { stored: "Entities stay as written: &amp; &lt;b&gt; &#60; &copy; &nbsp;.", seen: "Entities stay as written: &amp; &lt;b&gt; &#60; &copy; &nbsp;." },
  {
    stored: "A fence:\n\n```html\n<style>body { display: none }</style>\n<b>bold?</b> &amp;\n```",
    seen: "A fence: <style>body { display: none }</style> <b>bold?</b> &amp;",
  },
  {
    stored: "Unbalanced <b>bold and <i>italic, a stray </div>, an open <!-- comment and **half-strong",
    seen: "Unbalanced <b>bold and <i>italic, a stray </div>, an open <!-- comment and **half-strong",
  },
  {
    stored: "[click me](javascript:window.__pwned=2) and <javascript:window.__pwned=3> and [fine](https://example.org/)",
    seen: "click me (javascript:window.__pwned=2) and javascript:window.__pwned=3 and fine",
  },
  {
    stored: '<svg onload="window.__pwned=4"><circle r="4"/></svg> <iframe src="https://example.org/"></iframe> <math><mi>x</mi></math>\n\n<details open><summary>s</summary>d</details>',
    seen: '<svg onload="window.__pwned=4"><circle r="4"/></svg> <iframe src="https://example.org/"></iframe> <math><mi>x</mi></math> <details open><summary>s</summary>d</details>',
  },
  {
    stored: "Markdown still works: **bold**, *em*, `<code>` and a list:\n\n- one\n- <li>two</li>",
    seen: "Markdown still works: bold, em, <code> and a list: one <li>two</li>",
  },
  {
    stored: '<img src=x onerror="window.__pwned=5"> ![alt text](javascript:window.__pwned=6)',
    seen: '<img src=x onerror="window.__pwned=5"> [image: alt text] (javascript:window.__pwned=6)',
  },
];
const turns = corpus.slice(0, 7);
const [responseA, responseB] = corpus.slice(7);

const normalise = (s: string) => s.replace(/\s+/g, " ").trim();

/** Each rendered text in the region: what is seen and its markup. */
async function rendered(region: Locator) {
  return region.locator(".md").evaluateAll((nodes) => nodes.map((n) => ({ text: (n as HTMLElement).innerText, html: n.innerHTML })));
}

/** Every corpus text is rendered in the region, reads as expected, and is the same markup as `reference` holds. */
async function expectFaithful(page: Page, region: Locator, texts: typeof corpus, reference?: Map<string, string>) {
  await expect(region.locator(".md").first()).toBeVisible();
  const found = new Map((await rendered(region)).map((r) => [normalise(r.text), r.html]));
  for (const { seen } of texts) {
    expect([...found.keys()], seen).toContain(seen);
    if (reference) expect(found.get(seen), seen).toBe(reference.get(seen));
  }
  // Nothing of the markup became an element, nothing ran, no link runs script.
  await expect(region.locator(".md").locator("script, style, iframe, svg, math, details, img, div, b, i, center")).toHaveCount(0);
  await expect(page.locator('a[href^="javascript:"]')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  return found;
}

let batchId = "";
let email = "";

test.beforeAll(async () => {
  email = `fidelity-${tag}@e2e.local`;
  const hash = await hashPassword(PASSWORD);
  await withDatabase(async (db) => {
    await db.query(`INSERT INTO "User" (id, email, name, role, "passwordHash", "updatedAt") VALUES ($1, $2, 'Fidelity annotator', 'ANNOTATOR', $3, now())`, [
      `e2e-fidelity-${tag}`,
      email,
      hash,
    ]);
    const round = await db.query<{ id: string }>(
      `INSERT INTO "Round" (id, number, name, status) VALUES ($1, (SELECT coalesce(max(number), 0) + 1 FROM "Round"), $2, 'ACTIVE') RETURNING id`,
      [`e2e-fidelity-round-${tag}`, `Fidelity round ${tag}`],
    );
    batchId = `e2e-fidelity-batch-${tag}`;
    // Served before everything else, to one annotator; closed again after the test.
    await db.query(`INSERT INTO "Batch" (id, "roundId", name, status, priority, "annotationsPerPair", "openedAt") VALUES ($1, $2, $3, 'OPEN', 1000, 1, now())`, [
      batchId,
      round.rows[0]!.id,
      `Fidelity ${tag}`,
    ]);
    const prompt = `e2e-fidelity-prompt-${tag}`;
    await db.query(`INSERT INTO "Prompt" (id, protocol, source, "contentHash", turns) VALUES ($1, 'HELPFULNESS', 'e2e', $1, $2)`, [prompt, turns.map((t) => t.stored)]);
    await db.query(`INSERT INTO "Response" (id, "promptId", text, source) VALUES ($1, $3, $4, 'e2e'), ($2, $3, $5, 'e2e')`, [
      `${prompt}-a`,
      `${prompt}-b`,
      prompt,
      responseA!.stored,
      responseB!.stored,
    ]);
    await db.query(
      `INSERT INTO "Pair" (id, "batchId", "promptId", "responseAId", "responseBId", "requiredAnnotations", strategy) VALUES ($1, $2, $3, $4, $5, 1, 'e2e')`,
      [`${prompt}-pair`, batchId, prompt, `${prompt}-a`, `${prompt}-b`],
    );
  });
});

test.afterAll(async () => {
  await withDatabase(async (db) => {
    await db.query(`UPDATE "Batch" SET status = 'CLOSED', "closedAt" = now() WHERE id = $1`, [batchId]);
    // The demo pair served next goes back to the queue for the demo annotators.
    await db.query(`DELETE FROM "Assignment" WHERE "annotatorId" = $1 AND "completedAt" IS NULL AND "skippedAt" IS NULL`, [`e2e-fidelity-${tag}`]);
  });
});

test("raw HTML, entities and unsafe links read as the stored text, alike on every page, and nothing runs", async ({ browser }) => {
  // The compare screen.
  const annotator = await (await browser.newContext()).newPage();
  await signIn(annotator, email, PASSWORD);
  const task = annotator.locator(".task[data-assignment]");
  await expect(task).toContainText(tag);
  const reference = await expectFaithful(annotator, task, corpus);
  // The turn made only of markup is not an empty turn.
  await expect(task.locator(".turn").nth(1)).toContainText("<script>window.__pwned = 1</script>");

  // Prompt writing, continuing that dialogue (the chosen response becomes its last turn).
  for (const key of ["a", "2", "Enter"]) await annotator.keyboard.press(key);
  await expect(task).not.toContainText(tag);
  await annotator.keyboard.press("p");
  await annotator.getByLabel("Continue the dialogue you last compared").check();
  const continued = annotator.locator(".dialogue");
  await expect(continued).toContainText(tag);
  const shownA = (await withDatabase((db) => db.query(`SELECT c."leftSide" FROM "Comparison" c WHERE c."pairId" = $1`, [`e2e-fidelity-prompt-${tag}-pair`]))).rows[0]!
    .leftSide as "A" | "B";
  await expectFaithful(annotator, continued, [...turns, shownA === "A" ? responseA! : responseB!], reference);

  // The research batch page renders them as annotators see them.
  const researcher = await (await browser.newContext()).newPage();
  await signIn(researcher, "researcher@demo.local", "demo-researcher-pass");
  await expect(researcher.getByTestId("whoami")).toContainText("researcher");
  await researcher.goto(`/research/batches/${batchId}`);
  await expectFaithful(researcher, researcher.locator(".pair-card"), corpus, reference);

  // The import preview of the same dialogue and responses.
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin@demo.local", "demo-admin-pass");
  await expect(admin.getByTestId("whoami")).toContainText("admin");
  await admin.goto("/admin/import");
  const row = {
    prompt: turns.map((t, i) => ({ role: i % 2 === 0 ? "user" : "assistant", content: t.stored })),
    chosen: [{ role: "assistant", content: responseA!.stored }],
    rejected: [{ role: "assistant", content: responseB!.stored }],
  };
  await admin.getByLabel("File to import").setInputFiles({ name: "tricky.jsonl", mimeType: "application/jsonl", buffer: Buffer.from(JSON.stringify(row) + "\n") });
  await admin.getByRole("button", { name: "Upload and preview" }).click();
  await expectFaithful(admin, admin.getByRole("table", { name: "First rows" }), corpus, reference);
});
