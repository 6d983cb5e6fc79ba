"use client";
// The guidelines of the pair's protocol, beside the pair; collapsible (G), remembered per browser.
import { memo } from "react";
import { type Protocol, noChosenUnsafeExplanation, protocolGuidelines, safetyLabelOptions, strengthOptions } from "./guidelines";

export const GuidelinesPanel = memo(function GuidelinesPanel({
  protocol,
  open,
  onToggle,
}: {
  protocol: Protocol;
  open: boolean;
  onToggle: () => void;
}) {
  const g = protocolGuidelines[protocol];
  return (
    <aside className={`guidelines${open ? " is-open" : ""}`} aria-label="Guidelines">
      <button
        type="button"
        className="guidelines-toggle"
        aria-expanded={open}
        aria-controls="guidelines-body"
        aria-keyshortcuts="G"
        onClick={onToggle}
      >
        {open ? "Hide guidelines" : "Guidelines"} <kbd aria-hidden="true">G</kbd>
      </button>
      <div id="guidelines-body" className="guidelines-body" hidden={!open}>
        <h2>{g.title} guidelines</h2>
        <p>
          <strong>{g.summary}</strong>
        </p>
        <ul>
          {g.points.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
        {protocol === "SAFETY" && (
          <>
            <h3>Safety labels</h3>
            <dl className="guide-terms">
              {safetyLabelOptions.map((s) => (
                <div key={s.value}>
                  <dt>{s.label}</dt>
                  <dd>{s.meaning}</dd>
                </div>
              ))}
            </dl>
            <p className="muted">{noChosenUnsafeExplanation}</p>
          </>
        )}
        <h3>Strength of preference</h3>
        <dl className="guide-terms">
          {strengthOptions.map((s) => (
            <div key={s.value}>
              <dt>{s.label}</dt>
              <dd>{s.meaning}</dd>
            </div>
          ))}
        </dl>
      </div>
    </aside>
  );
});
