// A prompt's turns as stored (Prompt.turns: one array of texts) and as everything else reads
// them (role and content). Llama 2's chat format alternates the user and the assistant, user
// first, and a prompt ends with the user's turn, so a turn's role is its position.
import type { DialogueTurn } from "./content-hash";

export function turnsFromTexts(texts: readonly string[]): DialogueTurn[] {
  return texts.map((content, i) => ({ role: i % 2 === 0 ? "USER" : "ASSISTANT", content }));
}

/** The texts to store; refuses turns that do not alternate user first, or do not end with the user's. */
export function textsFromTurns(turns: readonly DialogueTurn[]): string[] {
  turns.forEach((turn, i) => {
    if (turn.role !== (i % 2 === 0 ? "USER" : "ASSISTANT")) throw new Error(`turn ${i + 1} is the ${turn.role.toLowerCase()}'s; a dialogue alternates user and assistant, user first`);
  });
  if (turns.length % 2 === 0) throw new Error("a dialogue ends with the user's turn");
  return turns.map((t) => t.content);
}
