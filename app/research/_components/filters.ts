// The dashboard's filter bar state (what the inputs hold), the API filters it stands for, and
// its form in the page's URL (so a filtered view can be reloaded and shared).
import { type DashboardFilters, OWN_LABELS } from "~/server/dashboard/stats.schema";

export type FilterState = {
  roundId: string;
  batchId: string;
  protocol: "" | "HELPFULNESS" | "SAFETY";
  /** YYYY-MM-DD or "" (a UTC day). */
  from: string;
  to: string;
  /** OWN_LABELS and/or import source names; the team's own labels alone by default. */
  sources: string[];
};

export const noFilters: FilterState = { roundId: "", batchId: "", protocol: "", from: "", to: "", sources: [OWN_LABELS] };

/** Whether any filter differs from the default. */
export function isFiltered(state: FilterState): boolean {
  const { sources, ...rest } = state;
  return Object.values(rest).some(Boolean) || sources.length !== 1 || sources[0] !== OWN_LABELS;
}

const day = /^\d{4}-\d{2}-\d{2}$/;

/** The state a URL's query asks for; anything malformed is left at its default. */
export function fromSearchParams(params: URLSearchParams): FilterState {
  const protocol = params.get("protocol");
  const dayOf = (name: string) => {
    const value = params.get(name) ?? "";
    return day.test(value) ? value : "";
  };
  // Repeated rather than comma-joined: a source name may hold a comma.
  const sources = params.getAll("source").filter(Boolean);
  return {
    roundId: params.get("round") ?? "",
    batchId: params.get("batch") ?? "",
    protocol: protocol === "HELPFULNESS" || protocol === "SAFETY" ? protocol : "",
    from: dayOf("from"),
    to: dayOf("to"),
    sources: sources.length ? [...new Set(sources)] : noFilters.sources,
  };
}

/** The URL query for a state: only what differs from the default. */
export function toSearchParams(state: FilterState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.roundId) params.set("round", state.roundId);
  if (state.batchId) params.set("batch", state.batchId);
  if (state.protocol) params.set("protocol", state.protocol);
  if (state.from) params.set("from", state.from);
  if (state.to) params.set("to", state.to);
  if (isFiltered({ ...noFilters, sources: state.sources })) for (const source of state.sources) params.append("source", source);
  return params;
}

function utcDay(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/** "From" is the start of its UTC day; "To" includes its whole UTC day (the API's `to` is exclusive). */
export function toApiFilters(state: FilterState): DashboardFilters {
  const filters: DashboardFilters = { sources: state.sources };
  if (state.roundId) filters.roundIds = [state.roundId];
  if (state.batchId) filters.batchIds = [state.batchId];
  if (state.protocol) filters.protocol = state.protocol;
  if (state.from) filters.from = utcDay(state.from);
  if (state.to) {
    const end = utcDay(state.to);
    end.setUTCDate(end.getUTCDate() + 1);
    filters.to = end;
  }
  return filters;
}

/** What is wrong with the state, or null. */
export function filterProblem(state: FilterState): string | null {
  if (state.from && state.to && state.from > state.to) return "“From” must be on or before “To”.";
  if (state.sources.length === 0) return "Choose at least one source.";
  return null;
}
