// Where the loop stands, for the admin's home: the current round and its batch's labelling, the
// active reward models and their accuracy, running jobs, and the next step to take (annotate →
// train reward models → a rejection-sampling round → annotate again).
import type { DbOrTx } from "../db/types";

type Accuracy = { accuracy?: number | null } | null;

export type NextStep =
  | { kind: "train"; missing: ("HELPFULNESS" | "SAFETY")[] }
  | { kind: "wait-round"; roundId: string; roundName: string }
  | { kind: "fix-round"; roundId: string; roundName: string; jobStatus: string }
  | { kind: "open-batch"; roundId: string; roundName: string; batchId: string }
  | { kind: "annotate"; roundId: string; roundName: string; batchId: string; done: number; pairs: number }
  | { kind: "retrain"; roundName: string; newLabels: number }
  | { kind: "new-round" };

export async function loopStatus(db: DbOrTx) {
  const [current, models, running] = await Promise.all([
    db.round.findFirst({
      where: { number: { gte: 1 } },
      orderBy: { number: "desc" },
      select: { id: true, name: true, number: true, status: true, jobId: true, job: { select: { id: true, status: true, progress: true, progressMessage: true } } },
    }),
    db.rewardModel.findMany({ where: { active: true }, select: { id: true, kind: true, version: true, metrics: true, createdAt: true } }),
    db.job.findMany({
      where: { status: { in: ["QUEUED", "RUNNING"] } },
      orderBy: { createdAt: "asc" },
      take: 10,
      select: { id: true, type: true, status: true, progress: true, progressMessage: true },
    }),
  ]);
  const batch = current
    ? ((
        await db.$queryRaw<{ id: string; name: string; status: string; pairs: number; done: number; comparisons: number; unsure: number }[]>`
          SELECT b.id, b.name, b.status::text AS status, count(DISTINCT p.id)::int AS pairs,
                 count(DISTINCT p.id) FILTER (WHERE p."annotationCount" >= p."requiredAnnotations")::int AS done,
                 count(c.id)::int AS comparisons, count(c.id) FILTER (WHERE c.strength = 'NEGLIGIBLY_BETTER_OR_UNSURE')::int AS unsure
          FROM "Batch" b LEFT JOIN "Pair" p ON p."batchId" = b.id LEFT JOIN "Comparison" c ON c."pairId" = p.id AND c."annotatorId" IS NOT NULL
          WHERE b."roundId" = ${current.id} AND b."importId" IS NULL
          GROUP BY b.id, b.name, b.status, b."createdAt" ORDER BY (b."jobId" = ${current.jobId}) DESC NULLS LAST, b."createdAt" DESC LIMIT 1`
      )[0] ?? null)
    : null;
  const active = Object.fromEntries(models.map((m) => [m.kind, { id: m.id, version: m.version, accuracy: (m.metrics as Accuracy)?.accuracy ?? null, createdAt: m.createdAt }])) as Partial<
    Record<"HELPFULNESS" | "SAFETY", { id: string; version: number; accuracy: number | null; createdAt: Date }>
  >;
  // Team labels given since the older of the active models was trained: what a retrain would add.
  const oldest = models.length ? models.reduce((a, b) => (a.createdAt < b.createdAt ? a : b)).createdAt : null;
  const newLabels = oldest ? await db.comparison.count({ where: { annotatorId: { not: null }, createdAt: { gt: oldest } } }) : 0;

  const next = ((): NextStep => {
    const missing = (["HELPFULNESS", "SAFETY"] as const).filter((k) => !active[k]);
    if (current?.job && ["QUEUED", "RUNNING"].includes(current.job.status)) return { kind: "wait-round", roundId: current.id, roundName: current.name };
    if (current?.job && ["FAILED", "CANCELLED"].includes(current.job.status) && current.status === "PLANNED") {
      return { kind: "fix-round", roundId: current.id, roundName: current.name, jobStatus: current.job.status };
    }
    if (current && batch && batch.status === "DRAFT" && batch.pairs > 0) return { kind: "open-batch", roundId: current.id, roundName: current.name, batchId: batch.id };
    if (current && batch && batch.status === "OPEN" && batch.done < batch.pairs) {
      return { kind: "annotate", roundId: current.id, roundName: current.name, batchId: batch.id, done: batch.done, pairs: batch.pairs };
    }
    if (missing.length) return { kind: "train", missing: [...missing] };
    if (newLabels > 0 && current) return { kind: "retrain", roundName: current.name, newLabels };
    return { kind: "new-round" };
  })();

  return {
    current: current ? { id: current.id, name: current.name, status: current.status, job: current.job } : null,
    batch: batch ? { ...batch, unsureShare: batch.comparisons ? batch.unsure / batch.comparisons : null } : null,
    rewardModels: active,
    running,
    newLabelsSinceTraining: newLabels,
    next,
  };
}
