"use client";
// One of the two candidate responses. "A" is always task.left, "B" task.right.
import { memo } from "react";
import { Markdown } from "../../_components/Markdown";

export const ResponsePanel = memo(function ResponsePanel({
  side,
  text,
  chosen,
}: {
  side: "A" | "B";
  text: string;
  chosen: boolean;
}) {
  const id = `response-${side.toLowerCase()}-heading`;
  return (
    <article className={`response card${chosen ? " is-chosen" : ""}`} aria-labelledby={id} data-side={side}>
      <header className="response-head">
        <h2 id={id}>Response {side}</h2>
        {/* Always rendered (hidden by CSS when not chosen) so choosing never moves anything. */}
        <span className="response-chosen">Chosen</span>
        <span className="key-hint" aria-hidden="true">
          <kbd>{side}</kbd> or <kbd>{side === "A" ? "←" : "→"}</kbd>
        </span>
      </header>
      {text.trim() ? <Markdown text={text} /> : <p className="muted empty-response">(empty response)</p>}
    </article>
  );
});
