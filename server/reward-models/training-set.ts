// The training set of a reward model (METHOD.md §2): which comparisons go in, mixed as Llama 2
// mixed them, split as exports split them. Plain data, no model: the training job
// (workers/reward/training-job.ts) turns it into features and a head.
//
// Mixtures, for a selection of rounds, batches and sources:
//  - helpfulness RM: every helpfulness example of the team's labels, plus as many again sampled
//    uniformly from the rest of the selection (the team's safety labels and any imported data);
//  - safety RM: every safety example (the team's and imported ones), plus helpfulness examples
//    (the team's and imported) sampled uniformly to make them 10% of the whole (90/10).
// When the selection has no team labels of the model's own protocol, that protocol's imported
// examples are the base instead. The test split is the kind's own-protocol examples on the test
// side of the export's hash split; the mixture is drawn from the training side only, so no test
// pair is ever trained on. Pairs labelled several times are aggregated by the export's rules.
import type { DbOrTx } from "../db/types";
import { exportOptionsSchema } from "../export/export.schema";
import { trainingExamplesQuery } from "../export/export-query";
import { OWN_LABELS } from "../import/sources";
import type { Protocol, SafetyLabel, Strength } from "../preferences/vocabulary";
import { createRandom, shuffleInPlace } from "../random/seeded";
import type { TrainingSetRequest } from "./reward-models.schema";

export type TrainingExample = {
  pairId: string;
  promptId: string;
  chosenResponseId: string;
  rejectedResponseId: string;
  strength: Strength;
  protocol: Protocol;
  /** OWN_LABELS for the team's annotators, else the import's source name. */
  source: string;
  split: "train" | "test";
  /** Why it is in: the kind's own data, or drawn for the mixture. */
  role: "base" | "mixture";
  comparisonIds: string[];
  /** On safety pairs: the label most annotators who chose this side gave. */
  safetyLabel: SafetyLabel | null;
};

type Counts = Record<string, number>;

/** What went in, counted the ways a researcher asks: enough to trace a model to its data. */
export type TrainingSetSummary = {
  train: number;
  test: number;
  comparisons: number;
  bySource: Record<"train" | "test", Counts>;
  byProtocol: Record<"train" | "test", Counts>;
  byStrength: Record<"train" | "test", Counts>;
  mixture: { base: number; drawn: number; pool: number; rule: string };
};

export type TrainingSet = { request: TrainingSetRequest; examples: TrainingExample[]; summary: TrainingSetSummary };

type Row = Omit<TrainingExample, "split" | "role"> & { test: boolean };

/** The examples of the selection with their split, before any mixing. */
export async function selectExamples(db: DbOrTx, request: TrainingSetRequest): Promise<Row[]> {
  const options = exportOptionsSchema.parse({
    format: "trl",
    aggregate: request.aggregate,
    roundIds: request.roundIds,
    batchIds: request.batchIds,
    sources: request.sources,
    testFraction: request.testFraction,
  });
  const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;
  return db.$queryRawUnsafe<Row[]>(trainingExamplesQuery(options, literal));
}

/** `count` items drawn uniformly without replacement, in a stable order (by pair id). */
function drawUniformly<T extends { pairId: string }>(pool: T[], count: number, seed: number): T[] {
  if (count >= pool.length) return [...pool];
  const random = createRandom(seed);
  const items = [...pool].sort((a, b) => (a.pairId < b.pairId ? -1 : a.pairId > b.pairId ? 1 : 0));
  shuffleInPlace(items, random);
  return items.slice(0, count).sort((a, b) => (a.pairId < b.pairId ? -1 : a.pairId > b.pairId ? 1 : 0));
}

/** Llama 2's mixture over already selected rows (pure, so it is tested on crafted data). */
export function mixTrainingSet(rows: readonly Row[], request: TrainingSetRequest): TrainingSet {
  const own = request.kind as Protocol;
  const ownTeam = rows.filter((r) => r.protocol === own && r.source === OWN_LABELS);
  const isBase =
    request.kind === "SAFETY"
      ? (r: Row) => r.protocol === own
      : ownTeam.length > 0
        ? (r: Row) => r.protocol === own && r.source === OWN_LABELS
        : (r: Row) => r.protocol === own;
  const base = rows.filter(isBase);
  const rest = rows.filter((r) => !isBase(r));
  // Safety: the 10% come from helpfulness data only; helpfulness: from everything else.
  const pool = (request.kind === "SAFETY" ? rest.filter((r) => r.protocol === "HELPFULNESS") : rest).filter((r) => !r.test);
  const baseTrain = base.filter((r) => !r.test);
  const wanted = request.kind === "SAFETY" ? Math.round(baseTrain.length / 9) : baseTrain.length;
  const drawn = drawUniformly(pool, wanted, request.seed);
  const examples: TrainingExample[] = [
    ...base.map((r) => ({ ...strip(r), split: r.test ? ("test" as const) : ("train" as const), role: "base" as const })),
    ...drawn.map((r) => ({ ...strip(r), split: "train" as const, role: "mixture" as const })),
  ];
  return { request, examples, summary: summarise(examples, { base: baseTrain.length, drawn: drawn.length, pool: pool.length, kind: request.kind }) };
}

function strip(row: Row): Omit<TrainingExample, "split" | "role"> {
  const { test: _test, ...rest } = row;
  return rest;
}

function summarise(examples: TrainingExample[], mixture: { base: number; drawn: number; pool: number; kind: string }): TrainingSetSummary {
  const empty = () => ({ train: {} as Counts, test: {} as Counts });
  const bySource = empty();
  const byProtocol = empty();
  const byStrength = empty();
  const comparisons = new Set<string>();
  for (const e of examples) {
    bySource[e.split][e.source] = (bySource[e.split][e.source] ?? 0) + 1;
    byProtocol[e.split][e.protocol] = (byProtocol[e.split][e.protocol] ?? 0) + 1;
    byStrength[e.split][e.strength] = (byStrength[e.split][e.strength] ?? 0) + 1;
    for (const id of e.comparisonIds) comparisons.add(id);
  }
  const train = examples.filter((e) => e.split === "train").length;
  return {
    train,
    test: examples.length - train,
    comparisons: comparisons.size,
    bySource,
    byProtocol,
    byStrength,
    mixture: {
      ...mixture,
      rule:
        mixture.kind === "SAFETY"
          ? "all safety examples, plus helpfulness examples drawn uniformly to make 10% of the training set"
          : "all helpfulness examples of the team's labels, plus as many again drawn uniformly from safety and imported examples",
    },
  };
}

/** The training set of a request, as the database holds it now. */
export async function buildTrainingSet(db: DbOrTx, request: TrainingSetRequest): Promise<TrainingSet> {
  return mixTrainingSet(await selectExamples(db, request), request);
}
