// One pair, the way Llama 2 collected them: the same dialogue answered once by side A and once
// by side B (two variants, or one variant at two temperatures), each response stored with how it
// was made; never two responses with the same text (sampleDistinctPair). Shared by pair
// generation and prompt writing.
import type { PolicyVariant, Prompt } from "@prisma/client";
import type { DbOrTx, Tx } from "../../server/db/types";
import { JobError } from "../../server/jobs/job-handler";
import { identicalResponses, MAX_IDENTICAL_RESAMPLES, nextSeed } from "../../server/pair-generation/identical-responses";
import { turnsFromTexts } from "../../server/prompts/turns";
import type { ChatDialogue, Generation, PolicyBackend } from "../policy/policy-backend";

/** A job's variant, which may have been deleted since the job was queued; `field` names it. */
export async function variantOrFail(db: DbOrTx, variantId: string, field: string): Promise<PolicyVariant> {
  const variant = await db.policyVariant.findUnique({ where: { id: variantId } });
  if (!variant) throw new JobError(`${field}: the policy variant ${variantId} no longer exists.`);
  return variant;
}

export type PairSide = { variant: PolicyVariant; temperature: number; seed: number };

/**
 * The dialogue a variant answers: the prompt's turns, with the variant's system prompt (e.g. a
 * safety preprompt, METHOD.md §4) put before the prompt's own, when both have one.
 */
export function dialogueFor(prompt: Pick<Prompt, "systemPrompt" | "turns">, variant: Pick<PolicyVariant, "systemPrompt">): ChatDialogue {
  const system = [variant.systemPrompt, prompt.systemPrompt].filter((s): s is string => !!s?.trim()).join("\n\n");
  return { systemPrompt: system || null, turns: turnsFromTexts(prompt.turns) };
}

export type SamplePairRequest = {
  prompt: Parameters<typeof dialogueFor>[0];
  sides: [PairSide, PairSide];
  topP: number;
  maxTokens: number;
  openBackend: (variant: PolicyVariant) => Promise<PolicyBackend>;
  signal?: AbortSignal;
  /** Text so far of side 0 (A) or 1 (B). */
  onText?: (side: 0 | 1, textSoFar: string) => void;
  /** Side 0 (A) or 1 (B) has finished. */
  onDone?: (side: 0 | 1, generation: Generation) => void;
};

async function sampleSide(request: SamplePairRequest, index: 0 | 1, side: PairSide): Promise<Generation> {
  const backend = await request.openBackend(side.variant);
  const [generation] = await backend.generate({
    dialogue: dialogueFor(request.prompt, side.variant),
    sampling: { temperature: side.temperature, topP: request.topP, maxTokens: request.maxTokens, seed: side.seed },
    n: 1,
    signal: request.signal,
    onText: request.onText ? (_i, text) => request.onText!(index, text) : undefined,
  });
  if (!generation) throw new Error(`${side.variant.name} returned no sample.`);
  request.onDone?.(index, generation);
  return generation;
}

/** Both responses; the two run at once (a backend serialises them if it must). */
export async function samplePair(request: SamplePairRequest): Promise<[Generation, Generation]> {
  return Promise.all([sampleSide(request, 0, request.sides[0]), sampleSide(request, 1, request.sides[1])]);
}

export type SampledSide = PairSide & { generation: Generation };

/** A pair to store (side B as finally drawn, with the seed that drew it), or why there is none. */
export type DistinctPair =
  | { kind: "pair"; sides: [SampledSide, SampledSide]; resampled: number }
  | { kind: "identical"; text: string; seeds: number[] };

/**
 * Both responses, different after trimming: while side B gives the same text as side A, B is
 * drawn again with the next seed, at most MAX_IDENTICAL_RESAMPLES times; after that the prompt
 * gets no pair ("identical", with every seed B was drawn with), for the caller to report.
 */
export async function sampleDistinctPair(request: SamplePairRequest): Promise<DistinctPair> {
  const [a, first] = await samplePair(request);
  let side: SampledSide = { ...request.sides[1], generation: first };
  const seeds = [side.seed];
  while (identicalResponses(a.text, side.generation.text)) {
    if (seeds.length > MAX_IDENTICAL_RESAMPLES) return { kind: "identical", text: a.text, seeds };
    const next = { ...request.sides[1], seed: nextSeed(side.seed) };
    seeds.push(next.seed);
    side = { ...next, generation: await sampleSide(request, 1, next) };
  }
  return { kind: "pair", sides: [{ ...request.sides[0], generation: a }, side], resampled: seeds.length - 1 };
}

export type StorePairRequest = {
  promptId: string;
  batchId: string;
  requiredAnnotations: number;
  strategy: string;
  jobId: string;
  roundId: string | null;
  topP: number;
  maxTokens: number;
  sides: [SampledSide, SampledSide];
};

/**
 * The two responses with full provenance and their pair, inside the caller's transaction (the
 * job's fenced one). Side A is the job's sample 0 of the prompt and side B its sample 1: a second
 * copy of either, from the same job, is refused by the schema (manual_response_job_sample).
 */
export async function storePair(tx: Tx, request: StorePairRequest) {
  if (identicalResponses(request.sides[0].generation.text, request.sides[1].generation.text)) {
    throw new Error(`The two responses to prompt ${request.promptId} are the same text; no pair is stored.`);
  }
  const ids: string[] = [];
  for (const [sampleIndex, side] of request.sides.entries()) {
    const response = await tx.response.create({
        data: {
          promptId: request.promptId,
          sampleIndex,
          text: side.generation.text,
          policyVariantId: side.variant.id,
          temperature: side.temperature,
          topP: request.topP,
          maxTokens: request.maxTokens,
          seed: side.seed,
          roundId: request.roundId,
          jobId: request.jobId,
          tokenCount: side.generation.tokenCount,
          durationMs: Math.round(side.generation.durationMs),
        },
        select: { id: true },
    });
    ids.push(response.id);
  }
  return tx.pair.create({
    data: {
      batchId: request.batchId,
      promptId: request.promptId,
      responseAId: ids[0]!,
      responseBId: ids[1]!,
      requiredAnnotations: request.requiredAnnotations,
      strategy: request.strategy,
    },
    select: { id: true },
  });
}
