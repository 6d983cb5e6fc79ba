// Handlers for testing the job machinery itself (never registered in a real worker). Each writes
// a Prompt tagged with its job id, as a real handler writes results, so tests can see whether
// cleanup removed partial work.
import { z } from "zod";
import type { JobHandler } from "../../../server/jobs/job-handler";
import { JobError } from "../../../server/jobs/job-handler";

const parameters = z.object({
  steps: z.number().int().min(0).default(3),
  failAt: z.number().int().optional(),
  stepMs: z.number().int().default(10),
  /** Before each step after the first, wait for the test's log line "continue to step N". */
  gated: z.boolean().default(false),
});

/** Waits until the job's log has `message` (written by the test), or the job is aborted. */
async function gate(db: Parameters<JobHandler["run"]>[0]["db"], jobId: string, message: string, signal: AbortSignal) {
  while (!(await db.jobLogLine.findFirst({ where: { jobId, message }, select: { id: true } }))) {
    signal.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const fixtureSource = (jobId: string) => `job-fixture:${jobId}`;

async function writePartial(transaction: Parameters<JobHandler["run"]>[0]["transaction"], jobId: string, step: number) {
  await transaction((tx) =>
    tx.prompt.create({ data: { protocol: "HELPFULNESS", source: fixtureSource(jobId), contentHash: `${jobId}-${step}`, turns: [`step ${step}`] } }),
  );
}

/** Counts steps, writing one prompt per step; fails at `failAt`; stops when cancelled. */
export const stepsHandler: JobHandler<z.infer<typeof parameters>> = {
  type: "EMBEDDING",
  parameters,
  async run({ job, parameters: p, db, transaction, progress, log, setLive, signal }) {
    for (let step = 0; step < p.steps; step++) {
      if (p.gated && step > 0) await gate(db, job.id, `continue to step ${step + 1}`, signal);
      if (step === p.failAt) throw new JobError(`step ${step} failed on purpose`);
      await writePartial(transaction, job.id, step);
      setLive({ step });
      await progress((step + 1) / p.steps, `step ${step + 1} of ${p.steps}`);
      await log(`step ${step + 1}`);
      await new Promise((resolve) => setTimeout(resolve, p.stepMs));
      signal.throwIfAborted();
    }
    return { steps: p.steps };
  },
  async cleanup({ jobId, db }) {
    await db.prompt.deleteMany({ where: { source: fixtureSource(jobId) } });
  },
};

/** Writes one partial result, then waits until it is aborted (or its process is killed). */
export const hangingHandler: JobHandler<z.infer<typeof parameters>> = {
  ...stepsHandler,
  async run({ job, transaction, progress, signal }) {
    await writePartial(transaction, job.id, 0);
    await progress(0.5, "waiting forever");
    await new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
  },
};
