import llamaTokenizer from "llama-tokenizer-js";
import { describe, expect, it } from "vitest";
import { llama2AnsweredTokens, llama2ChatText, llama2ChatTokens } from "./llama2-chat";

const encode = (text: string) => llamaTokenizer.encode(text, false) as number[];

describe("Llama 2 chat format", () => {
  it("gives the known token ids of the Llama 2 tokenizer", () => {
    // "[INST]" = ▁[ INST ], "[/INST]" = ▁[ / INST ], "▁hello" = 22172; BOS = 1.
    expect(llama2ChatTokens({ turns: [{ role: "USER", content: "hello" }] }, encode)).toEqual([
      1, 518, 25580, 29962, 22172, 518, 29914, 25580, 29962,
    ]);
    // "<<SYS>>\n" = 3532 14816 29903 6778 13 and "\n<</SYS>>\n\n" = 13 29966 829 14816 29903 6778 13 13.
    const withSystem = llama2ChatTokens({ systemPrompt: "You are helpful.", turns: [{ role: "USER", content: "Hi there" }] }, encode);
    expect(withSystem.slice(0, 9)).toEqual([1, 518, 25580, 29962, 3532, 14816, 29903, 6778, 13]);
    expect(withSystem).toContain(29966);
    expect(withSystem.slice(-4)).toEqual([518, 29914, 25580, 29962]);
  });

  it("encodes each earlier exchange with BOS and EOS, and the last user turn without EOS", () => {
    const tokens = llama2ChatTokens(
      {
        turns: [
          { role: "USER", content: " First? " },
          { role: "ASSISTANT", content: "Answer.\n" },
          { role: "USER", content: "Second?" },
        ],
      },
      encode,
    );
    const first = [1, ...encode("[INST] First? [/INST] Answer. "), 2];
    expect(tokens).toEqual([...first, 1, ...encode("[INST] Second? [/INST]")]);
    expect(tokens.filter((t) => t === 2)).toHaveLength(1);
  });

  it("encodes an answer as one more completed exchange, after the prompt's own ids", () => {
    const dialogue = { systemPrompt: "Be brief.", turns: [{ role: "USER" as const, content: "Q1" }, { role: "ASSISTANT" as const, content: "A1" }, { role: "USER" as const, content: "Q2]" }] };
    for (const answer of ["Sure, here it is.", " ]leading bracket", "\nNew line first", "數字 and emoji 🙂"]) {
      const prompt = llama2ChatTokens(dialogue, encode);
      const answered = llama2AnsweredTokens(dialogue, answer, encode);
      expect(answered.slice(0, prompt.length)).toEqual(prompt);
      expect(answered.slice(prompt.length)).toEqual([...encode(`${answer.trim()} `), 2]);
      expect(answered.slice(prompt.length - 4)).toEqual([...encode(`[/INST] ${answer.trim()} `), 2]);
    }
    expect(() => llama2AnsweredTokens({ turns: [] }, "x", encode)).toThrow(/alternates/);
  });

  it("renders the same as Hugging Face's chat template text", () => {
    expect(
      llama2ChatText({
        systemPrompt: "Be brief.",
        turns: [
          { role: "USER", content: "Q1" },
          { role: "ASSISTANT", content: " A1 " },
          { role: "USER", content: "Q2" },
        ],
      }),
    ).toBe("<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nQ1 [/INST] A1 </s><s>[INST] Q2 [/INST]");
  });

  it("refuses dialogues that do not alternate or end with the assistant", () => {
    expect(() => llama2ChatText({ turns: [] })).toThrow(/alternates/);
    expect(() => llama2ChatText({ turns: [{ role: "ASSISTANT", content: "x" }] })).toThrow("Turn 0 must be USER, not ASSISTANT.");
    expect(() =>
      llama2ChatText({ turns: [{ role: "USER", content: "a" }, { role: "ASSISTANT", content: "b" }] }),
    ).toThrow(/ends with a user turn/);
  });
});
