// A dialogue as Llama 2's chat format has it: the user and the assistant alternate, the user
// first, and a prompt ends with the user's turn. This file is the only place that rule is
// written; the database keeps it too (manual_prompt_turns_end_with_user) as the last guard.

export type ChatRole = "USER" | "ASSISTANT";
export type ChatTurn = { role: ChatRole; content: string };
export type ChatDialogue = { systemPrompt?: string | null; turns: ChatTurn[] };

/** The role of the turn at a 0-based position. */
export function roleAt(position: number): ChatRole {
  return position % 2 === 0 ? "USER" : "ASSISTANT";
}

/** The same, in SQL, for a 1-based ordinal such as `unnest(turns) WITH ORDINALITY`. */
export function sqlRoleAtOrdinal(ordinal: string): string {
  return `CASE WHEN ${ordinal} % 2 = 1 THEN 'USER' ELSE 'ASSISTANT' END`;
}

export type TurnOrderProblem =
  /** The turn at `position` has the wrong role for its place. */
  | { kind: "out-of-order"; position: number; role: ChatRole }
  /** No turns at all, or the last one is the assistant's (only when a prompt is asked for). */
  | { kind: "empty" }
  | { kind: "ends-with-assistant" };

/**
 * What is wrong with the order of these turns, or null. `prompt`: the dialogue is a prompt to be
 * answered, so it must also be non-empty and end with the user's turn.
 */
export function turnOrderProblem(turns: readonly { role: ChatRole }[], { prompt }: { prompt: boolean }): TurnOrderProblem | null {
  const position = turns.findIndex((turn, i) => turn.role !== roleAt(i));
  if (position >= 0) return { kind: "out-of-order", position, role: turns[position]!.role };
  if (prompt && turns.length === 0) return { kind: "empty" };
  if (prompt && turns.length % 2 === 0) return { kind: "ends-with-assistant" };
  return null;
}
