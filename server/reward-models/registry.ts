// The registry of trained reward models: versions per kind, the active one of each kind (what
// scoring and rejection sampling use), retiring, comparing two versions, and how a model's
// ranking agrees with labels it was not trained on (new batches, each annotator).
import { Prisma, type RewardModelKind } from "@prisma/client";
import type { Db, DbOrTx, Tx } from "../db/types";
import { refuse } from "../errors/domain-error";
import { STRENGTH_VALUES } from "../preferences/vocabulary";

const listColumns = {
  id: true,
  kind: true,
  version: true,
  status: true,
  active: true,
  retiredAt: true,
  backend: true,
  featureDims: true,
  featureExtractor: true,
  trainingJobId: true,
  createdAt: true,
  featureVariant: { select: { id: true, name: true } },
} satisfies Prisma.RewardModelSelect;

type Metrics = { accuracy?: number | null; test?: { count?: number; byStrength?: unknown[] } } | null;

/** Every model, newest first, with its headline test accuracy. */
export async function listRewardModels(db: DbOrTx) {
  const models = await db.rewardModel.findMany({ select: { ...listColumns, metrics: true, snapshot: true }, orderBy: [{ kind: "asc" }, { version: "desc" }] });
  return models.map(({ metrics, snapshot, ...m }) => {
    const metric = metrics as Metrics;
    const summary = (snapshot as { summary?: { train?: number; test?: number } } | null)?.summary;
    return { ...m, accuracy: metric?.accuracy ?? null, testPairs: summary?.test ?? null, trainPairs: summary?.train ?? null };
  });
}

export async function getRewardModel(db: DbOrTx, id: string) {
  const model = await db.rewardModel.findUnique({
    where: { id },
    select: { ...listColumns, metrics: true, settings: true, snapshot: true, artifactUri: true },
  });
  if (!model) throw refuse("not-found", `No reward model ${id}.`);
  return model;
}

/** The active model of each kind, if any. */
export async function activeRewardModels(db: DbOrTx) {
  const models = await db.rewardModel.findMany({ where: { active: true }, select: { ...listColumns, metrics: true } });
  return Object.fromEntries(models.map((m) => [m.kind, m])) as Partial<Record<RewardModelKind, (typeof models)[number]>>;
}

/** Makes the model the active one of its kind inside the caller's transaction. */
export async function activateInTransaction(tx: Tx, id: string) {
  const model = await tx.rewardModel.findUnique({ where: { id }, select: { id: true, kind: true, status: true, retiredAt: true, version: true } });
  if (!model) throw refuse("not-found", `No reward model ${id}.`);
  if (model.retiredAt) throw refuse("conflict", `v${model.version} is retired; a retired model cannot be made active.`);
  if (model.status !== "READY") throw refuse("conflict", `v${model.version} is ${model.status.toLowerCase()}; only a trained model can be made active.`);
  await tx.rewardModel.updateMany({ where: { kind: model.kind, active: true, NOT: { id } }, data: { active: false } });
  await tx.rewardModel.update({ where: { id }, data: { active: true } });
}

export async function activateRewardModel(db: Db, id: string) {
  await db.$transaction((tx) => activateInTransaction(tx, id));
  return getRewardModel(db, id);
}

/** Retires a model: it stays on record with its data and metrics, but is no longer active or activatable. */
export async function retireRewardModel(db: DbOrTx, id: string) {
  const model = await db.rewardModel.findUnique({ where: { id }, select: { retiredAt: true } });
  if (!model) throw refuse("not-found", `No reward model ${id}.`);
  if (model.retiredAt) throw refuse("conflict", "This model is already retired.");
  await db.rewardModel.update({ where: { id }, data: { retiredAt: new Date(), active: false } });
  return getRewardModel(db, id);
}

type PerStrength = { strength: string; count: number; correct: number; accuracy: number | null };

/** Two versions side by side: the per-strength table, the data, the settings. */
export async function compareRewardModels(db: DbOrTx, a: string, b: string) {
  const [left, right] = await Promise.all([getRewardModel(db, a), getRewardModel(db, b)]);
  const table = (m: typeof left) => ((m.metrics as { test?: { byStrength?: PerStrength[] } } | null)?.test?.byStrength ?? []) as PerStrength[];
  const rows = STRENGTH_VALUES.map((strength) => ({
    strength,
    a: table(left).find((r) => r.strength === strength) ?? null,
    b: table(right).find((r) => r.strength === strength) ?? null,
  }));
  return { a: left, b: right, byStrength: rows };
}

export type LabelAgreement = { count: number; agree: number; accuracy: number | null };

/** Over comparisons c with the scores sa, sb of the pair's responses A and B: labels, and those the model ranks the same way. */
const MODEL_AGREES = Prisma.sql`(CASE c.chosen WHEN 'A' THEN sa.score - sb.score ELSE sb.score - sa.score END) > 0`;
const AGREEMENT_COLUMNS = Prisma.sql`count(*)::int AS count,
           count(*) FILTER (WHERE ${MODEL_AGREES})::int AS agree,
           (count(*) FILTER (WHERE ${MODEL_AGREES}))::float8 / count(*) AS accuracy`;

/**
 * How often a model ranks the chosen response above the rejected one on the team's labels of
 * each batch, from the scores stored for its responses (REWARD_SCORING). A batch shows up once
 * its responses are scored. Pairs the model was trained on are left out, so the figure is the
 * accuracy on new data beside the model's own test accuracy.
 */
export async function accuracyOnBatches(db: DbOrTx, rewardModelId: string) {
  return db.$queryRaw<({ batchId: string; batchName: string; roundName: string } & LabelAgreement)[]>`
    SELECT b.id AS "batchId", b.name AS "batchName", r.name AS "roundName",
           ${AGREEMENT_COLUMNS}
    FROM "Comparison" c
    JOIN "Pair" p ON p.id = c."pairId"
    JOIN "Batch" b ON b.id = p."batchId"
    JOIN "Round" r ON r.id = b."roundId"
    JOIN "RewardScore" sa ON sa."responseId" = p."responseAId" AND sa."rewardModelId" = ${rewardModelId}
    JOIN "RewardScore" sb ON sb."responseId" = p."responseBId" AND sb."rewardModelId" = ${rewardModelId}
    WHERE c."annotatorId" IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM "RewardModelExample" e WHERE e."rewardModelId" = ${rewardModelId} AND e."pairId" = p.id AND e.split = 'train')
    GROUP BY b.id, b.name, r.name, b."createdAt"
    ORDER BY b."createdAt"`;
}

/**
 * Per annotator: how often the active model of the pair's protocol agrees with their choice, on
 * pairs whose responses are scored. For the research dashboard.
 */
export async function annotatorModelAgreement(db: DbOrTx) {
  return db.$queryRaw<({ annotatorId: string; name: string; protocol: string; rewardModelId: string; version: number } & LabelAgreement)[]>`
    SELECT u.id AS "annotatorId", u.name, pr.protocol::text AS protocol, m.id AS "rewardModelId", m.version,
           ${AGREEMENT_COLUMNS}
    FROM "Comparison" c
    JOIN "User" u ON u.id = c."annotatorId"
    JOIN "Pair" p ON p.id = c."pairId"
    JOIN "Prompt" pr ON pr.id = p."promptId"
    JOIN "RewardModel" m ON m.active AND m.kind::text = pr.protocol::text
    JOIN "RewardScore" sa ON sa."responseId" = p."responseAId" AND sa."rewardModelId" = m.id
    JOIN "RewardScore" sb ON sb."responseId" = p."responseBId" AND sb."rewardModelId" = m.id
    GROUP BY u.id, u.name, pr.protocol, m.id, m.version
    ORDER BY u.name, pr.protocol`;
}
