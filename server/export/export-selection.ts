// An export that names a round, a batch or a source that does not exist is refused with its
// name, rather than answered with an empty file that looks like "no labels yet".
import type { DbOrTx } from "../db/types";
import { OWN_LABELS } from "../import/sources";
import type { ExportOptions } from "./export.schema";

/** The first unknown name in the selection, as "field: …", or null when every one exists. */
export async function unknownSelection(db: DbOrTx, options: Pick<ExportOptions, "roundIds" | "batchIds" | "sources">): Promise<string | null> {
  const missing = (asked: string[] | undefined, found: string[]) => (asked ?? []).filter((id) => !found.includes(id));
  const [rounds, batches, sources] = await Promise.all([
    options.roundIds?.length ? db.round.findMany({ where: { id: { in: options.roundIds } }, select: { id: true } }) : [],
    options.batchIds?.length ? db.batch.findMany({ where: { id: { in: options.batchIds } }, select: { id: true } }) : [],
    options.sources?.length ? db.datasetImport.findMany({ where: { sourceName: { in: options.sources } }, select: { sourceName: true }, distinct: ["sourceName"] }) : [],
  ]);
  const unknownRounds = missing(options.roundIds, rounds.map((r) => r.id));
  if (unknownRounds.length) return `rounds: no round with id ${unknownRounds.join(", ")}`;
  const unknownBatches = missing(options.batchIds, batches.map((b) => b.id));
  if (unknownBatches.length) return `batches: no batch with id ${unknownBatches.join(", ")}`;
  const unknownSources = missing(options.sources?.filter((s) => s !== OWN_LABELS), sources.map((s) => s.sourceName));
  if (unknownSources.length) return `sources: no imported source named ${unknownSources.map((s) => JSON.stringify(s)).join(", ")} ("${OWN_LABELS}" is the team's own labels)`;
  return null;
}
