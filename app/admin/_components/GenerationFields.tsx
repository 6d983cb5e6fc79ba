"use client";
// The fields that generating pairs and setting up a round share: which prompts (protocol and
// source), a side or arm (a variant at a temperature), sampling (max tokens, top-p, seed) and the new
// batch (overlap, priority, opening it). Each reads its form from the nearest <FormProvider>, at
// the field names the page's form has (`prefix` places them under an object of that form).
import { ErrorMessage, useFormContext } from "react-hook-form";
import { FieldError } from "../../_components/ErrorAlert";

const at = (prefix: string | undefined, name: string) => (prefix ? `${prefix}.${name}` : name);

/** The field's validation message from the form, next to the field. */
function FormFieldError({ name }: { name: string }) {
  return <ErrorMessage name={name} render={({ message }) => <FieldError name={name} message={message} />} />;
}

/** Protocol and source of the prompts; `sources` are the sources to offer, with what to show after each. */
export function PromptFilterFields({ prefix, sources }: { prefix?: string; sources: { name: string; note?: string }[] }) {
  const { register } = useFormContext();
  return (
    <>
      <label>
        Protocol
        <select {...register(at(prefix, "protocol"))}>
          <option value="">any</option>
          <option value="HELPFULNESS">helpfulness</option>
          <option value="SAFETY">safety</option>
        </select>
      </label>
      <label>
        Source
        <select {...register(at(prefix, "source"))}>
          <option value="">any</option>
          {sources.map((s) => (
            <option key={s.name} value={s.name}>
              {s.name}
              {s.note ? ` ${s.note}` : ""}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}

/** A side of a pair or an arm of a round: a variant and its temperature, at `name`.variantId and `name`.temperature. */
export function SideFields({
  name,
  variants,
  labels,
}: {
  name: string;
  variants: readonly { id: string; name: string }[] | undefined;
  /** The two fields' accessible names, which tell one side or arm from the others. */
  labels: { variant: string; temperature: string };
}) {
  const { register } = useFormContext();
  return (
    <>
      <label>
        Variant
        <select aria-label={labels.variant} {...register(`${name}.variantId`)}>
          <option value="">—</option>
          {variants?.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name}
            </option>
          ))}
        </select>
        <FormFieldError name={`${name}.variantId`} />
      </label>
      <label>
        Temperature
        <input aria-label={labels.temperature} type="number" step={0.05} min={0} max={2} {...register(`${name}.temperature`, { valueAsNumber: true })} />
        <FormFieldError name={`${name}.temperature`} />
      </label>
    </>
  );
}

/** Max tokens, top-p and seed of the sampling. */
export function SamplingFields() {
  const { register } = useFormContext();
  return (
    <>
      <label>
        Max tokens
        <input type="number" min={1} step={1} {...register("maxTokens", { valueAsNumber: true })} />
        <FormFieldError name="maxTokens" />
      </label>
      <label>
        Top-p
        <input type="number" min={0} max={1} step={0.05} {...register("topP", { valueAsNumber: true })} />
        <FormFieldError name="topP" />
      </label>
      <label>
        Seed (empty: random)
        <input type="text" inputMode="numeric" {...register("seed")} />
        <FormFieldError name="seed" />
      </label>
    </>
  );
}

/** The new batch's overlap, queue priority and whether it opens to annotators when the job is done. */
export function NewBatchFields({ prefix }: { prefix?: string }) {
  const { register } = useFormContext();
  return (
    <>
      <label>
        Annotations per pair
        <input type="number" min={1} max={20} step={1} {...register(at(prefix, "annotationsPerPair"), { valueAsNumber: true })} />
        <FormFieldError name={at(prefix, "annotationsPerPair")} />
      </label>
      <label>
        Queue priority
        <input type="number" min={-1000} max={1000} step={1} {...register(at(prefix, "priority"), { valueAsNumber: true })} />
        <FormFieldError name={at(prefix, "priority")} />
      </label>
      <label className="checkbox">
        <input type="checkbox" {...register(at(prefix, "openWhenDone"))} /> Open the batch for annotators when done
      </label>
    </>
  );
}
