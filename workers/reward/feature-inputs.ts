// What a reward model reads for a stored response: the dialogue of its prompt (system prompt and
// turns as stored) and the response's text.
import type { DbOrTx } from "../../server/db/types";
import { turnsFromTexts } from "../../server/prompts/turns";
import type { FeatureInput } from "../features/extractor";

const CHUNK = 5_000;

/** The feature input of each response id, in the order asked; throws naming a missing response. */
export async function featureInputsOf(db: DbOrTx, responseIds: readonly string[]): Promise<FeatureInput[]> {
  const unique = [...new Set(responseIds)];
  const byId = new Map<string, FeatureInput>();
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await db.$queryRaw<{ id: string; text: string; systemPrompt: string | null; turns: string[] }[]>`
      SELECT r.id, r.text, pr."systemPrompt", pr.turns
      FROM "Response" r JOIN "Prompt" pr ON pr.id = r."promptId"
      WHERE r.id = ANY(${unique.slice(i, i + CHUNK)}::text[])`;
    for (const row of rows) byId.set(row.id, { dialogue: { systemPrompt: row.systemPrompt, turns: turnsFromTexts(row.turns) }, response: row.text });
  }
  return responseIds.map((id) => {
    const input = byId.get(id);
    if (!input) throw new Error(`Response ${id} no longer exists.`);
    return input;
  });
}
