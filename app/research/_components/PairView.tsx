// A pair as annotators saw it, for researchers: whether it was removed from its batch or its
// prompt marked bad, the dialogue (the system prompt first, when the page has it) and both stored
// responses side by side. The batch page and the review queue both show pairs this way.
import { Markdown } from "../../_components/Markdown";

type Turn = { role: "USER" | "ASSISTANT"; content: string };
export type ViewedPair = {
  removedAt: Date | string | null;
  removedReason: string | null;
  prompt: { badAt: Date | string | null; badReason: string | null; systemPrompt?: string | null; turns: readonly Turn[] };
  responseA: { text: string };
  responseB: { text: string };
};

export function PairView({ pair }: { pair: ViewedPair }) {
  const { prompt } = pair;
  return (
    <>
      {pair.removedAt && (
        <p className="review-state" data-testid="pair-removed">
          <span className="badge">Removed from the batch</span> {pair.removedReason}
        </p>
      )}
      {prompt.badAt && (
        <p className="review-state" data-testid="prompt-bad">
          <span className="badge">Prompt marked bad</span> {prompt.badReason}
        </p>
      )}
      <ol className="turns" aria-label="Dialogue">
        {prompt.systemPrompt && (
          <li className="turn">
            <div className="turn-role">System</div>
            <Markdown text={prompt.systemPrompt} />
          </li>
        )}
        {prompt.turns.map((t, i) => (
          <li key={i} className={t.role === "USER" ? "turn turn-user" : "turn"}>
            <div className="turn-role">{t.role === "USER" ? "User" : "Assistant"}</div>
            <Markdown text={t.content} />
          </li>
        ))}
      </ol>
      <div className="responses">
        <section className="response" aria-label="Response A">
          <h3>Response A</h3>
          <Markdown text={pair.responseA.text} />
        </section>
        <section className="response" aria-label="Response B">
          <h3>Response B</h3>
          <Markdown text={pair.responseB.text} />
        </section>
      </div>
    </>
  );
}
