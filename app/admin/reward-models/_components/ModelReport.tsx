"use client";
// What a trained reward model's page shows, read from the metrics its training job stored:
// Llama 2's accuracy table (per strength, which should rise with it), per source, the train and
// test loss curves, the score distributions of chosen and rejected responses, the calibration of
// σ(r_c − r_r), and for the safety model precision and recall of "unsafe" against the threshold.
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { STRENGTHS, type Strength } from "~/server/preferences/vocabulary";
import type { AccuracyCell, RewardModelMetrics } from "~/server/reward-models/metrics";
import { type Column, DataTable } from "../../../_components/DataTable";
import { ChartCard, percent } from "../../../research/_components/charts";

type SplitMetrics = RewardModelMetrics["test"];
export type RewardMetrics = RewardModelMetrics;

const cellText = (c: AccuracyCell | null | undefined) => (c && c.count ? `${percent(c.accuracy)} (${c.correct}/${c.count})` : "—");

type StrengthRow = { name: string; metrics: SplitMetrics | undefined };

/** Llama 2's table: one column per strength, then the average; one row per model or split. */
const strengthColumns: Column<StrengthRow>[] = [
  { header: "", rowHeader: true, value: (row) => row.name },
  ...STRENGTHS.map(
    (s): Column<StrengthRow> => ({
      id: s.value,
      header: s.phrase,
      num: true,
      cellProps: () => ({ "data-strength": s.value }),
      cell: (row) => cellText(row.metrics?.byStrength.find((c) => c.strength === s.value)),
    }),
  ),
  { id: "all", header: "all", num: true, cellProps: () => ({ "data-strength": "all" }), cell: (row) => cellText(row.metrics?.overall) },
];

export function StrengthTable({ rows, label }: { rows: StrengthRow[]; label: string }) {
  return <DataTable label={label} columns={strengthColumns} rows={rows} rowKey={(row) => row.name} />;
}

type SourceRow = { source: string; test: AccuracyCell | undefined; train: AccuracyCell | undefined };
const sourceColumns: Column<SourceRow>[] = [
  { header: "source", value: (row) => (row.source === "team" ? "the team's annotators" : row.source) },
  { header: "test", num: true, cell: (row) => cellText(row.test) },
  { header: "train", num: true, cell: (row) => cellText(row.train) },
];

type ThresholdRow = NonNullable<RewardModelMetrics["safety"]>["curve"][number];
const thresholdColumns: Column<ThresholdRow>[] = [
  { header: "threshold", num: true, cell: (p) => `${p.threshold.toFixed(2)}${p.marked ? " (Llama 2)" : ""}` },
  { header: "flagged", num: true, value: (p) => p.flagged },
  { header: "precision", num: true, cell: (p) => percent(p.precision) },
  { header: "recall", num: true, cell: (p) => percent(p.recall) },
];

function rising(cells: ({ strength: Strength } & AccuracyCell)[]) {
  const known = STRENGTHS.map((s) => cells.find((c) => c.strength === s.value)).filter((c): c is NonNullable<typeof c> => !!c?.count);
  return known.every((c, i) => i === 0 || (c.accuracy ?? 0) <= (known[i - 1]!.accuracy ?? 0));
}

export function ModelReport({ metrics, kind }: { metrics: RewardMetrics; kind: string }) {
  const { test, train } = metrics;
  const histogram = test.scoreHistogram.chosen.map((chosen, i) => ({
    score: ((test.scoreHistogram.edges[i]! + test.scoreHistogram.edges[i + 1]!) / 2).toFixed(2),
    chosen,
    rejected: test.scoreHistogram.rejected[i] ?? 0,
  }));
  const calibration = test.calibration.filter((b) => b.count > 0).map((b) => ({ predicted: b.meanPredicted, observed: b.observed, count: b.count }));
  return (
    <div className="stack">
      <section className="card stack" aria-label="Accuracy per strength">
        <h2>Accuracy per strength of preference</h2>
        <StrengthTable label="Accuracy per strength" rows={[{ name: "test", metrics: test }, { name: "train", metrics: train }]} />
        <p className="muted" data-testid="strength-shape">
          {rising(test.byStrength)
            ? "On the test split, accuracy does not fall as the preference gets weaker: the shape Llama 2's table has (METHOD.md §2)."
            : "On the test split, accuracy does not rise with the strength of preference, as it should for a model that learned the labels."}{" "}
          Test loss {test.loss?.toFixed(4) ?? "—"}, train loss {train.loss?.toFixed(4) ?? "—"}.
        </p>
      </section>

      <section className="card stack" aria-label="Accuracy per source">
        <h2>Accuracy per source</h2>
        <DataTable
          label="Accuracy per source"
          columns={sourceColumns}
          rows={[...new Set([...test.bySource, ...train.bySource].map((s) => s.source))].map((source) => ({
            source,
            test: test.bySource.find((s) => s.source === source),
            train: train.bySource.find((s) => s.source === source),
          }))}
          rowKey={(row) => row.source}
        />
      </section>

      <div className="chart-grid">
        <ChartCard id="loss-curve" title="Loss while training" summary={`${metrics.training.steps} steps; test loss measured ${metrics.curve.length} times.`}>
          <ResponsiveContainer width="100%" height={240}>
            <LineChart data={metrics.curve}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="step" />
              <YAxis />
              <Tooltip />
              <Legend />
              <Line dataKey="trainLoss" name="train loss" stroke="#2f5fd0" dot={false} isAnimationActive={false} />
              <Line dataKey="testLoss" name="test loss" stroke="#d9822b" dot isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </ChartCard>
        <ChartCard id="scores" title="Scores of chosen and rejected responses (test)" summary="A model that separates them puts the chosen to the right.">
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={histogram}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="score" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Legend />
              <Bar dataKey="chosen" fill="#3a9a5b" isAnimationActive={false} />
              <Bar dataKey="rejected" fill="#b42318" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </ChartCard>
        <ChartCard
          id="calibration"
          title="Calibration of σ(r_c − r_r) (test)"
          summary={`Expected calibration error ${test.calibrationError.toFixed(3)}: on the diagonal, a pair the model is 80% sure of is right 80% of the time.`}
        >
          <ResponsiveContainer width="100%" height={240}>
            <LineChart data={calibration}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="predicted" type="number" domain={[0.5, 1]} tickFormatter={(v: number) => v.toFixed(2)} />
              <YAxis domain={[0, 1]} />
              <Tooltip />
              <ReferenceLine segment={[{ x: 0.5, y: 0.5 }, { x: 1, y: 1 }]} stroke="#999" strokeDasharray="4 4" />
              <Line dataKey="observed" stroke="#2f5fd0" isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </ChartCard>
      </div>

      {kind === "SAFETY" && metrics.safety && (
        <section className="card stack" aria-label="Unsafe responses">
          <h2>Flagging unsafe responses</h2>
          <p className="muted">
            The safety score calibrated into P(safe) on the training split's safety labels (Platt scaling
            {metrics.safety.calibration ? `, a = ${metrics.safety.calibration.a.toFixed(3)}, b = ${metrics.safety.calibration.b.toFixed(3)}` : ""}
            ); a response counts as unsafe when P(safe) is under the threshold. Test split: {metrics.safety.responses} responses, {metrics.safety.unsafe} unsafe.
            Llama 2 uses 0.15 (precision 0.89, recall 0.55 on Meta Safety).
          </p>
          <DataTable
            label="Precision and recall of unsafe"
            columns={thresholdColumns}
            rows={metrics.safety.curve}
            rowKey={(p) => String(p.threshold)}
            rowProps={(p) => ({ className: p.marked ? "marked" : undefined, "data-marked": p.marked || undefined })}
          />
        </section>
      )}
    </div>
  );
}
