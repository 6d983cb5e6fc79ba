// Prompt writing: an annotator writes a prompt (or the next turn of a dialogue they compared),
// follows the two responses being generated, and retries if a worker failed. Each annotator
// sees and retries only their own writing jobs (checked in server/prompt-writing).
import { lastComparedDialogue, retryWritingJob, writePrompt, writingJobView } from "../../prompt-writing/prompt-writing";
import { saveWritingSettingsInput, writePromptInput, writingJobInput } from "../../prompt-writing/prompt-writing.schema";
import { readWritingSettings, saveWritingSettings, writingSides } from "../../prompt-writing/writing-settings";
import { adminProcedure, annotatorProcedure, createTRPCRouter } from "../trpc";

export const promptWritingRouter = createTRPCRouter({
  lastDialogue: annotatorProcedure.query(({ ctx }) => lastComparedDialogue(ctx.db, ctx.user.id)),
  write: annotatorProcedure.input(writePromptInput).mutation(({ ctx, input }) => writePrompt(ctx.db, ctx.user, input)),
  job: annotatorProcedure.input(writingJobInput).query(({ ctx, input }) => writingJobView(ctx.db, ctx.user, input.jobId)),
  retry: annotatorProcedure.input(writingJobInput).mutation(({ ctx, input }) => retryWritingJob(ctx.db, ctx.user, input.jobId)),
  /** The admin's setting of the sides, and the sides in effect (the setting or the default). */
  settings: adminProcedure.query(async ({ ctx }) => ({
    settings: await readWritingSettings(ctx.db),
    effective: await writingSides(ctx.db).catch(() => null),
  })),
  saveSettings: adminProcedure.input(saveWritingSettingsInput).mutation(({ ctx, input }) => saveWritingSettings(ctx.db, input.settings)),
});
