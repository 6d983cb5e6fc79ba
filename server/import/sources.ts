// Where comparisons come from: the team's annotators (OWN_LABELS) or imported datasets, by
// source name. One reading of a `sources` filter for the dashboard and the export: absent or
// empty means the team's own labels only, so imported data enters nothing unless asked for.

/** The `sources` value that stands for the team's own annotators (not an import). */
export const OWN_LABELS = "team";

export type SourceSelection = { own: boolean; importedNames: string[] };

export function sourceSelection(sources: string[] | undefined): SourceSelection {
  return {
    own: !sources?.length || sources.includes(OWN_LABELS),
    importedNames: (sources ?? []).filter((s) => s !== OWN_LABELS),
  };
}
