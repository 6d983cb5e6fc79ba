// A prompt's turns as stored (Prompt.turns: one array of texts) and as everything else reads
// them (role and content): a turn's role is its position (server/prompts/dialogue.ts).
import { type ChatTurn, roleAt, turnOrderProblem } from "./dialogue";

export function turnsFromTexts(texts: readonly string[]): ChatTurn[] {
  return texts.map((content, i) => ({ role: roleAt(i), content }));
}

/** The texts to store; refuses turns that do not alternate user first, or do not end with the user's. */
export function textsFromTurns(turns: readonly ChatTurn[]): string[] {
  const problem = turnOrderProblem(turns, { prompt: true });
  if (problem?.kind === "out-of-order") throw new Error(`turn ${problem.position + 1} is the ${problem.role.toLowerCase()}'s; a dialogue alternates user and assistant, user first`);
  if (problem) throw new Error("a dialogue ends with the user's turn");
  return turns.map((t) => t.content);
}
