"use client";
import type { ChoiceOption } from "./ChoiceGroup";
import { ChoiceGroup } from "./ChoiceGroup";

export type Pick = "LEFT" | "RIGHT";

const sideOptions: ChoiceOption<Pick>[] = [
  { value: "LEFT", label: "A is better", keys: ["A", "←"], ariaKeys: "A ArrowLeft" },
  { value: "RIGHT", label: "B is better", keys: ["B", "→"], ariaKeys: "B ArrowRight" },
];

export function SidePicker(props: { value: Pick | null; onChange: (v: Pick) => void; missing: boolean; disabled?: boolean }) {
  return <ChoiceGroup name="pick" legend="Which response is better?" options={sideOptions} className="side-group" {...props} />;
}
