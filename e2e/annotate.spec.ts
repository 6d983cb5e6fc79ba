import { expect, type Page, test } from "@playwright/test";
import { withDatabase } from "./database";
import { closeBatches, makeUser, NEXT_ROUND_NUMBER, type SpecUser, signInAsUser } from "./helpers";

// The two tests share one batch and run in order.
test.describe.configure({ mode: "serial" });

// Two annotators of its own, and a batch of its own served before the demo batch: an
// untrusted-HTML pair, then safety, helpfulness, safety, helpfulness, helpfulness pairs reusing
// demo prompts. Closed afterwards.
let first: SpecUser;
let second: SpecUser;
test.beforeAll(async () => {
  first = await makeUser("ANNOTATOR", "Annotate spec first");
  second = await makeUser("ANNOTATOR", "Annotate spec second");
  await withDatabase(async (db) => {
    await db.query(`
      INSERT INTO "Round" (id, number, name, status) VALUES ('e2e-round', ${NEXT_ROUND_NUMBER}, 'E2E round', 'ACTIVE');
      INSERT INTO "Batch" (id, "roundId", name, status, priority, "annotationsPerPair")
        VALUES ('e2e-batch', 'e2e-round', 'E2E batch', 'OPEN', 50, 2);
      INSERT INTO "Prompt" (id, protocol, source, "contentHash", turns)
        VALUES ('e2e-xss', 'HELPFULNESS', 'e2e', 'e2e-xss', ARRAY['Show me some **HTML** <img src=x onerror="window.__pwned=1">']);
      INSERT INTO "Response" (id, "promptId", text, source) VALUES
        ('e2e-xss-a', 'e2e-xss', 'Here: <script>window.__pwned=2</script> and [a link](javascript:window.__pwned=3)', 'e2e'),
        ('e2e-xss-b', 'e2e-xss', 'Plain answer with *emphasis*.', 'e2e');`);
    await db.query(`
      INSERT INTO "Pair" (id, "batchId", "promptId", "responseAId", "responseBId", "requiredAnnotations", strategy, "createdAt")
      VALUES ('e2e-pair-0', 'e2e-batch', 'e2e-xss', 'e2e-xss-a', 'e2e-xss-b', 2, 'e2e', now() - interval '1 hour')`);
    // Five more pairs from the demo prompts, in this order.
    const { rows } = await db.query<{ id: string; protocol: string }>(`
      (SELECT id, protocol::text FROM "Prompt" WHERE source = 'demo' AND protocol = 'HELPFULNESS' ORDER BY "createdAt" LIMIT 3)
      UNION ALL
      (SELECT id, protocol::text FROM "Prompt" WHERE source = 'demo' AND protocol = 'SAFETY' ORDER BY "createdAt" LIMIT 2)`);
    const order = [rows[3], rows[0], rows[4], rows[1], rows[2]];
    for (const [i, prompt] of order.entries()) {
      await db.query(
        `INSERT INTO "Pair" (id, "batchId", "promptId", "responseAId", "responseBId", "requiredAnnotations", strategy, "createdAt")
         SELECT $1, 'e2e-batch', $2, min(r.id) , max(r.id), 2, 'e2e', now() - make_interval(mins => 50 - $3::int)
         FROM "Response" r WHERE r."promptId" = $2`,
        [`e2e-pair-${i + 1}`, prompt!.id, i],
      );
    }
  });
});

test.afterAll(() => closeBatches(["e2e-batch"], [first.id, second.id]));

async function currentAssignment(page: Page) {
  return (await page.locator(".task[data-assignment]").getAttribute("data-assignment"))!;
}

/** Presses the keys and waits for the next pair to replace this one. */
async function pressAndWaitForNext(page: Page, keys: string[]) {
  const before = await currentAssignment(page);
  for (const key of keys) await page.keyboard.press(key);
  await expect(page.locator(".task[data-assignment]")).not.toHaveAttribute("data-assignment", before);
  return before;
}

async function assignmentRow(id: string) {
  return withDatabase(async (db) => (await db.query(`SELECT * FROM "Assignment" WHERE id = $1`, [id])).rows[0]);
}

test("an annotator labels, undoes, skips and flags with the keyboard alone; the rows match the keys", async ({ page }) => {
  await signInAsUser(page, first);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your queue");

  // Pair 0: model output with HTML is shown inert.
  await expect(page.locator(".task")).toContainText("Plain answer with emphasis.");
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(page.locator(".task script, .task img")).toHaveCount(0);
  await expect(page.locator('.task a[href^="javascript:"]')).toHaveCount(0);

  // The help overlay opens with ? and closes with Escape.
  await page.keyboard.press("?");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toHaveCount(0);

  // Enter on an incomplete judgement says what is missing and submits nothing.
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("submit-hint")).toContainText("Missing:");

  const a0 = await pressAndWaitForNext(page, ["b", "2", "Enter"]); // B better, "better"
  await expect(page.getByTestId("task-protocol")).toHaveText(/safety/i);
  await expect(page.getByRole("radiogroup", { name: "Safety label" })).toBeVisible();
  await expect(page.locator(".compare")).toContainText(/safer response is/i);
  const a1 = await pressAndWaitForNext(page, ["a", "1", "q", "Enter"]); // safety: A, significantly, chosen safe
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("4");
  await page.keyboard.press("c");
  await page.keyboard.type("Both fine; B a bit clearer");
  await page.keyboard.press("Escape");
  const a2 = await pressAndWaitForNext(page, ["Enter"]);

  // Undo brings the pair back with the answer filled in; it is corrected and resubmitted.
  const afterUndo = await currentAssignment(page);
  await page.keyboard.press("u");
  await expect(page.locator(".task[data-assignment]")).toHaveAttribute("data-assignment", a2);
  await expect(page.getByRole("radio", { name: "B is better" })).toBeChecked();
  await pressAndWaitForNext(page, ["3", "Enter"]); // now "slightly better"
  expect(await currentAssignment(page)).toBe(afterUndo);

  // Pair 4 is skipped and pair 5 flagged, through their dialogs, by keyboard.
  await page.keyboard.press("s");
  await expect(page.getByRole("dialog", { name: "Skip this pair" })).toBeVisible();
  const a4 = await pressAndWaitForNext(page, ["2", "Enter"]);
  await page.keyboard.press("f");
  await expect(page.getByRole("dialog", { name: "Flag this pair" })).toBeVisible();
  const a5 = await pressAndWaitForNext(page, ["1", "Enter"]);
  await expect(page.getByTestId("done-today")).toHaveText("3");

  const rows = await withDatabase(async (db) => {
    const result = await db.query(
      `SELECT c.*, a."leftSide" AS shown_left FROM "Comparison" c JOIN "Assignment" a ON a.id = c."assignmentId"
       WHERE c."assignmentId" = ANY($1) ORDER BY c."createdAt"`,
      [[a0, a1, a2]],
    );
    return result.rows;
  });
  const other = (side: string) => (side === "A" ? "B" : "A");
  expect(rows.map((r) => r.assignmentId)).toEqual([a0, a1, a2]);
  expect(rows[0]).toMatchObject({ pairId: "e2e-pair-0", chosen: other(rows[0].shown_left), strength: "BETTER", safetyLabel: null });
  expect(rows[1]).toMatchObject({ pairId: "e2e-pair-1", chosen: rows[1].shown_left, strength: "SIGNIFICANTLY_BETTER", safetyLabel: "CHOSEN_SAFE_OTHER_UNSAFE" });
  expect(rows[2]).toMatchObject({
    pairId: "e2e-pair-2",
    chosen: other(rows[2].shown_left),
    strength: "SLIGHTLY_BETTER",
    comment: "Both fine; B a bit clearer",
  });
  for (const row of rows) {
    expect(row.leftSide).toBe(row.shown_left);
    expect(row.timeOnTaskMs).toBeGreaterThan(0);
  }
  expect(await assignmentRow(a4)).toMatchObject({ skipReason: "Outside my expertise", flagReason: null });
  expect(await assignmentRow(a5)).toMatchObject({ flagReason: "Response is empty or broken", skipReason: null });
});

test("a second annotator gets the same pairs but never sees the first one's labels", async ({ page }) => {
  await page.context().clearCookies();
  await signInAsUser(page, second);
  const first = await currentAssignment(page);
  const pairId = (await assignmentRow(first)).pairId;
  expect(pairId).toBe("e2e-pair-0");
  const task = page.locator(".task");
  await expect(task).not.toContainText("Both fine; B a bit clearer");
  await expect(page.getByRole("radio", { name: "A is better" })).not.toBeChecked();
  await expect(page.getByRole("radio", { name: "B is better" })).not.toBeChecked();
  // Nothing in the API response carries another annotator's answer either.
  const body = await (await page.request.get("/api/trpc/annotate.current?batch=1&input=%7B%7D")).text();
  expect(body).not.toMatch(/comparison|strength|chosen|isGold|annotator/i);
});
