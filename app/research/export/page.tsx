"use client";
// Export a preference dataset: the options of server/export/export.schema.ts as a form, and a
// download link to /api/export (a zip with the data, README.md dataset card and manifest.json).
import { zodResolver } from "@hookform/resolvers/zod";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Controller, useForm, useWatch } from "react-hook-form";
import type { z } from "zod";
import { OWN_LABELS } from "~/server/dashboard/stats.schema";
import { exportOptionsSchema } from "~/server/export/export.schema";
import { useTRPC } from "../../_trpc/client";

type Fields = z.input<typeof exportOptionsSchema>;

function exportUrl(values: Fields) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || (value as unknown) === "" || (Array.isArray(value) && value.length === 0)) continue;
    const name = key === "roundIds" ? "rounds" : key === "batchIds" ? "batches" : key;
    q.set(name, Array.isArray(value) ? value.join(",") : String(value));
  }
  return `/api/export?${q.toString()}`;
}

export default function ExportPage() {
  const trpc = useTRPC();
  const batches = useQuery(trpc.batches.list.queryOptions());
  const sources = useQuery(trpc.dashboard.filterOptions.queryOptions());
  const form = useForm<Fields>({
    resolver: zodResolver(exportOptionsSchema),
    defaultValues: { format: "trl", file: "jsonl", style: "conversational", prompt: "explicit", margin: "small", aggregate: "none", sources: [OWN_LABELS], dropUnsure: false, testFraction: 0 },
  });
  const values = useWatch({ control: form.control }) as Fields;
  const parsed = exportOptionsSchema.safeParse({
    ...values,
    protocol: values.protocol || undefined,
    batchIds: values.batchIds?.filter(Boolean),
    license: values.license?.trim() || undefined,
  });
  const noSource = !values.sources?.length;
  const isTrl = values.format === "trl";

  return (
    <section className="stack">
      <h1>Export a preference dataset</h1>
      <p className="muted">
        A zip with the data (JSON lines or Parquet; train and test files when split), a dataset card (README.md) and a manifest with row
        counts and checksums. Scripts can download the same with a <Link href="/research/tokens">personal API token</Link>.
      </p>
      <form className="grid-form" onSubmit={(e) => e.preventDefault()}>
        <label>
          Format
          <select {...form.register("format")}>
            <option value="trl">TRL / Hugging Face preference</option>
            <option value="hh-rlhf">Anthropic HH-RLHF</option>
            <option value="raw">Raw annotations</option>
          </select>
        </label>
        <label>
          File
          <select {...form.register("file")}>
            <option value="jsonl">JSON lines</option>
            <option value="parquet">Parquet</option>
          </select>
        </label>
        {isTrl && (
          <>
            <label>
              Style
              <select {...form.register("style")}>
                <option value="conversational">conversational (messages)</option>
                <option value="standard">standard (Llama 2 chat strings)</option>
              </select>
            </label>
            <label>
              Prompt
              <select {...form.register("prompt")}>
                <option value="explicit">explicit column</option>
                <option value="implicit">inside chosen / rejected</option>
              </select>
            </label>
            <label>
              Margin
              <select {...form.register("margin")}>
                <option value="none">none</option>
                <option value="small">Llama 2 margin small</option>
                <option value="large">Llama 2 margin large</option>
              </select>
            </label>
          </>
        )}
        {values.format !== "raw" && (
          <label>
            Several annotations of a pair
            <select {...form.register("aggregate")}>
              <option value="none">one row per annotation</option>
              <option value="majority">majority</option>
              <option value="mean">mean strength</option>
              <option value="unanimous">drop disagreements</option>
            </select>
          </label>
        )}
        <label>
          Protocol
          <select {...form.register("protocol", { setValueAs: (v) => v || undefined })}>
            <option value="">both</option>
            <option value="HELPFULNESS">helpfulness</option>
            <option value="SAFETY">safety</option>
          </select>
        </label>
        <label>
          Batch
          <select {...form.register("batchIds", { setValueAs: (v: string) => (v ? [v] : []) })}>
            <option value="">all batches</option>
            {batches.data?.map((b) => (
              <option key={b.id} value={b.id}>
                {b.round.name} · {b.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Test split (share of pairs)
          <input type="number" step="0.01" min="0" max="0.5" {...form.register("testFraction", { valueAsNumber: true })} />
        </label>
        <label>
          Licence (a Hugging Face Hub id, for the dataset card)
          <input type="text" placeholder="other (none stated)" {...form.register("license")} />
        </label>
        <Controller
          control={form.control}
          name="sources"
          render={({ field }) => {
            const chosen = field.value ?? [];
            const toggle = (name: string, on: boolean) => field.onChange(on ? [...chosen, name] : chosen.filter((s) => s !== name));
            return (
              <fieldset className="stack" style={{ gridColumn: "1 / -1", minWidth: 0 }}>
                <legend>Sources</legend>
                {(sources.data?.sourceCounts ?? [{ name: OWN_LABELS, comparisons: null }]).map((s) => (
                  <label key={s.name} className="checkbox">
                    <input type="checkbox" checked={chosen.includes(s.name)} onChange={(e) => toggle(s.name, e.target.checked)} />
                    {s.name === OWN_LABELS ? "Team's annotators" : `Imported: ${s.name}`}
                    {s.comparisons !== null && <span className="muted"> ({s.comparisons.toLocaleString("en")} comparisons)</span>}
                  </label>
                ))}
              </fieldset>
            );
          }}
        />
        <label className="checkbox">
          <input type="checkbox" {...form.register("dropUnsure")} /> Drop “negligibly better / unsure”
        </label>
      </form>
      {noSource ? (
        <p className="error" role="alert">
          sources: choose the team&apos;s annotators, an imported dataset, or both
        </p>
      ) : parsed.success ? (
        <a className="button primary" href={exportUrl(parsed.data)} download>
          Download export
        </a>
      ) : (
        <p className="error" role="alert">
          {parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}
        </p>
      )}
    </section>
  );
}
