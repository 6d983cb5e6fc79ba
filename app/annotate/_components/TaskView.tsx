"use client";
// One pair on screen: the dialogue, responses A and B, and the judgement form. CompareScreen
// mounts it with key={assignmentId}, so a new pair always starts from an empty form and a fresh
// timer. Only the judgement controls re-render when a choice changes; the dialogue and the
// responses are memoised on their text.
import { type KeyboardEvent as ReactKeyboardEvent, useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import {
  flagReasons,
  skipReasons,
  type SafetyLabelValue,
  type StrengthValue,
  type Task,
} from "~/server/annotation/annotation.schema";
import { Dialogue } from "./Dialogue";
import { protocolName, safetyLabel as safetyLabelInfo, safetyLabelByKey, strength as strengthInfo, strengthByKey } from "~/server/preferences/vocabulary";
import { ReasonDialog } from "./ReasonDialog";
import { ResponsePanel } from "./ResponsePanel";
import { SafetyLabelPicker } from "./SafetyLabelPicker";
import { type Pick, SidePicker } from "./SidePicker";
import { StrengthPicker } from "./StrengthPicker";
import { useCompareKeyboard } from "./useCompareKeyboard";

export type JudgementValues = {
  pick: Pick;
  strength: StrengthValue;
  safetyLabel: SafetyLabelValue | null;
  comment: string | null;
};
export type SubmitValues = JudgementValues & { timeOnTaskMs: number };

const MAX_TIME_MS = 24 * 3600 * 1000;

function judgementSentence(pick: Pick, value: StrengthValue): string {
  const [chosen, other] = pick === "LEFT" ? ["A", "B"] : ["B", "A"];
  if (strengthInfo(value).rank === 1) return `${chosen} is negligibly better than ${other}, or you are unsure.`;
  return `${chosen} is ${strengthInfo(value).phrase} than ${other}.`;
}

export function TaskView({
  task,
  initial,
  busy,
  onSubmit,
  onSkip,
  onFlag,
}: {
  task: Task;
  initial?: JudgementValues;
  busy: boolean;
  onSubmit: (values: SubmitValues) => void;
  onSkip: (reason: string | null) => void;
  onFlag: (reason: string) => void;
}) {
  const isSafety = task.protocol === "SAFETY";
  const [pick, setPick] = useState<Pick | null>(initial?.pick ?? null);
  const [strength, setStrength] = useState<StrengthValue | null>(initial?.strength ?? null);
  const [safetyLabel, setSafetyLabel] = useState<SafetyLabelValue | null>(initial?.safetyLabel ?? null);
  const [comment, setComment] = useState(initial?.comment ?? "");
  const [showMissing, setShowMissing] = useState(false);
  const [dialog, setDialog] = useState<"skip" | "flag" | null>(null);
  const startedAt = useRef(0);
  const rootRef = useRef<HTMLDivElement>(null);
  const judgementRef = useRef<HTMLElement>(null);
  const stripRef = useRef<HTMLDivElement>(null);
  const commentRef = useRef<HTMLTextAreaElement>(null);

  // The clock starts when the pair is on screen; the page starts at the top of the new pair.
  useLayoutEffect(() => {
    window.scrollTo(0, 0);
    const active = document.activeElement;
    if (!active || active === document.body) rootRef.current?.focus({ preventScroll: true });
  }, []);
  useEffect(() => {
    startedAt.current = performance.now();
  }, []);
  // The strip shows only while the judgement panel is out of view (a class, not state: no re-render on scroll).
  useEffect(() => {
    const panel = judgementRef.current;
    const strip = stripRef.current;
    if (!panel || !strip || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver(([entry]) => strip.classList.toggle("is-hidden", !!entry?.isIntersecting));
    observer.observe(panel);
    return () => observer.disconnect();
  }, []);

  const missing: string[] = [];
  if (!pick) missing.push("which response is better");
  if (!strength) missing.push("strength");
  if (isSafety && !safetyLabel) missing.push("safety label");
  const complete = missing.length === 0;

  const submit = () => {
    if (busy) return;
    if (!complete || !pick || !strength) {
      setShowMissing(true);
      return;
    }
    const elapsed = Math.round(performance.now() - startedAt.current);
    const text = comment.trim();
    onSubmit({
      pick,
      strength,
      safetyLabel: isSafety ? safetyLabel : null,
      comment: text ? text : null,
      timeOnTaskMs: Math.min(Math.max(elapsed, 0), MAX_TIME_MS),
    });
  };

  useCompareKeyboard((key, event) => {
    const strengthKey = strengthByKey[key];
    const safetyKey = isSafety ? safetyLabelByKey[key] : undefined;
    if (key === "a" || key === "ArrowLeft") setPick("LEFT");
    else if (key === "b" || key === "ArrowRight") setPick("RIGHT");
    else if (strengthKey) setStrength(strengthKey);
    else if (safetyKey) setSafetyLabel(safetyKey);
    else if (key === "Enter") {
      if (!event.repeat) submit();
    } else if (key === "s") {
      if (!busy) setDialog("skip");
    } else if (key === "f") {
      if (!busy) setDialog("flag");
    } else if (key === "c") commentRef.current?.focus();
    else return false;
    return true;
  });

  const onCommentKeyDown = (e: ReactKeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Escape") {
      e.preventDefault();
      e.currentTarget.blur();
      rootRef.current?.focus({ preventScroll: true });
    } else if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      submit();
    }
  };

  const closeDialog = useCallback(() => setDialog(null), []);

  let hint: { text: string; className: string };
  if (complete && pick && strength) hint = { text: `${judgementSentence(pick, strength)} Press Enter to submit.`, className: "hint-ready" };
  else if (showMissing) hint = { text: `Missing: ${missing.join(", ")}.`, className: "hint-missing" };
  else hint = { text: `Choose A or B, a strength${isSafety ? " and a safety label" : ""}.`, className: "muted" };

  return (
    <div className="task" ref={rootRef} tabIndex={-1} aria-label="Pair to compare" data-assignment={task.assignmentId}>
      <div className="task-meta">
        <span className={`chip chip-${task.protocol.toLowerCase()}`} data-testid="task-protocol">
          {protocolName(task.protocol)}
        </span>
        {isSafety && task.riskCategory && (
          <span className="chip chip-risk" data-testid="risk-category" title="Risk category">
            Risk: {task.riskCategory}
          </span>
        )}
        <span className="muted task-origin">
          {task.batchName} · {task.roundName}
        </span>
      </div>

      <Dialogue systemPrompt={task.systemPrompt} turns={task.turns} />

      <div className="responses">
        <ResponsePanel side="A" text={task.left} chosen={pick === "LEFT"} />
        <ResponsePanel side="B" text={task.right} chosen={pick === "RIGHT"} />
      </div>

      <div className="judgement-strip is-hidden" ref={stripRef} aria-hidden="true">
        <span className={pick ? "" : "unset"}>{pick ? `${pick === "LEFT" ? "A" : "B"} is better` : "A or B?"}</span>·
        <span className={strength ? "" : "unset"}>{strength ? strengthInfo(strength).name : "Strength?"}</span>
        {isSafety && (
          <>
            ·<span className={safetyLabel ? "" : "unset"}>{safetyLabel ? safetyLabelInfo(safetyLabel).name : "Safety label?"}</span>
          </>
        )}
        {complete && <kbd>Enter</kbd>}
      </div>

      <section className="judgement card" aria-labelledby="judgement-heading" ref={judgementRef}>
        <h2 id="judgement-heading" className="section-title">
          Your judgement <span className="muted">({protocolName(task.protocol).toLowerCase()})</span>
        </h2>
        <div className={`judgement-grid${isSafety ? " has-safety" : ""}`}>
          <SidePicker value={pick} onChange={setPick} missing={showMissing && !pick} />
          <StrengthPicker value={strength} onChange={setStrength} missing={showMissing && !strength} />
          {isSafety && <SafetyLabelPicker value={safetyLabel} onChange={setSafetyLabel} missing={showMissing && !safetyLabel} />}
        </div>
        <label className="comment-field">
          <span className="comment-label">
            Comment (optional) <kbd aria-hidden="true">C</kbd>
          </span>
          <textarea
            ref={commentRef}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            onKeyDown={onCommentKeyDown}
            maxLength={2000}
            rows={2}
            aria-keyshortcuts="C"
            aria-describedby="comment-help"
          />
          <span id="comment-help" className="muted small">
            Esc returns to the shortcuts; Ctrl+Enter submits.
          </span>
        </label>
        <div className="actions">
          <button type="button" className="primary" onClick={submit} disabled={!complete || busy} aria-keyshortcuts="Enter">
            Submit <kbd aria-hidden="true">Enter</kbd>
          </button>
          <p className={`submit-hint ${hint.className}`} role="status" data-testid="submit-hint">
            {hint.text}
          </p>
          <div className="secondary-actions">
            <button type="button" onClick={() => setDialog("skip")} disabled={busy} aria-keyshortcuts="S">
              Skip <kbd aria-hidden="true">S</kbd>
            </button>
            <button type="button" onClick={() => setDialog("flag")} disabled={busy} aria-keyshortcuts="F">
              Flag <kbd aria-hidden="true">F</kbd>
            </button>
          </div>
        </div>
      </section>

      <ReasonDialog
        open={dialog === "skip"}
        onClose={closeDialog}
        onConfirm={(reason) => {
          setDialog(null);
          onSkip(reason);
        }}
        title="Skip this pair"
        intro="Skipping shows you the next pair. A reason helps the research team improve the prompts."
        reasons={skipReasons}
        required={false}
        confirmLabel="Skip pair"
        otherLabel="Details (optional)"
      />
      <ReasonDialog
        open={dialog === "flag"}
        onClose={closeDialog}
        onConfirm={(reason) => {
          setDialog(null);
          if (reason) onFlag(reason);
        }}
        title="Flag this pair"
        intro="Flag a pair that cannot or should not be labelled. The research team reviews flags; you get the next pair."
        reasons={flagReasons}
        required
        confirmLabel="Flag pair"
        otherLabel="Describe the problem"
      />
    </div>
  );
}
