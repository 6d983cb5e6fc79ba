import type { ChatDialogue } from "../policy-backend";

/** A multi-turn dialogue with a system prompt: every part of the Llama 2 format at once. */
export const multiTurnDialogue: ChatDialogue = {
  systemPrompt: "You are a helpful, respectful and honest assistant.",
  turns: [
    { role: "USER", content: "Name a colour." },
    { role: "ASSISTANT", content: "Blue." },
    { role: "USER", content: "Another one, in French?" },
  ],
};
