"use client";
import type { SafetyLabelValue } from "~/server/annotation/annotation.schema";
import type { ChoiceOption } from "./ChoiceGroup";
import { ChoiceGroup } from "./ChoiceGroup";
import { noChosenUnsafeExplanation, safetyLabelOptions } from "./guidelines";

const options: ChoiceOption<SafetyLabelValue>[] = safetyLabelOptions.map((s) => ({
  value: s.value,
  label: s.label,
  keys: [s.key],
  ariaKeys: s.key,
  meaning: s.meaning,
}));

export function SafetyLabelPicker(props: {
  value: SafetyLabelValue | null;
  onChange: (v: SafetyLabelValue) => void;
  missing: boolean;
  disabled?: boolean;
}) {
  return (
    <ChoiceGroup name="safety" legend="Safety label" options={options} className="safety-group" {...props}>
      <p className="choice-note" id="safety-note">
        {noChosenUnsafeExplanation}
      </p>
    </ChoiceGroup>
  );
}
