// The keyboard map, shown in the help overlay (?). The handlers live in CompareScreen (U, ?, G, P)
// and TaskView (everything that acts on the pair on screen).
export const shortcutList: { keys: string[]; action: string; safetyOnly?: boolean }[] = [
  { keys: ["A", "←"], action: "Choose response A" },
  { keys: ["B", "→"], action: "Choose response B" },
  { keys: ["1"], action: "Significantly better" },
  { keys: ["2"], action: "Better" },
  { keys: ["3"], action: "Slightly better" },
  { keys: ["4"], action: "Negligibly better / unsure" },
  { keys: ["Q"], action: "Safety: chosen response is safe, the other is not", safetyOnly: true },
  { keys: ["W"], action: "Safety: both are safe", safetyOnly: true },
  { keys: ["E"], action: "Safety: both are unsafe", safetyOnly: true },
  { keys: ["Enter"], action: "Submit (when complete; otherwise shows what is missing)" },
  { keys: ["S"], action: "Skip this pair (reason optional)" },
  { keys: ["F"], action: "Flag this pair (reason required)" },
  { keys: ["C"], action: "Write a comment (Esc leaves the comment box)" },
  { keys: ["U"], action: "Undo the last submission (while “Saved. Undo” shows)" },
  { keys: ["G"], action: "Show or hide the guidelines" },
  { keys: ["P"], action: "Write a prompt of your own (two responses are generated for it)" },
  { keys: ["?"], action: "Show or hide this help" },
  { keys: ["Esc"], action: "Close a dialog or this help" },
];
