"use client";
// A group of native radios in a fieldset (role=radiogroup, named by its legend). Each option's
// accessible name is its label text only: the shortcut hint beside it is aria-hidden and exposed
// as aria-keyshortcuts instead, so tests can use getByRole("radio", { name, exact: true }).
import { memo, type ReactNode } from "react";

export type ChoiceOption<V extends string> = { value: V; label: string; keys: string[]; ariaKeys: string; meaning?: string };

function ChoiceGroupInner<V extends string>({
  name,
  legend,
  options,
  value,
  onChange,
  missing,
  disabled,
  children,
  className,
}: {
  name: string;
  legend: string;
  options: ChoiceOption<V>[];
  value: V | null;
  onChange: (value: V) => void;
  missing?: boolean;
  disabled?: boolean;
  children?: ReactNode;
  className?: string;
}) {
  const legendId = `${name}-legend`;
  return (
    <fieldset
      role="radiogroup"
      aria-labelledby={legendId}
      aria-invalid={missing || undefined}
      className={`choice-group${missing ? " is-missing" : ""}${className ? ` ${className}` : ""}`}
      disabled={disabled}
    >
      <legend id={legendId}>{legend}</legend>
      <div className="choices">
        {options.map((o) => (
          <label key={o.value} className="choice" title={o.meaning}>
            <input
              type="radio"
              name={name}
              value={o.value}
              checked={value === o.value}
              onChange={() => onChange(o.value)}
              aria-keyshortcuts={o.ariaKeys}
            />
            <span className="choice-label">{o.label}</span>
            <span className="key-hint" aria-hidden="true">
              {o.keys.map((k, i) => (
                <kbd key={i}>{k}</kbd>
              ))}
            </span>
          </label>
        ))}
      </div>
      {children}
    </fieldset>
  );
}

export const ChoiceGroup = memo(ChoiceGroupInner) as typeof ChoiceGroupInner;
