"use client";
// Single-key shortcuts for the compare screen. One window listener per caller, attached once; the
// handler is read through a ref so it always sees the latest state without re-subscribing.
//
// Never fires:
// - with Ctrl, Meta or Alt held (browser and OS shortcuts keep working), or during IME composition;
// - while the user types in a text field, textarea, select or contenteditable (the comment box
//   handles its own Esc);
// - while a modal dialog (skip, flag, help) is open: the dialog owns the keyboard;
// - for Enter / Space on a focused button, link or summary (their native action wins), and for
//   arrow keys on a focused radio (native radio navigation wins).
import { useEffect, useLayoutEffect, useRef } from "react";

/** Return true when the key was handled: the default action is then prevented. */
export type ShortcutHandler = (key: string, event: KeyboardEvent) => boolean | void;

const nonTextInputTypes = new Set(["radio", "checkbox", "button", "submit", "reset", "range", "color", "file", "image"]);

export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !nonTextInputTypes.has(target.type);
  return false;
}

function isActivationTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return !!target.closest("button, a[href], summary, input[type=button], input[type=submit], input[type=reset]");
}

/** Lower-cased single characters ("a", "?", "1"), DOM names for the rest ("Enter", "ArrowLeft"). */
export function normalizeKey(event: KeyboardEvent): string {
  return event.key.length === 1 ? event.key.toLowerCase() : event.key;
}

export function useCompareKeyboard(handler: ShortcutHandler, enabled = true) {
  const ref = useRef(handler);
  useLayoutEffect(() => {
    ref.current = handler;
  });
  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return;
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTypingTarget(event.target)) return;
      if (document.querySelector("dialog[open]")) return;
      const key = normalizeKey(event);
      if ((key === "Enter" || key === " ") && isActivationTarget(event.target)) return;
      if (key.startsWith("Arrow") && event.target instanceof HTMLInputElement && event.target.type === "radio") return;
      if (ref.current(key, event)) event.preventDefault();
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [enabled]);
}
