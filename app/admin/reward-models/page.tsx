"use client";
// Reward models: start a training run (the data, the features, the head), see every version
// with its test accuracy, make one the active model of its kind, retire one, compare two.
// Training runs in a worker; its job page shows progress, loss and accuracy as they come.
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { z } from "zod";
import { PROTOCOLS, protocolName } from "~/server/preferences/vocabulary";
import { MARGIN_KINDS } from "~/server/preferences/vocabulary";
import { POOLINGS, type RewardTrainingRequest, rewardTrainingParameters } from "~/server/reward-models/reward-models.schema";
import type { AppRouter } from "~/server/trpc/root";
import { ErrorAlert, FieldError } from "../../_components/ErrorAlert";
import { useTRPC } from "../../_trpc/client";
import { percent } from "../../research/_components/charts";
import "../../research/_components/dashboard.css";
import "./reward-models.css";
import { type Column, DataTable } from "../../_components/DataTable";

type RewardModel = inferRouterOutputs<AppRouter>["rewardModels"]["list"][number];

const optionalNumber = z.string().trim().regex(/^(\d+(\.\d*)?(e-?\d+)?)?$/i, "a number, or empty for the default");

/** The form's fields, flat; turned into the request (and checked by its schema) on submit. */
const formSchema = z
  .object({
    kind: z.enum(["HELPFULNESS", "SAFETY"]),
    batchIds: z.array(z.string()),
    sources: z.array(z.string()).min(1, "choose at least one source"),
    aggregate: z.enum(["majority", "mean", "unanimous", "none"]),
    testPercent: z.number({ error: "a number" }).min(1, "at least 1%").max(50, "at most 50%"),
    variantId: z.string(),
    pooling: z.enum(POOLINGS),
    head: z.enum(["linear", "mlp"]),
    hidden: z.number({ error: "a whole number" }).int().min(1).max(8192),
    margin: z.enum(MARGIN_KINDS),
    learningRate: optionalNumber,
    batchSize: z.number({ error: "a whole number" }).int("a whole number").min(1).max(65_536),
    epochs: z.number({ error: "a whole number" }).int("a whole number").min(1).max(100),
    weightDecay: z.number({ error: "a number" }).min(0).max(1),
    seed: z.number({ error: "a whole number" }).int("a whole number").min(0),
    activate: z.boolean(),
  })
  .transform((f, ctx): RewardTrainingRequest => {
    const parsed = rewardTrainingParameters.safeParse({
      data: { kind: f.kind, batchIds: f.batchIds.length ? f.batchIds : undefined, sources: f.sources, aggregate: f.aggregate, testFraction: f.testPercent / 100, seed: f.seed },
      features: { variantId: f.variantId || null, pooling: f.pooling },
      settings: {
        head: f.head === "mlp" ? { kind: "mlp", hidden: f.hidden } : { kind: "linear" },
        margin: f.margin,
        learningRate: f.learningRate ? Number(f.learningRate) : undefined,
        batchSize: f.batchSize,
        epochs: f.epochs,
        weightDecay: f.weightDecay,
        seed: f.seed,
      },
      activate: f.activate,
    });
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: [String(issue.path.at(-1) ?? "kind")], message: issue.message });
    return z.NEVER;
  });
type FormValues = z.input<typeof formSchema>;

function TrainForm() {
  const trpc = useTRPC();
  const options = useQuery(trpc.rewardModels.trainingOptions.queryOptions());
  const train = useMutation(trpc.rewardModels.train.mutationOptions());
  const form = useForm<FormValues, unknown, RewardTrainingRequest>({
    resolver: zodResolver(formSchema),
    defaultValues: {
      kind: "HELPFULNESS",
      batchIds: [],
      sources: ["team"],
      aggregate: "majority",
      testPercent: 10,
      variantId: "",
      pooling: "mean",
      head: "linear",
      hidden: 64,
      margin: "small",
      learningRate: "",
      batchSize: 64,
      epochs: 1,
      weightDecay: 0,
      seed: 0,
      activate: true,
    },
  });
  const { errors } = form.formState;
  const kind = form.watch("kind");
  const head = form.watch("head");
  const data = options.data;
  return (
    <section className="card stack" aria-label="Train a reward model">
      <h2>Train a reward model</h2>
      <p className="muted">
        Llama 2's recipe: the helpfulness model on all helpfulness labels plus as many drawn from safety and open-source data; the safety
        model on all safety labels with 10% helpfulness data; one epoch, cosine decay to 10%, 3% warmup; the ranking loss with margin.
      </p>
      <ErrorAlert error={options.error} />
      <ErrorAlert error={train.error} />
      {train.data && (
        <p role="status">
          Queued: {train.data.train} training pairs, {train.data.test} test pairs.{" "}
          <Link href={`/admin/jobs/${train.data.jobId}`}>Follow the training run</Link>
        </p>
      )}
      <form className="grid-form" noValidate aria-label="Train" onSubmit={form.handleSubmit((request) => train.mutate(request as never))}>
        <label>
          Kind
          <select {...form.register("kind")}>
            {PROTOCOLS.map((p) => (
              <option key={p.value} value={p.value}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="span-2">
          <legend>Batches (none ticked: every batch)</legend>
          {data?.batches.length === 0 && <span className="muted">No labelled batches yet.</span>}
          {data?.batches.map((b) => (
            <label key={b.id} className="inline">
              <input type="checkbox" value={b.id} {...form.register("batchIds")} /> {b.roundName} · {b.name}{" "}
              <span className="muted">
                ({kind === "SAFETY" ? b.safety : b.helpfulness} {protocolName(kind).toLowerCase()} labels)
              </span>
            </label>
          ))}
        </fieldset>
        <fieldset className="span-2">
          <legend>Sources</legend>
          {data?.sources.map((s) => (
            <label key={s.name} className="inline">
              <input type="checkbox" value={s.name} {...form.register("sources")} /> {s.name === "team" ? "the team's annotators" : s.name}
              {s.comparisons !== null && <span className="muted"> ({s.comparisons} comparisons)</span>}
            </label>
          ))}
          <FieldError name="sources" message={errors.sources?.message} />
        </fieldset>
        <label>
          Several labels of one pair
          <select {...form.register("aggregate")}>
            <option value="majority">majority side</option>
            <option value="mean">mean signed strength</option>
            <option value="unanimous">unanimous pairs only</option>
            <option value="none">one example per label</option>
          </select>
        </label>
        <label>
          Held out (% of pairs)
          <input type="number" step="1" {...form.register("testPercent", { valueAsNumber: true })} />
          <FieldError name="testPercent" message={errors.testPercent?.message} />
        </label>
        <label>
          Features from
          <select {...form.register("variantId")}>
            <option value="">the first active variant</option>
            {data?.variants.map((v) => (
              <option key={v.id} value={v.id}>
                {v.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Pooling
          <select {...form.register("pooling")}>
            <option value="mean">mean of the hidden states</option>
            <option value="last">last token (what a scalar head reads)</option>
          </select>
        </label>
        <label>
          Head
          <select {...form.register("head")}>
            <option value="linear">linear</option>
            <option value="mlp">small MLP</option>
          </select>
        </label>
        {head === "mlp" && (
          <label>
            Hidden units
            <input type="number" {...form.register("hidden", { valueAsNumber: true })} />
            <FieldError name="hidden" message={errors.hidden?.message} />
          </label>
        )}
        <label>
          Margin m(strength)
          <select {...form.register("margin")}>
            <option value="none">none</option>
            <option value="small">small (1, 2/3, 1/3, 0)</option>
            <option value="large">large (3, 2, 1, 0)</option>
          </select>
        </label>
        <label>
          Maximum learning rate
          <input placeholder="default: 0.16/√dims" {...form.register("learningRate")} />
          <FieldError name="learningRate" message={errors.learningRate?.message} />
        </label>
        <label>
          Batch size (pairs)
          <input type="number" {...form.register("batchSize", { valueAsNumber: true })} />
          <FieldError name="batchSize" message={errors.batchSize?.message} />
        </label>
        <label>
          Epochs
          <input type="number" {...form.register("epochs", { valueAsNumber: true })} />
          <FieldError name="epochs" message={errors.epochs?.message} />
        </label>
        <label>
          Weight decay
          <input type="number" step="0.001" {...form.register("weightDecay", { valueAsNumber: true })} />
          <FieldError name="weightDecay" message={errors.weightDecay?.message} />
        </label>
        <label>
          Seed
          <input type="number" {...form.register("seed", { valueAsNumber: true })} />
          <FieldError name="seed" message={errors.seed?.message} />
        </label>
        <label className="inline span-2">
          <input type="checkbox" {...form.register("activate")} /> Make it the active {protocolName(kind).toLowerCase()} model when it is done
        </label>
        <div className="span-2">
          <button type="submit" disabled={train.isPending}>
            Train
          </button>
        </div>
      </form>
    </section>
  );
}

export default function RewardModelsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const models = useQuery(trpc.rewardModels.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.rewardModels.list.queryKey() });
  const activate = useMutation(trpc.rewardModels.activate.mutationOptions({ onSuccess: refresh }));
  const retire = useMutation(trpc.rewardModels.retire.mutationOptions({ onSuccess: refresh }));
  const [compare, setCompare] = useState<string[]>([]);
  const toggle = (id: string) => setCompare((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id].slice(-2)));
  const columns: Column<RewardModel>[] = [
    {
      header: "Compare",
      cell: (m) => <input type="checkbox" aria-label={`compare v${m.version}`} checked={compare.includes(m.id)} onChange={() => toggle(m.id)} />,
    },
    { header: "Kind", value: (m) => protocolName(m.kind), sortable: true },
    { header: "Version", value: (m) => m.version, sortable: true, cell: (m) => <Link href={`/admin/reward-models/${m.id}`}>v{m.version}</Link> },
    { header: "Test accuracy", num: true, value: (m) => m.accuracy, sortable: true, cell: (m) => percent(m.accuracy) },
    { header: "Train / test pairs", num: true, cell: (m) => `${m.trainPairs ?? "—"} / ${m.testPairs ?? "—"}` },
    {
      header: "Features",
      cell: (m) => (
        <>
          {m.featureVariant?.name ?? "—"} <span className="muted">({m.featureDims} dims)</span>
        </>
      ),
    },
    { header: "Backend", value: (m) => m.backend },
    {
      header: "Trained",
      cell: (m) => (
        <>
          {new Date(m.createdAt).toLocaleString()}{" "}
          {m.trainingJobId && (
            <Link className="muted" href={`/admin/jobs/${m.trainingJobId}`}>
              run
            </Link>
          )}
        </>
      ),
    },
    { header: "Status", cell: (m) => (m.retiredAt ? "retired" : m.active ? <strong>active</strong> : "ready") },
    {
      header: "",
      cellProps: () => ({ className: "actions" }),
      cell: (m) => (
        <>
          {!m.active && !m.retiredAt && (
            <button type="button" onClick={() => activate.mutate({ rewardModelId: m.id })} disabled={activate.isPending}>
              Make active
            </button>
          )}
          {!m.retiredAt && (
            <button type="button" className="secondary" onClick={() => retire.mutate({ rewardModelId: m.id })} disabled={retire.isPending}>
              Retire
            </button>
          )}
        </>
      ),
    },
  ];
  return (
    <section className="stack">
      <h1>Reward models</h1>
      <p className="muted">
        A scalar head over the policy model's features of the chat-formatted prompt and response, trained on the team's comparisons. The
        active model of each kind scores responses for rejection sampling and scoring jobs.
      </p>
      <DataTable
        label="Reward models"
        columns={columns}
        rows={models.data}
        rowKey={(m) => m.id}
        rowProps={(m) => ({ "data-testid": `reward-model-${m.kind}-${m.version}` })}
        error={models.error ?? activate.error ?? retire.error}
        empty="No reward model yet: train one below."
      />
      {compare.length === 2 && (
        <p>
          <Link href={`/admin/reward-models/compare?a=${compare[0]}&b=${compare[1]}`}>Compare the two ticked versions</Link>
        </p>
      )}
      <TrainForm />
    </section>
  );
}
