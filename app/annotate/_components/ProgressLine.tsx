"use client";
import Link from "next/link";
// The page's heading and the annotator's progress: "N done today · M left in queue".
export function ProgressLine({
  doneToday,
  waiting,
  onHelp,
}: {
  doneToday: number | undefined;
  waiting: number | undefined;
  onHelp: () => void;
}) {
  return (
    <div className="progress-line">
      <h1>Your queue</h1>
      <p className="progress-counts" aria-live="polite">
        <span data-testid="done-today">{doneToday ?? "–"}</span> done today ·{" "}
        <span data-testid="queue-waiting">{waiting ?? "–"}</span> left in queue
      </p>
      <button type="button" className="link-button help-button" onClick={onHelp} aria-keyshortcuts="Shift+?">
        Keyboard shortcuts <kbd aria-hidden="true">?</kbd>
      </button>
      <Link href="/annotate/write" className="link-button" style={{ fontSize: "0.9rem" }} aria-keyshortcuts="P">
        Write a prompt <kbd aria-hidden="true">P</kbd>
      </Link>
    </div>
  );
}
