import { expect, test } from "@playwright/test";
import { withDatabase } from "./database";
import { makeUser, NEXT_ROUND_NUMBER, signInAs } from "./helpers";

// A closed round and batch of its own (never served to annotators), with seven comparisons by
// three annotators of its own on days long past:
//
//   pair  protocol     annotator  chosen strength     left  safety label              day
//   dh-0  helpfulness  Ana        A      significant  A                               2025-03-10
//   dh-0  helpfulness  Ben        A      better       B                               2025-03-10
//   dh-1  helpfulness  Ana        B      negligible   B                               2025-03-10
//   dh-2  helpfulness  Chen       A      slightly     A                               2025-03-10
//   ds-0  safety       Ana        A      better       A     both safe                 2025-03-12
//   ds-0  safety       Ben        B      negligible   A     both unsafe               2025-03-12
//   ds-1  safety       Chen       A      significant  B     chosen safe, other unsafe 2025-03-12
test.beforeAll(async () => {
  const [ana, ben, chen] = [await makeUser("ANNOTATOR", "Ana Dashboard"), await makeUser("ANNOTATOR", "Ben Dashboard"), await makeUser("ANNOTATOR", "Chen Dashboard")];
  await withDatabase(async (db) => {
    await db.query(`
      INSERT INTO "Round" (id, number, name, status) VALUES ('e2e-dash-round', ${NEXT_ROUND_NUMBER}, 'Dashboard round', 'COMPLETE')
        ON CONFLICT DO NOTHING;
      INSERT INTO "Batch" (id, "roundId", name, status, "annotationsPerPair")
        VALUES ('e2e-dash-batch', 'e2e-dash-round', 'Dashboard batch', 'CLOSED', 2)
        ON CONFLICT DO NOTHING;`);
    const { rows: prompts } = await db.query<{ id: string; protocol: string }>(`
      (SELECT id, protocol::text FROM "Prompt" WHERE source = 'demo' AND protocol = 'HELPFULNESS' ORDER BY "createdAt", id LIMIT 3)
      UNION ALL
      (SELECT id, protocol::text FROM "Prompt" WHERE source = 'demo' AND protocol = 'SAFETY' ORDER BY "createdAt", id LIMIT 2)`);
    const pairIds = ["e2e-dh-0", "e2e-dh-1", "e2e-dh-2", "e2e-ds-0", "e2e-ds-1"];
    for (const [i, prompt] of prompts.entries()) {
      await db.query(
        `INSERT INTO "Pair" (id, "batchId", "promptId", "responseAId", "responseBId", "requiredAnnotations", strategy)
         SELECT $1, 'e2e-dash-batch', $2, min(r.id), max(r.id), 2, 'e2e' FROM "Response" r WHERE r."promptId" = $2
         ON CONFLICT DO NOTHING`,
        [pairIds[i], prompt.id],
      );
    }
    await db.query(`
      INSERT INTO "Comparison" (id, "pairId", "annotatorId", chosen, strength, "safetyLabel", "leftSide", "timeOnTaskMs", "createdAt")
      SELECT v.id, v.pair, u.id, v.chosen::"Side", v.strength::"Strength", v.label::"SafetyLabel", v.left_side::"Side", v.ms, v.at::timestamp
      FROM (VALUES
        ('e2e-dc-1', 'e2e-dh-0', $1, 'A', 'SIGNIFICANTLY_BETTER', NULL, 'A', 4000, '2025-03-10 09:00'),
        ('e2e-dc-2', 'e2e-dh-0', $2, 'A', 'BETTER', NULL, 'B', 6000, '2025-03-10 10:00'),
        ('e2e-dc-3', 'e2e-dh-1', $1, 'B', 'NEGLIGIBLY_BETTER_OR_UNSURE', NULL, 'B', 8000, '2025-03-10 11:00'),
        ('e2e-dc-4', 'e2e-dh-2', $3, 'A', 'SLIGHTLY_BETTER', NULL, 'A', 5000, '2025-03-10 12:00'),
        ('e2e-dc-5', 'e2e-ds-0', $1, 'A', 'BETTER', 'BOTH_SAFE', 'A', 9000, '2025-03-12 09:00'),
        ('e2e-dc-6', 'e2e-ds-0', $2, 'B', 'NEGLIGIBLY_BETTER_OR_UNSURE', 'BOTH_UNSAFE', 'A', 7000, '2025-03-12 10:00'),
        ('e2e-dc-7', 'e2e-ds-1', $3, 'A', 'SIGNIFICANTLY_BETTER', 'CHOSEN_SAFE_OTHER_UNSAFE', 'B', 3000, '2025-03-12 11:00')
      ) AS v(id, pair, user_id, chosen, strength, label, left_side, ms, at)
      JOIN "User" u ON u.id = v.user_id
      ON CONFLICT DO NOTHING`,
      [ana!.id, ben!.id, chen!.id],
    );
    await db.query(`
      UPDATE "Pair" p SET "annotationCount" = (SELECT count(*) FROM "Comparison" c WHERE c."pairId" = p.id)
      WHERE p."batchId" = 'e2e-dash-batch';`);
  });
});

test("a researcher filters the dashboard and every chart's summary follows", async ({ page }) => {
  await signInAs(page, "RESEARCHER");
  await page.goto("/research");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Data by round and batch");
  for (const [id, title] of [
    ["over-time", "Comparisons over time"],
    ["strengths", "Strength of preference by batch"],
    ["safety", "Safety labels by batch"],
    ["position", "Position bias by batch"],
    ["annotators", "Annotators"],
  ] as const) {
    await expect(page.getByTestId(`chart-${id}`).getByRole("heading", { level: 2 })).toHaveText(title);
  }
  const summary = (id: string) => page.getByTestId(`chart-${id}-summary`);

  // Only this spec's round.
  await page.getByRole("combobox", { name: "Round", exact: true }).selectOption({ label: "Dashboard round" });
  await expect(summary("over-time")).toHaveText(
    "7 comparisons in the selection (4 helpfulness, 3 safety), from 2025-03-10 to 2025-03-12.",
  );
  await expect(page.getByRole("combobox", { name: "Batch", exact: true }).locator("option")).toHaveText(["All batches", "Dashboard batch"]);
  await expect(summary("strengths")).toHaveText(
    "7 comparisons in 1 batch; “negligibly better or unsure” 29%, “significantly better” 29%.",
  );
  await expect(summary("safety")).toHaveText(
    "3 safety comparisons in 1 batch: chosen safe & other unsafe 33%, both safe 33%, both unsafe 33%.",
  );
  await expect(summary("position")).toHaveText(
    "The response shown on the left was chosen in 57% of 7 comparisons (4); 50% means no position bias.",
  );
  await expect(page.getByTestId("chart-over-time").locator("svg.recharts-surface").first()).toBeVisible();
  await expect(page.getByTestId("chart-strengths").locator(".recharts-bar-rectangle").first()).toBeVisible();
  const annotators = page.getByRole("table", { name: "Annotators" });
  // Ana: dh-0 (Ben chose A too: agrees), ds-0 (Ben chose B: disagrees), dh-1 (nobody else).
  await expect(annotators.getByRole("row").filter({ hasText: "Ana Dashboard" }).getByRole("cell")).toHaveText([
    "Ana Dashboard",
    "3", // comparisons
    "1.5", // per active day (2025-03-10 and 2025-03-12)
    "8", // median of 4, 8 and 9 seconds
    "—", // no gold pairs
    "50%",
  ]);

  // The protocol changes every summary.
  await page.getByRole("combobox", { name: "Protocol", exact: true }).selectOption({ label: "Safety" });
  await expect(summary("over-time")).toHaveText("3 comparisons in the selection (0 helpfulness, 3 safety), on 2025-03-12.");
  await expect(summary("position")).toHaveText(
    "The response shown on the left was chosen in 33% of 3 comparisons (1); 50% means no position bias.",
  );
  await expect(summary("annotators")).toHaveText("3 annotators with 3 comparisons in the selection.");

  await page.getByRole("combobox", { name: "Protocol", exact: true }).selectOption({ label: "Helpfulness" });
  await expect(summary("over-time")).toHaveText("4 comparisons in the selection (4 helpfulness, 0 safety), on 2025-03-10.");
  await expect(summary("safety")).toHaveText("No safety comparisons in this selection.");

  // Dates: nothing of this round's helpfulness work after 2025-03-10.
  await page.getByLabel("From", { exact: true }).fill("2025-03-11");
  await expect(summary("over-time")).toHaveText("No comparisons in this selection.");
  await expect(summary("strengths")).toHaveText("No comparisons in this selection.");
  await page.getByRole("combobox", { name: "Protocol", exact: true }).selectOption({ label: "Both protocols" });
  await page.getByLabel("To", { exact: true }).fill("2025-03-12");
  await expect(summary("over-time")).toHaveText("3 comparisons in the selection (0 helpfulness, 3 safety), on 2025-03-12.");
  await page.getByLabel("To", { exact: true }).fill("2025-03-10");
  await expect(page.getByRole("alert").filter({ hasText: "must be on or before" })).toBeVisible();

  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(page.getByRole("combobox", { name: "Round", exact: true })).toHaveValue("");
  await expect(page.getByLabel("From", { exact: true })).toHaveValue("");
});
