// The identity of a dialogue: the same system prompt and turns give the same hash, whatever
// file or source they came from, so a dialogue is stored once.
import crypto from "node:crypto";
import type { ChatTurn } from "./dialogue";

export type DialogueTurn = ChatTurn;

export function dialogueHash(dialogue: { systemPrompt?: string | null; turns: DialogueTurn[] }): string {
  const canonical = JSON.stringify({
    system: dialogue.systemPrompt?.trim() ?? "",
    turns: dialogue.turns.map((t) => [t.role, t.content.trim()]),
  });
  return crypto.createHash("sha256").update(canonical).digest("hex");
}
