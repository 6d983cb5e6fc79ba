"use client";
// The skip and flag dialogs: pick a reason from the fixed list (digits 1–n pick one), "Other"
// opens a free-text field, Enter confirms, Esc cancels.
import { useState } from "react";
import { isTypingTarget } from "./useCompareKeyboard";
import { ModalDialog } from "./ModalDialog";

export function ReasonDialog({
  open,
  onClose,
  onConfirm,
  title,
  intro,
  reasons,
  required,
  confirmLabel,
  otherLabel,
}: {
  open: boolean;
  onClose: () => void;
  onConfirm: (reason: string | null) => void;
  title: string;
  intro: string;
  reasons: readonly string[];
  required: boolean;
  confirmLabel: string;
  otherLabel: string;
}) {
  return (
    <ModalDialog open={open} onClose={onClose} title={title} className="reason-dialog">
      <ReasonForm
        onClose={onClose}
        onConfirm={onConfirm}
        intro={intro}
        reasons={reasons}
        required={required}
        confirmLabel={confirmLabel}
        otherLabel={otherLabel}
        name={title.toLowerCase().replace(/[^a-z]+/g, "-")}
      />
    </ModalDialog>
  );
}

function ReasonForm({
  onClose,
  onConfirm,
  intro,
  reasons,
  required,
  confirmLabel,
  otherLabel,
  name,
}: {
  onClose: () => void;
  onConfirm: (reason: string | null) => void;
  intro: string;
  reasons: readonly string[];
  required: boolean;
  confirmLabel: string;
  otherLabel: string;
  name: string;
}) {
  const [reason, setReason] = useState<string | null>(null);
  const [other, setOther] = useState("");
  const isOther = reason === "Other";
  const text = other.trim();
  const value = reason === null ? null : isOther ? (text ? `Other: ${text}` : "Other") : reason;
  const valid = !required || (reason !== null && (!isOther || text.length > 0));
  const problem = !required ? null : reason === null ? "Choose a reason." : isOther && !text ? "Describe the problem." : null;

  return (
    <form
      className="stack reason-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) onConfirm(value);
      }}
      onKeyDown={(e) => {
        if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
        const n = Number(e.key);
        if (Number.isInteger(n) && n >= 1 && n <= reasons.length) {
          e.preventDefault();
          setReason(reasons[n - 1]!);
          e.currentTarget.querySelectorAll<HTMLInputElement>(`input[name="${name}"]`)[n - 1]?.focus();
        } else if (e.key === "Enter" && e.target instanceof HTMLInputElement && e.target.type === "radio") {
          e.preventDefault();
          e.currentTarget.requestSubmit();
        }
      }}
    >
      <p className="muted">{intro}</p>
      <fieldset role="radiogroup" aria-labelledby={`${name}-legend`} className="choice-group reason-group">
        <legend id={`${name}-legend`}>Reason{required ? "" : " (optional)"}</legend>
        <div className="choices choices-column">
          {reasons.map((r, i) => (
            <label key={r} className="choice">
              <input
                type="radio"
                name={name}
                value={r}
                checked={reason === r}
                onChange={() => setReason(r)}
                aria-keyshortcuts={String(i + 1)}
                data-autofocus={i === 0 ? "" : undefined}
              />
              <span className="choice-label">{r}</span>
              <span className="key-hint" aria-hidden="true">
                <kbd>{i + 1}</kbd>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      {isOther && (
        <label className="text-field">
          {otherLabel}
          <input type="text" value={other} maxLength={480} onChange={(e) => setOther(e.target.value)} autoComplete="off" />
        </label>
      )}
      <p className="reason-problem muted" aria-live="polite">
        {problem ?? " "}
      </p>
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Cancel <kbd aria-hidden="true">Esc</kbd>
        </button>
        <button type="submit" className="primary" disabled={!valid}>
          {confirmLabel} <kbd aria-hidden="true">Enter</kbd>
        </button>
      </div>
    </form>
  );
}
