"use client";
// "Saved. Undo (U)" after a submission, until the server's undo window closes. It counts down on
// its own so the rest of the screen does not re-render every second.
import { useEffect, useState } from "react";

export function UndoToast({ until, busy, onUndo }: { until: Date; busy: boolean; onUndo: () => void }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(id);
  }, []);
  const seconds = Math.max(0, Math.ceil((until.getTime() - now) / 1000));
  return (
    <div className="undo-toast" role="status" data-testid="undo-toast">
      <span>Saved.</span>
      <button type="button" onClick={onUndo} disabled={busy} aria-keyshortcuts="U">
        Undo <kbd aria-hidden="true">U</kbd>
      </button>
      <span className="muted small" aria-hidden="true">
        {seconds} s
      </span>
    </div>
  );
}
