// The admin jobs pages against the real app: a job's progress, error and log as the worker would
// leave them, and cancel / retry through the UI reaching the Job row and the queue.
import { expect, test } from "@playwright/test";
import { withDatabase } from "./database";
import { signInAs } from "./helpers";

test("an admin follows a job's progress, reads why one failed, cancels and retries", async ({ page }) => {
  // EXPORT jobs have no handler yet, so no worker takes these rows and they stay as written here.
  const [running, failed] = await withDatabase(async (db) => {
    const make = async (status: string, extra: string) => {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO "Job" (id, type, status, progress, "progressMessage", error, parameters, attempts, "startedAt")
         VALUES (gen_random_uuid()::text, 'EXPORT', $1, $2, $3, $4, '{"format":"trl"}', 1, now()) RETURNING id`,
        status === "RUNNING" ? [status, 0.42, "prompt 42 of 100", null] : [status, 0.1, null, extra],
      );
      return rows[0]!.id;
    };
    const ids = [await make("RUNNING", ""), await make("FAILED", "The policy server http://gpu-1:8000 answered 503 three times.")];
    await db.query(`INSERT INTO "JobLogLine" ("jobId", message, level) VALUES ($1, 'Attempt 1 of 2 started.', 'info'), ($1, 'It broke.', 'error')`, [ids[1]]);
    return ids;
  });

  await signInAs(page, "ADMIN");
  await page.goto("/admin/jobs");
  await expect(page.getByTestId("workers")).toContainText("Workers:");
  const runningRow = page.locator(`tr[data-job-id="${running}"]`);
  await expect(runningRow).toContainText("running");
  await expect(runningRow).toContainText("42% · prompt 42 of 100");
  await expect(runningRow.getByRole("progressbar")).toHaveAttribute("value", "42");

  // Progress written by a worker shows up without a reload, pushed: once the stream is
  // connected (until then the page polls), while nothing changes, it sends no requests for the list.
  const live = page.locator("section[data-stream]");
  await expect(live).toHaveAttribute("data-stream", "pending");
  const reads: string[] = [];
  page.on("request", (request) => {
    const url = request.url();
    if (url.includes("/api/trpc/") && /jobs\.(list|get)/.test(url) && !url.includes("jobs.watch")) reads.push(url);
  });
  await page.waitForTimeout(3_000);
  expect(reads).toEqual([]);
  await withDatabase((db) => db.query(`UPDATE "Job" SET progress = 0.9, "progressMessage" = 'prompt 90 of 100' WHERE id = $1`, [running]));
  await expect(runningRow).toContainText("90% · prompt 90 of 100");

  // Cancelling a running job asks its worker to stop.
  await runningRow.getByRole("button", { name: "Cancel" }).click();
  await expect(runningRow.getByRole("button", { name: "Cancelling…" })).toBeDisabled();
  const cancelRequested = await withDatabase((db) => db.query(`SELECT "cancelRequestedAt" FROM "Job" WHERE id = $1`, [running]));
  expect(cancelRequested.rows[0].cancelRequestedAt).not.toBeNull();

  // The failed job's page says why, with its log; retry queues it again under the same row.
  await page.locator(`tr[data-job-id="${failed}"]`).getByRole("link").click();
  await expect(page.getByTestId("job-error")).toHaveText("The policy server http://gpu-1:8000 answered 503 three times.");
  await expect(page.getByRole("list", { name: "Log" })).toContainText("It broke.");
  await page.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByTestId("job-status")).toContainText("queued");
  await expect(page.getByRole("list", { name: "Log" })).toContainText("Retried by");
  // The queued job's page is pushed its changes (a worker's log line here) without polling.
  await expect(live).toHaveAttribute("data-stream", "pending");
  reads.length = 0;
  await page.waitForTimeout(3_000);
  expect(reads).toEqual([]);
  await withDatabase((db) => db.query(`INSERT INTO "JobLogLine" ("jobId", message) VALUES ($1, 'Pushed to the page.')`, [failed]));
  await expect(page.getByRole("list", { name: "Log" })).toContainText("Pushed to the page.");
  const retried = await withDatabase((db) =>
    db.query(`SELECT j.status, j.error, q.id IS NOT NULL AS "hasMessage" FROM "Job" j LEFT JOIN pgboss.job q ON q.id::text = j."queueJobId" WHERE j.id = $1`, [failed]),
  );
  expect(retried.rows[0]).toEqual({ status: "QUEUED", error: null, hasMessage: true });

  // A queued job is cancelled at once.
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("job-status")).toContainText("cancelled");
  await expect(page.getByRole("button", { name: "Retry" })).toBeVisible();
});
