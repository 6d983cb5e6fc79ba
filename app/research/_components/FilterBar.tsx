"use client";
// Round, batch (of the chosen round), protocol, a UTC date range and the sources of the
// comparisons (the team's annotators and/or imported datasets) for the dashboard.
import type { FilterOptions } from "~/server/dashboard/stats";
import { OWN_LABELS } from "~/server/dashboard/stats.schema";
import { type FilterState, isFiltered, noFilters } from "./filters";
import { ErrorAlert } from "../../_components/ErrorAlert";

type Props = {
  value: FilterState;
  options: FilterOptions | undefined;
  onChange: (next: FilterState) => void;
  problem: string | null;
};

export function FilterBar({ value, options, onChange, problem }: Props) {
  const rounds = options?.rounds ?? [];
  const batches = (options?.batches ?? []).filter((b) => !value.roundId || b.roundId === value.roundId);
  const roundName = new Map(rounds.map((r) => [r.id, r.name]));
  const set = (patch: Partial<FilterState>) => onChange({ ...value, ...patch });
  const filtered = isFiltered(value);

  return (
    <form className="filter-bar" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
      <label>
        Round
        <select
          value={value.roundId}
          onChange={(e) => {
            const roundId = e.target.value;
            // A batch of another round no longer fits.
            const keep = options?.batches.some((b) => b.id === value.batchId && (!roundId || b.roundId === roundId));
            set({ roundId, batchId: keep ? value.batchId : "" });
          }}
        >
          <option value="">All rounds</option>
          {rounds.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Batch
        <select value={value.batchId} onChange={(e) => set({ batchId: e.target.value })}>
          <option value="">All batches</option>
          {batches.map((b) => (
            <option key={b.id} value={b.id}>
              {value.roundId ? b.name : `${roundName.get(b.roundId) ?? ""} · ${b.name}`}
            </option>
          ))}
        </select>
      </label>
      <label>
        Protocol
        <select value={value.protocol} onChange={(e) => set({ protocol: e.target.value as FilterState["protocol"] })}>
          <option value="">Both protocols</option>
          <option value="HELPFULNESS">Helpfulness</option>
          <option value="SAFETY">Safety</option>
        </select>
      </label>
      <label>
        From
        <input type="date" value={value.from} max={value.to || undefined} onChange={(e) => set({ from: e.target.value })} />
      </label>
      <label>
        To
        <input type="date" value={value.to} min={value.from || undefined} onChange={(e) => set({ to: e.target.value })} />
      </label>
      <SourceChoice value={value.sources} options={options} onChange={(sources) => set({ sources })} />
      <button type="button" onClick={() => onChange(noFilters)} disabled={!filtered}>
        Clear filters
      </button>
      <p className="muted filter-note">Days are UTC; “To” includes its whole day.</p>
      <ErrorAlert error={problem} />
    </form>
  );
}

/** Checkboxes: the team's annotators, then each imported source with comparisons (and any the URL names). */
function SourceChoice({ value, options, onChange }: { value: string[]; options: FilterOptions | undefined; onChange: (sources: string[]) => void }) {
  const counts = options?.sourceCounts ?? [{ name: OWN_LABELS, comparisons: null }];
  const listed = new Set(counts.map((s) => s.name));
  const sources: { name: string; comparisons: number | null }[] = [
    ...counts,
    ...value.filter((name) => !listed.has(name)).map((name) => ({ name, comparisons: null })),
  ];
  const toggle = (name: string, on: boolean) => onChange(on ? [...value, name] : value.filter((s) => s !== name));
  return (
    <fieldset className="filter-sources">
      <legend>Sources</legend>
      {sources.map((s) => (
        <label key={s.name} className="checkbox">
          <input type="checkbox" checked={value.includes(s.name)} onChange={(e) => toggle(s.name, e.target.checked)} />
          {s.name === OWN_LABELS ? "Team's annotators" : s.name}
          {s.comparisons !== null && <span className="muted"> ({s.comparisons.toLocaleString("en")})</span>}
        </label>
      ))}
    </fieldset>
  );
}
