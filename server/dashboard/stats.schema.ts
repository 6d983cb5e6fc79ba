// The researcher dashboard's filters, shared by every statistic in stats.ts.
//
// - roundIds / batchIds: keep comparisons on pairs of these rounds / batches (both given: both
//   must hold). An empty list is the same as no list: no restriction.
// - protocol: keep comparisons on pairs whose prompt has this protocol.
// - from / to: keep comparisons made at or after `from` and strictly before `to` (instants; the
//   page sends the next UTC midnight after its "To" day, so that day is included).
// - sources: where the comparisons come from: OWN_LABELS for the team's annotators, or the
//   source name of imported datasets. Absent or empty: the team's own labels only, so imported
//   data never enters a count or chart unless asked for.
import { z } from "zod";
import { protocolSchema } from "../preferences/preferences.schema";

export { OWN_LABELS } from "../import/sources";

const ids = z.array(z.string().min(1).max(64)).max(500);

export { protocolSchema };

export const dashboardFiltersSchema = z
  .object({
    roundIds: ids.optional(),
    batchIds: ids.optional(),
    protocol: protocolSchema.optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    sources: z.array(z.string().min(1).max(200)).max(100).optional(),
  })
  .refine((f) => !f.from || !f.to || f.from.getTime() < f.to.getTime(), {
    message: "from must be before to",
    path: ["to"],
  });

export type DashboardFilters = z.infer<typeof dashboardFiltersSchema>;

/** The procedures' input: the filters, or nothing for no filter at all. */
export const dashboardFiltersInput = dashboardFiltersSchema.optional();
