// Rounds, batches and pairs for tests, written in bulk.
import crypto from "node:crypto";
import type { BatchStatus, Protocol } from "@prisma/client";
import { prisma } from "../db/prisma";
import { dialogueHash } from "../prompts/content-hash";
import { textsFromTurns } from "../prompts/turns";

let roundNumber = 100;

export type TestBatchOptions = {
  pairs: number;
  overlap?: number;
  priority?: number;
  status?: BatchStatus;
  goldRate?: number;
  /** Protocol of pair i. */
  protocol?: (i: number) => Protocol;
};

export async function makeBatch(options: TestBatchOptions) {
  const tag = crypto.randomBytes(4).toString("hex");
  const round = await prisma.round.create({ data: { number: roundNumber++, name: `Round ${tag}`, status: "ACTIVE" } });
  const batch = await prisma.batch.create({
    data: {
      roundId: round.id,
      name: `Batch ${tag}`,
      status: options.status ?? "OPEN",
      priority: options.priority ?? 0,
      annotationsPerPair: options.overlap ?? 1,
      goldRate: options.goldRate ?? 0,
    },
  });
  const prompts = Array.from({ length: options.pairs }, (_, i) => {
    const turns = [{ role: "USER" as const, content: `Question ${i} of ${tag}: how do tides work?` }];
    return {
      id: `${tag}-prompt-${i}`,
      protocol: options.protocol?.(i) ?? ("HELPFULNESS" as Protocol),
      source: "test",
      contentHash: dialogueHash({ turns }),
      turns,
    };
  });
  await prisma.prompt.createMany({ data: prompts.map((p) => ({ ...p, turns: textsFromTurns(p.turns) })) });
  await prisma.response.createMany({
    data: prompts.flatMap((p) => [
      { id: `${p.id}-a`, promptId: p.id, text: `Answer A to ${p.id}`, source: "test" },
      { id: `${p.id}-b`, promptId: p.id, text: `Answer B to ${p.id}`, source: "test" },
    ]),
  });
  const base = Date.now() - options.pairs * 1000;
  await prisma.pair.createMany({
    data: prompts.map((p, i) => ({
      id: `${tag}-pair-${i}`,
      batchId: batch.id,
      promptId: p.id,
      responseAId: `${p.id}-a`,
      responseBId: `${p.id}-b`,
      requiredAnnotations: options.overlap ?? 1,
      strategy: "test",
      createdAt: new Date(base + i * 1000),
    })),
  });
  return { round, batch, pairIds: prompts.map((_, i) => `${tag}-pair-${i}`) };
}
