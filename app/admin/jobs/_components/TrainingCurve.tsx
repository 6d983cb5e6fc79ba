"use client";
// A reward-model training run's loss and accuracy as they come (the job's live output, pushed),
// and a link to the model once it is registered.
import Link from "next/link";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

type Point = { step: number; trainLoss: number; testLoss?: number | null; trainAccuracy: number; testAccuracy?: number | null };
type Live = { kind?: string; step?: number; totalSteps?: number; curve?: Point[] } | null;

export function TrainingCurve({ live, result }: { live: unknown; result: unknown }) {
  const curve = (live as Live)?.curve ?? [];
  const modelId = (result as { rewardModelId?: string } | null)?.rewardModelId;
  return (
    <section className="stack" aria-label="Training curve">
      <h2>Loss and accuracy</h2>
      {modelId && (
        <p>
          <Link href={`/admin/reward-models/${modelId}`}>Open the trained model</Link>
        </p>
      )}
      {curve.length === 0 ? (
        <p className="muted">The curve appears once the head is training.</p>
      ) : (
        <ResponsiveContainer width="100%" height={240}>
          <LineChart data={curve}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="step" />
            <YAxis yAxisId="loss" />
            <YAxis yAxisId="accuracy" orientation="right" domain={[0, 1]} />
            <Tooltip />
            <Legend />
            <Line yAxisId="loss" dataKey="trainLoss" name="train loss" stroke="#2f5fd0" dot={false} isAnimationActive={false} />
            <Line yAxisId="loss" dataKey="testLoss" name="test loss" stroke="#d9822b" isAnimationActive={false} />
            <Line yAxisId="accuracy" dataKey="testAccuracy" name="test accuracy" stroke="#3a9a5b" isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      )}
    </section>
  );
}
