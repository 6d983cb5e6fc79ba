// What the rounds pages show: the loop's history (rounds, their reward models and batches, how
// reward-model accuracy and the share of "negligibly better / unsure" labels moved), and one
// round's report: lineage, its job, its batch, the best-of-N curve (Llama 2's figure 7) and the
// distribution of the combined reward of kept vs all samples, per arm (figure 8).
import type { DbOrTx } from "../db/types";
import { refuse } from "../errors/domain-error";
import type { Protocol } from "../preferences/vocabulary";
import { bestOfNCurve, type CurvePoint, meanCurve } from "./best-of-n";
import { type CombinedReward, combineRewards, DEFAULT_UNSAFE_THRESHOLD, type SampleScores } from "./combined-reward";
import { rejectionSamplingParameters } from "./rounds.schema";

type Accuracy = { accuracy?: number | null } | null;

/** Every round (RLHF-V1 onwards), oldest first, with what moved between them. */
export async function listRounds(db: DbOrTx) {
  const rounds = await db.round.findMany({
    where: { number: { gte: 1 } },
    orderBy: { number: "asc" },
    select: {
      id: true,
      number: true,
      name: true,
      status: true,
      createdAt: true,
      previousRound: { select: { id: true, name: true } },
      policyVariant: { select: { id: true, name: true } },
      helpfulnessRewardModel: { select: { id: true, version: true, metrics: true } },
      safetyRewardModel: { select: { id: true, version: true, metrics: true } },
      job: { select: { id: true, status: true, progress: true, progressMessage: true, error: true } },
      _count: { select: { kept: true, responses: true } },
    },
  });
  const labels = await db.$queryRaw<{ roundId: string; batches: number; pairs: number; comparisons: number; unsure: number }[]>`
    SELECT b."roundId", count(DISTINCT b.id)::int AS batches, count(DISTINCT p.id)::int AS pairs,
           count(c.id)::int AS comparisons,
           count(c.id) FILTER (WHERE c.strength = 'NEGLIGIBLY_BETTER_OR_UNSURE')::int AS unsure
    FROM "Batch" b LEFT JOIN "Pair" p ON p."batchId" = b.id LEFT JOIN "Comparison" c ON c."pairId" = p.id AND c."annotatorId" IS NOT NULL
    WHERE b."importId" IS NULL GROUP BY b."roundId"`;
  const byRound = new Map(labels.map((l) => [l.roundId, l]));
  return rounds.map(({ helpfulnessRewardModel: h, safetyRewardModel: s, _count, ...r }) => {
    const l = byRound.get(r.id);
    return {
      ...r,
      helpfulness: h ? { id: h.id, version: h.version, accuracy: (h.metrics as Accuracy)?.accuracy ?? null } : null,
      safety: s ? { id: s.id, version: s.version, accuracy: (s.metrics as Accuracy)?.accuracy ?? null } : null,
      kept: _count.kept,
      samples: _count.responses,
      batches: l?.batches ?? 0,
      pairs: l?.pairs ?? 0,
      comparisons: l?.comparisons ?? 0,
      unsureShare: l?.comparisons ? l.unsure / l.comparisons : null,
    };
  });
}

/** Histogram of values over shared edges. */
function histogram(values: number[], edges: number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const v of values) {
    let i = edges.findIndex((e, j) => j > 0 && v <= e) - 1;
    if (i < 0) i = v < edges[0]! ? 0 : edges.length - 2;
    counts[i]!++;
  }
  return counts;
}

function edgesFor(values: number[], bins = 20): number[] {
  if (!values.length) return [];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const width = hi > lo ? (hi - lo) / bins : 1;
  return Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
}

type Arm = { key: string; variantId: string | null; variantName: string; temperature: number | null };

/** One round: lineage, settings, job, batch, and (once scored) its curves and distributions. */
export async function getRound(db: DbOrTx, roundId: string) {
  const round = await db.round.findUnique({
    where: { id: roundId },
    include: {
      previousRound: { select: { id: true, name: true } },
      nextRounds: { select: { id: true, name: true } },
      policyVariant: { select: { id: true, name: true } },
      helpfulnessRewardModel: { select: { id: true, version: true, metrics: true } },
      safetyRewardModel: { select: { id: true, version: true, metrics: true } },
      job: { select: { id: true, status: true, progress: true, progressMessage: true, error: true, result: true, createdAt: true, finishedAt: true } },
      batches: { select: { id: true, name: true, status: true, priority: true, annotationsPerPair: true, jobId: true, _count: { select: { pairs: true } } } },
    },
  });
  if (!round) throw refuse("not-found", `No round ${roundId}.`);
  const parsed = round.job ? rejectionSamplingParameters.safeParse((await db.job.findUnique({ where: { id: round.job.id }, select: { parameters: true } }))?.parameters) : null;
  const parameters = parsed?.success ? parsed.data : null;
  const threshold = parameters?.threshold ?? DEFAULT_UNSAFE_THRESHOLD;
  const batch = round.batches.find((b) => round.jobId && b.jobId === round.jobId) ?? null;

  const labelled = batch
    ? await db.$queryRaw<{ comparisons: number; unsure: number; done: number }[]>`
        SELECT count(c.id)::int AS comparisons, count(c.id) FILTER (WHERE c.strength = 'NEGLIGIBLY_BETTER_OR_UNSURE')::int AS unsure,
               (SELECT count(*)::int FROM "Pair" x WHERE x."batchId" = ${batch.id} AND x."annotationCount" >= x."requiredAnnotations") AS done
        FROM "Pair" p JOIN "Comparison" c ON c."pairId" = p.id AND c."annotatorId" IS NOT NULL WHERE p."batchId" = ${batch.id}`
    : [];
  const strategies = batch ? await db.pair.groupBy({ by: ["strategy"], where: { batchId: batch.id }, _count: true }) : [];

  // The samples with their scores, combined as the round combined them.
  const samples = round.jobId
    ? await db.$queryRaw<
        { id: string; promptId: string; protocol: Protocol; variantId: string | null; variantName: string | null; temperature: number | null; tokenCount: number | null; durationMs: number | null; helpfulness: number | null; safety: number | null; pSafe: number | null }[]
      >`
        SELECT r.id, r."promptId", pr.protocol::text AS protocol, r."policyVariantId" AS "variantId", v.name AS "variantName", r.temperature, r."tokenCount", r."durationMs",
               h.score AS helpfulness, s.score AS safety, s.probability AS "pSafe"
        FROM "Response" r JOIN "Prompt" pr ON pr.id = r."promptId" LEFT JOIN "PolicyVariant" v ON v.id = r."policyVariantId"
        LEFT JOIN "RewardScore" h ON h."responseId" = r.id AND h."rewardModelId" = ${round.helpfulnessRewardModelId}
        LEFT JOIN "RewardScore" s ON s."responseId" = r.id AND s."rewardModelId" = ${round.safetyRewardModelId}
        WHERE r."jobId" = ${round.jobId}
        ORDER BY r."promptId", r."sampleIndex"`
    : [];
  const kept = await db.roundKeptSample.findMany({ where: { roundId }, select: { promptId: true, responseId: true, reward: true, flaggedUnsafe: true, response: { select: { jobId: true } } } });
  const keptIds = new Set(kept.map((k) => k.responseId));

  const arms = new Map<string, Arm>();
  const combined: { sample: (typeof samples)[number]; arm: string; reward: CombinedReward }[] = [];
  let unscored = 0;
  for (const sample of samples) {
    const scores: SampleScores = { helpfulness: sample.helpfulness, safety: sample.safety, pSafe: sample.pSafe };
    const key = `${sample.variantId} ${sample.temperature}`;
    if (!arms.has(key)) arms.set(key, { key, variantId: sample.variantId, variantName: sample.variantName ?? "—", temperature: sample.temperature });
    try {
      combined.push({ sample, arm: key, reward: combineRewards(sample.protocol, scores, threshold) });
    } catch {
      unscored++;
    }
  }

  // Curves: per arm from its K samples of each prompt, and over every arm's samples.
  const perPrompt = (rows: typeof combined) => {
    const groups = new Map<string, CombinedReward[]>();
    for (const row of rows) groups.set(row.sample.promptId, [...(groups.get(row.sample.promptId) ?? []), row.reward]);
    return meanCurve([...groups.values()].map((g) => bestOfNCurve(g)));
  };
  const curves: { arm: string; label: string; points: (CurvePoint & { prompts: number })[] }[] = [];
  if (arms.size > 1) curves.push({ arm: "all", label: "every arm", points: perPrompt(combined) });
  for (const arm of arms.values()) {
    curves.push({ arm: arm.key, label: `${arm.variantName} T=${arm.temperature}`, points: perPrompt(combined.filter((c) => c.arm === arm.key)) });
  }

  // Distributions of the combined reward (on the helpfulness scale unless flagged or a safety
  // prompt), all samples vs kept ones, per arm; flagged samples are counted apart.
  const onScale = (from: "HELPFULNESS" | "SAFETY") => combined.filter((c) => c.reward.from === from && !c.reward.flaggedUnsafe);
  const distributions = (["HELPFULNESS", "SAFETY"] as const).flatMap((from) => {
    const values = onScale(from);
    if (!values.length) return [];
    const edges = edgesFor(values.map((v) => v.reward.reward));
    return [
      {
        from,
        edges,
        arms: [...arms.values()].map((arm) => {
          const mine = values.filter((v) => v.arm === arm.key);
          return {
            arm: arm.key,
            label: `${arm.variantName} T=${arm.temperature}`,
            all: histogram(mine.map((v) => v.reward.reward), edges),
            kept: histogram(mine.filter((v) => keptIds.has(v.sample.id)).map((v) => v.reward.reward), edges),
          };
        }),
      },
    ];
  });

  const armSummaries = [...arms.values()].map((arm) => {
    const mine = combined.filter((c) => c.arm === arm.key);
    const rows = samples.filter((s) => `${s.variantId} ${s.temperature}` === arm.key);
    return {
      ...arm,
      samples: rows.length,
      kept: rows.filter((s) => keptIds.has(s.id)).length,
      flaggedUnsafe: mine.filter((c) => c.reward.flaggedUnsafe).length,
      tokens: rows.reduce((n, s) => n + (s.tokenCount ?? 0), 0),
      generationMs: rows.reduce((n, s) => n + (s.durationMs ?? 0), 0),
    };
  });

  const { helpfulnessRewardModel: h, safetyRewardModel: s } = round;
  return {
    id: round.id,
    number: round.number,
    name: round.name,
    status: round.status,
    createdAt: round.createdAt,
    previousRound: round.previousRound,
    nextRounds: round.nextRounds,
    policyVariant: round.policyVariant,
    helpfulness: h ? { id: h.id, version: h.version, accuracy: (h.metrics as Accuracy)?.accuracy ?? null } : null,
    safety: s ? { id: s.id, version: s.version, accuracy: (s.metrics as Accuracy)?.accuracy ?? null } : null,
    settings: round.settings,
    parameters: parameters ? { ...parameters, promptIds: undefined, prompts: parameters.promptIds.length } : null,
    job: round.job,
    batch: batch ? { ...batch, pairs: batch._count.pairs, comparisons: labelled[0]?.comparisons ?? 0, unsure: labelled[0]?.unsure ?? 0, pairsDone: labelled[0]?.done ?? 0 } : null,
    strategies: Object.fromEntries(strategies.map((g) => [g.strategy, g._count])),
    kept: { count: kept.length, fromEarlierRounds: kept.filter((k) => k.response.jobId !== round.jobId).length, flaggedUnsafe: kept.filter((k) => k.flaggedUnsafe).length },
    samples: { count: samples.length, scored: combined.length, unscored },
    arms: armSummaries,
    curves,
    distributions,
  };
}
