"use client";
// The dashboard's charts (recharts). Each sits in a ChartCard: a heading, the chart, and a
// one-line summary in words that says what the chart shows for the current filters.
import type { ReactNode } from "react";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import type { SafetyLabelValue, StrengthValue } from "~/server/annotation/annotation.schema";
import type { DayCount, Distribution } from "~/server/dashboard/stats";
import { SAFETY_LABEL_VALUES, STRENGTH_VALUES, safetyLabel, strength } from "~/server/preferences/vocabulary";

export const EMPTY = "No comparisons in this selection.";

const strengthOrder = STRENGTH_VALUES;
/** Strongest darkest, in the vocabulary's order. */
const STRENGTH_COLORS = ["#1f4e9c", "#3f7fd6", "#8db5ea", "#d9dee7"];
const strengthColors = Object.fromEntries(STRENGTH_VALUES.map((s, i) => [s, STRENGTH_COLORS[i]!])) as Record<StrengthValue, string>;
const safetyOrder = SAFETY_LABEL_VALUES;
/** One safe and one not, both safe, both unsafe. */
const SAFETY_COLORS = ["#e0a526", "#3a9a5b", "#b42318"];
const safetyColors = Object.fromEntries(SAFETY_LABEL_VALUES.map((s, i) => [s, SAFETY_COLORS[i]!])) as Record<SafetyLabelValue, string>;
const HELPFULNESS_COLOR = "#2f5fd0";
const SAFETY_COLOR = "#d9822b";

export function percent(share: number | null | undefined): string {
  return share === null || share === undefined ? "—" : `${Math.round(100 * share)}%`;
}

export function plural(n: number, word: string, words = `${word}s`) {
  return `${n.toLocaleString("en")} ${n === 1 ? word : words}`;
}

/** Legend entries in the page's text colour (the swatch carries the series colour). */
function legendText(value: unknown) {
  return <span className="legend-text">{String(value)}</span>;
}

export function ChartCard({
  id,
  title,
  summary,
  children,
}: {
  id: string;
  title: string;
  summary: string;
  children?: ReactNode;
}) {
  return (
    <section className="chart-card" data-testid={`chart-${id}`} aria-labelledby={`chart-${id}-title`}>
      <h2 id={`chart-${id}-title`}>{title}</h2>
      {children ? <div className="chart-area">{children}</div> : null}
      <p className="chart-summary" data-testid={`chart-${id}-summary`} aria-live="polite">
        {summary}
      </p>
    </section>
  );
}

/** A batch's label on an axis: its name, with the round's when batch names repeat across rounds. */
export type LabelledDistribution = Distribution & { label: string };

// Comparisons over time ----------------------------------------------------------------------

export function OverTimeChart({ days, loading }: { days: DayCount[] | undefined; loading: boolean }) {
  const total = days?.reduce((n, d) => n + d.comparisons, 0) ?? 0;
  const helpfulness = days?.reduce((n, d) => n + d.helpfulness, 0) ?? 0;
  const safety = days?.reduce((n, d) => n + d.safety, 0) ?? 0;
  const summary =
    !days && loading
      ? "Loading…"
      : total === 0
        ? EMPTY
        : `${plural(total, "comparison")} in the selection (${helpfulness.toLocaleString("en")} helpfulness, ${safety.toLocaleString("en")} safety), ` +
          `${days![0]!.day === days!.at(-1)!.day ? `on ${days![0]!.day}` : `from ${days![0]!.day} to ${days!.at(-1)!.day}`}.`;
  return (
    <ChartCard id="over-time" title="Comparisons over time" summary={summary}>
      {total > 0 && (
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={days} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="day" tick={{ fontSize: 12 }} minTickGap={24} />
            <YAxis allowDecimals={false} tick={{ fontSize: 12 }} />
            <Tooltip />
            <Legend itemSorter={null} formatter={legendText} />
            <Bar dataKey="helpfulness" name="Helpfulness" stackId="day" fill={HELPFULNESS_COLOR} isAnimationActive={false} maxBarSize={72} />
            <Bar dataKey="safety" name="Safety" stackId="day" fill={SAFETY_COLOR} isAnimationActive={false} maxBarSize={72} />
          </BarChart>
        </ResponsiveContainer>
      )}
    </ChartCard>
  );
}

// Strengths per batch (100% stacked) ------------------------------------------------------------

/** Tooltip text of a stacked bar: the count and its share of the bar's comparisons. */
function countAndShare(value: unknown, name: unknown, item: { payload?: unknown }): [string, string] {
  const count = Number(value ?? 0);
  const of = Number((item.payload as { comparisons: number }).comparisons);
  return [`${count} (${percent(of ? count / of : null)})`, String(name)];
}

export function StrengthChart({ batches, total, loading }: { batches: LabelledDistribution[]; total: Distribution | undefined; loading: boolean }) {
  const data = batches.map((b) => ({
    label: b.label,
    comparisons: b.comparisons,
    ...Object.fromEntries(strengthOrder.map((s) => [s, b.strengths[s].count])),
  }));
  const summary =
    !total && loading
      ? "Loading…"
      : !total || total.comparisons === 0
        ? EMPTY
        : `${plural(total.comparisons, "comparison")} in ${plural(batches.length, "batch", "batches")}; ` +
          `“negligibly better or unsure” ${percent(total.strengths.NEGLIGIBLY_BETTER_OR_UNSURE.share)}, ` +
          `“significantly better” ${percent(total.strengths.SIGNIFICANTLY_BETTER.share)}.`;
  return (
    <ChartCard id="strengths" title="Strength of preference by batch" summary={summary}>
      {data.length > 0 && (
        <ResponsiveContainer width="100%" height={280}>
          <BarChart data={data} stackOffset="expand" margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" tick={{ fontSize: 12 }} />
            <YAxis tickFormatter={(v: number) => `${Math.round(v * 100)}%`} tick={{ fontSize: 12 }} />
            <Tooltip formatter={countAndShare} />
            <Legend itemSorter={null} formatter={legendText} />
            {strengthOrder.map((s) => (
              <Bar key={s} dataKey={s} name={strength(s).phrase} stackId="strength" fill={strengthColors[s]} isAnimationActive={false} maxBarSize={72} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      )}
    </ChartCard>
  );
}

// Safety labels per batch (stacked counts) ----------------------------------------------------

export function SafetyChart({ batches, total, loading }: { batches: LabelledDistribution[]; total: Distribution | undefined; loading: boolean }) {
  const withSafety = batches.filter((b) => b.safety.comparisons > 0);
  const data = withSafety.map((b) => ({
    label: b.label,
    comparisons: b.safety.comparisons,
    ...Object.fromEntries(safetyOrder.map((s) => [s, b.safety.labels[s].count])),
  }));
  const n = total?.safety.comparisons ?? 0;
  const summary =
    !total && loading
      ? "Loading…"
      : n === 0
        ? "No safety comparisons in this selection."
        : `${plural(n, "safety comparison")} in ${plural(withSafety.length, "batch", "batches")}: ` +
          safetyOrder.map((s) => `${safetyLabel(s).shortName.toLowerCase()} ${percent(total!.safety.labels[s].share)}`).join(", ") +
          ".";
  return (
    <ChartCard id="safety" title="Safety labels by batch" summary={summary}>
      {data.length > 0 && (
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" tick={{ fontSize: 12 }} />
            <YAxis allowDecimals={false} tick={{ fontSize: 12 }} />
            <Tooltip formatter={countAndShare} />
            <Legend itemSorter={null} formatter={legendText} />
            {safetyOrder.map((s) => (
              <Bar key={s} dataKey={s} name={safetyLabel(s).shortName} stackId="safety" fill={safetyColors[s]} isAnimationActive={false} maxBarSize={72} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      )}
    </ChartCard>
  );
}

// Position bias per batch ---------------------------------------------------------------------

export function PositionChart({ batches, total, loading }: { batches: LabelledDistribution[]; total: Distribution | undefined; loading: boolean }) {
  const data = batches.map((b) => ({
    label: b.label,
    comparisons: b.comparisons,
    leftChosen: b.leftChosen.count,
    leftShare: b.leftChosen.share === null ? null : Math.round(1000 * b.leftChosen.share) / 10,
  }));
  const summary =
    !total && loading
      ? "Loading…"
      : !total || total.comparisons === 0
        ? EMPTY
        : `The response shown on the left was chosen in ${percent(total.leftChosen.share)} of ${plural(total.comparisons, "comparison")} ` +
          `(${total.leftChosen.count.toLocaleString("en")}); 50% means no position bias.`;
  return (
    <ChartCard id="position" title="Position bias by batch" summary={summary}>
      {data.length > 0 && (
        <ResponsiveContainer width="100%" height={240}>
          <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" tick={{ fontSize: 12 }} />
            <YAxis domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} tickFormatter={(v: number) => `${v}%`} tick={{ fontSize: 12 }} />
            <Tooltip
              formatter={(value, _name, item) => {
                const row = item.payload as { leftChosen: number; comparisons: number };
                return [`${value}% (${row.leftChosen} of ${row.comparisons})`, "Left chosen"];
              }}
            />
            <ReferenceLine
              y={50}
              stroke="#b42318"
              strokeDasharray="4 4"
              label={{ value: "50% = no bias", position: "insideBottomRight", fontSize: 12, fill: "#5d6778" }}
            />
            <Bar dataKey="leftShare" name="Left response chosen" fill={HELPFULNESS_COLOR} isAnimationActive={false} maxBarSize={72} />
          </BarChart>
        </ResponsiveContainer>
      )}
    </ChartCard>
  );
}
