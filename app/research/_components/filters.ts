// The dashboard's filter bar state (what the inputs hold) and the API filters it stands for.
import type { DashboardFilters } from "~/server/dashboard/stats.schema";

export type FilterState = {
  roundId: string;
  batchId: string;
  protocol: "" | "HELPFULNESS" | "SAFETY";
  /** YYYY-MM-DD or "" (a UTC day). */
  from: string;
  to: string;
};

export const noFilters: FilterState = { roundId: "", batchId: "", protocol: "", from: "", to: "" };

function utcDay(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/** "From" is the start of its UTC day; "To" includes its whole UTC day (the API's `to` is exclusive). */
export function toApiFilters(state: FilterState): DashboardFilters {
  const filters: DashboardFilters = {};
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
  return null;
}
