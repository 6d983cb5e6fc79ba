// Prompt writing, web side: the written prompt is saved at once (so nothing is lost whatever
// the workers do), then a POLICY_SAMPLING job samples two responses for it in a worker
// (workers/prompt-writing/), streaming them into the job's live output. The author follows
// that job, and only the author: another annotator asking for it gets "not found".
import crypto from "node:crypto";
import type { CurrentUser } from "../auth/current-user";
import type { Db, DbOrTx } from "../db/types";
import { enqueueJob } from "../jobs/enqueue";
import { cancelJob, retryJob } from "../jobs/job-control";
import { IDENTICAL_RESPONSES_MESSAGE } from "../pair-generation/identical-responses";
import { dialogueHash, type DialogueTurn } from "../prompts/content-hash";
import { textsFromTurns, turnsFromTexts } from "../prompts/turns";
import {
  type PromptWritingParameters,
  promptWritingParameters,
  type WritePromptInput,
  type WritingLive,
  writingLiveSchema,
} from "./prompt-writing.schema";
import { withinPendingWriteCap } from "./pending-limit";
import { writingSides } from "./writing-settings";
import { refuse } from "../errors/domain-error";

/** The dialogue of one of the user's comparisons, continued with the response they chose. */
async function continuedDialogue(db: DbOrTx, userId: string, comparisonId: string) {
  const comparison = await db.comparison.findFirst({
    where: { id: comparisonId, annotatorId: userId },
    select: {
      chosen: true,
      pair: {
        select: {
          prompt: { select: { systemPrompt: true, turns: true } },
          responseA: { select: { text: true } },
          responseB: { select: { text: true } },
        },
      },
    },
  });
  if (!comparison) throw refuse("not-found", `continueFromComparisonId: you have no comparison ${comparisonId}.`);
  const { pair } = comparison;
  const chosen = comparison.chosen === "A" ? pair.responseA.text : pair.responseB.text;
  return {
    systemPrompt: pair.prompt.systemPrompt,
    turns: [...turnsFromTexts(pair.prompt.turns), { role: "ASSISTANT" as const, content: chosen }] as DialogueTurn[],
  };
}

/** The dialogue to continue: the user's latest comparison, with the response they chose. */
export async function lastComparedDialogue(db: DbOrTx, userId: string) {
  const last = await db.comparison.findFirst({
    where: { annotatorId: userId },
    orderBy: { createdAt: "desc" },
    select: { id: true, pair: { select: { prompt: { select: { protocol: true, riskCategory: true, attackVector: true } } } } },
  });
  if (!last) return null;
  const dialogue = await continuedDialogue(db, userId, last.id);
  return { comparisonId: last.id, ...last.pair.prompt, ...dialogue };
}

/** Saves the prompt (once per dialogue) and queues the sampling of its two responses, while the
 *  author has fewer than PROMPT_WRITING_MAX_PENDING such jobs waiting (else nothing is saved). */
export function writePrompt(db: Db, user: CurrentUser, input: WritePromptInput) {
  return withinPendingWriteCap(db, user.id, () => saveAndQueue(db, user, input));
}

async function saveAndQueue(db: Db, user: CurrentUser, input: WritePromptInput) {
  const base = input.continueFromComparisonId
    ? await continuedDialogue(db, user.id, input.continueFromComparisonId)
    : { systemPrompt: null, turns: [] as DialogueTurn[] };
  const turns: DialogueTurn[] = [...base.turns, { role: "USER", content: input.message }];
  const contentHash = dialogueHash({ systemPrompt: base.systemPrompt, turns });
  const { source: _source, ...sides } = await writingSides(db);

  // The same dialogue is stored once (it may come from an import or another annotator).
  const prompt =
    (await db.prompt.findUnique({ where: { contentHash }, select: { id: true } })) ??
    (await db.prompt
      .create({
        data: {
          protocol: input.protocol,
          systemPrompt: base.systemPrompt,
          riskCategory: input.riskCategory,
          attackVector: input.attackVector,
          source: "annotator",
          contentHash,
          createdById: user.id,
          turns: textsFromTurns(turns.map((t) => ({ role: t.role, content: t.content.trim() }))),
        },
        select: { id: true },
      })
      .catch(async (error: unknown) => {
        // Written at the same moment by someone else: theirs is the same dialogue.
        const existing = await db.prompt.findUnique({ where: { contentHash }, select: { id: true } });
        if (existing) return existing;
        throw error;
      }));

  const parameters: PromptWritingParameters = promptWritingParameters.parse({
    purpose: "prompt-writing",
    promptId: prompt.id,
    authorId: user.id,
    ...sides,
    seed: crypto.randomInt(0, 2_147_483_647),
    leftSide: crypto.randomInt(2) === 0 ? "A" : "B",
  });
  const job = await enqueueJob(db, { type: "POLICY_SAMPLING", parameters, createdById: user.id });
  return { promptId: prompt.id, jobId: job.id };
}

/** The user's own writing job, or NOT_FOUND (another user's job is never revealed). */
async function ownWritingJob(db: DbOrTx, user: CurrentUser, jobId: string) {
  const job = await db.job.findUnique({ where: { id: jobId } });
  const parsed = job?.type === "POLICY_SAMPLING" ? promptWritingParameters.safeParse(job.parameters) : null;
  if (!job || !parsed?.success || job.createdById !== user.id || parsed.data.authorId !== user.id) {
    throw refuse("not-found", `jobId: you have no prompt-writing job ${jobId}.`);
  }
  return { job, parameters: parsed.data };
}

type Panel = { text: string; done: boolean } | null;

/**
 * What an annotator reads when their job failed. The job's own error can carry a policy
 * server's URL and the start of its answer (an upstream error page, a proxy's message); that is
 * for admins, who see it on the job's page.
 */
export const WRITING_FAILED_MESSAGE = "The model could not generate the responses. An admin can see why on the job's page.";

function errorFor(user: CurrentUser, job: { status: string; error: string | null }): string | null {
  if (!job.error || user.role === "ADMIN") return job.error;
  if (job.error.startsWith(IDENTICAL_RESPONSES_MESSAGE)) return IDENTICAL_RESPONSES_MESSAGE;
  return job.status === "CANCELLED" ? "The job was cancelled." : WRITING_FAILED_MESSAGE;
}

/** What the writing screen shows: the dialogue, both responses as far as they go (left and
 *  right as the author will compare them), and the job's state. */
export async function writingJobView(db: DbOrTx, user: CurrentUser, jobId: string) {
  const { job, parameters } = await ownWritingJob(db, user, jobId);
  const stored = await db.prompt.findUnique({
    where: { id: parameters.promptId },
    select: { protocol: true, systemPrompt: true, riskCategory: true, attackVector: true, turns: true },
  });
  const prompt = stored && { ...stored, turns: turnsFromTexts(stored.turns) };
  let sides: { A: Panel; B: Panel } = { A: null, B: null };
  const result = job.result as { pairId?: string } | null;
  if (job.status === "SUCCEEDED" && result?.pairId) {
    // Finished: the stored responses, exactly what will be compared.
    const pair = await db.pair.findUnique({
      where: { id: result.pairId },
      select: { responseA: { select: { text: true } }, responseB: { select: { text: true } } },
    });
    if (pair) sides = { A: { text: pair.responseA.text, done: true }, B: { text: pair.responseB.text, done: true } };
  } else {
    const live = writingLiveSchema.safeParse(job.live);
    if (live.success) sides = live.data satisfies WritingLive;
  }
  const [left, right] = parameters.leftSide === "A" ? [sides.A, sides.B] : [sides.B, sides.A];
  const workers = job.status === "QUEUED" ? await db.workerProcess.count({ where: { lastSeenAt: { gt: new Date(Date.now() - 60_000) } } }) : null;
  return {
    jobId: job.id,
    status: job.status,
    error: errorFor(user, job),
    progressMessage: job.progressMessage,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    /** While queued: how many workers are alive to pick it up. */
    workersAlive: workers,
    prompt,
    left,
    right,
    /** The pair is leased to the author: the compare screen serves it next. */
    ready: job.status === "SUCCEEDED",
  };
}

/**
 * Runs the author's job again: a failed or cancelled one from the start; one still queued (no
 * worker took it, or its message was lost) is cancelled and queued anew. A running one is left
 * alone. The prompt was saved when written, so nothing is lost either way.
 */
export async function retryWritingJob(db: Db, user: CurrentUser, jobId: string) {
  const { job } = await ownWritingJob(db, user, jobId);
  if (job.status === "RUNNING") throw refuse("conflict", "The responses are being generated right now; wait for them.");
  if (job.status === "SUCCEEDED") throw refuse("conflict", "The responses are ready: compare them.");
  if (job.status === "QUEUED") {
    const cancelled = await cancelJob(db, jobId, { name: user.name });
    if (cancelled.status !== "CANCELLED") throw refuse("conflict", "A worker has just started on it; wait for the responses.");
  }
  await withinPendingWriteCap(db, user.id, () => retryJob(db, jobId, { name: user.name }), { excludeJobId: jobId });
  return { jobId };
}
