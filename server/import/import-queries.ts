// What the admin import page lists: recent imports with their provenance, and an import's prompts.
import { z } from "zod";
import type { DbOrTx } from "../db/types";
import { turnsFromTexts } from "../prompts/turns";

export function listImports(db: DbOrTx) {
  return db.datasetImport.findMany({
    orderBy: { createdAt: "desc" },
    take: 50,
    select: {
      id: true, kind: true, sourceName: true, fileName: true, fileSha256: true, format: true, licence: true, jobId: true,
      rows: true, inserted: true, duplicates: true, createdAt: true, batch: { select: { id: true, name: true } },
      createdBy: { select: { name: true } },
    },
  });
}

export const importPromptsInput = z.object({ importId: z.string().min(1).max(64), take: z.number().int().min(1).max(200).default(50) });

/** The prompts an import brought in (first `take`), each with its dialogue. */
export async function importPrompts(db: DbOrTx, input: z.infer<typeof importPromptsInput>) {
  const prompts = await db.prompt.findMany({
    where: { importId: input.importId },
    orderBy: { id: "asc" },
    take: input.take,
    select: { id: true, protocol: true, systemPrompt: true, riskCategory: true, attackVector: true, source: true, turns: true },
  });
  const total = await db.prompt.count({ where: { importId: input.importId } });
  return { total, prompts: prompts.map((p) => ({ ...p, turns: turnsFromTexts(p.turns) })) };
}
