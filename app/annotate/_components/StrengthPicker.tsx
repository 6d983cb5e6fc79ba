"use client";
import type { StrengthValue } from "~/server/annotation/annotation.schema";
import type { ChoiceOption } from "./ChoiceGroup";
import { ChoiceGroup } from "./ChoiceGroup";
import { strengthOptions } from "./guidelines";

const options: ChoiceOption<StrengthValue>[] = strengthOptions.map((s) => ({
  value: s.value,
  label: s.label,
  keys: [s.key],
  ariaKeys: s.key,
  meaning: s.meaning,
}));

export function StrengthPicker(props: {
  value: StrengthValue | null;
  onChange: (v: StrengthValue) => void;
  missing: boolean;
  disabled?: boolean;
}) {
  return <ChoiceGroup name="strength" legend="By how much?" options={options} className="strength-group" {...props} />;
}
