"use client";
// The dialogue so far: the system prompt (collapsed) and every turn, oldest first.
import { memo } from "react";
import type { Task } from "~/server/annotation/annotation.schema";
import { Markdown } from "../../_components/Markdown";

const roleLabel = { USER: "User", ASSISTANT: "Assistant" } as const;

export const Dialogue = memo(function Dialogue({ systemPrompt, turns }: Pick<Task, "systemPrompt" | "turns">) {
  return (
    <section className="dialogue" aria-labelledby="dialogue-heading">
      <h2 id="dialogue-heading" className="section-title">
        Dialogue <span className="muted">({turns.length} {turns.length === 1 ? "turn" : "turns"})</span>
      </h2>
      {systemPrompt && (
        <details className="system-prompt">
          <summary>System prompt</summary>
          <Markdown text={systemPrompt} />
        </details>
      )}
      <ol className="turns">
        {turns.map((turn, i) => (
          <li key={i} className={`turn turn-${turn.role.toLowerCase()}`}>
            <div className="turn-role">{roleLabel[turn.role]}</div>
            <Markdown text={turn.content} />
          </li>
        ))}
      </ol>
    </section>
  );
});
