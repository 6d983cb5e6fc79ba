"use client";
// The researcher dashboard: a filter bar and, under it, the charts and the annotator table,
// all drawn from the same filters (server/dashboard/stats.ts says how each number is made).
// The filters live in the page's URL too, so a filtered view can be reloaded or shared.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { Suspense, useMemo, useState } from "react";
import { useTRPC } from "../../_trpc/client";
import "./dashboard.css";
import { AgreementTable } from "./AgreementTable";
import { AnnotatorTable } from "./AnnotatorTable";
import { ModelAgreementTable } from "./ModelAgreementTable";
import { ErrorAlert } from "../../_components/ErrorAlert";
import { type LabelledDistribution, OverTimeChart, PositionChart, SafetyChart, StrengthChart } from "./charts";
import { FilterBar } from "./FilterBar";
import { type FilterState, filterProblem, fromSearchParams, toApiFilters, toSearchParams } from "./filters";

export function Dashboard() {
  // useSearchParams needs a Suspense boundary when the page is prerendered.
  return (
    <Suspense>
      <FilteredDashboard />
    </Suspense>
  );
}

function FilteredDashboard() {
  const trpc = useTRPC();
  const searchParams = useSearchParams();
  const [state, setFilterState] = useState<FilterState>(() => fromSearchParams(new URLSearchParams(searchParams.toString())));
  const setState = (next: FilterState) => {
    setFilterState(next);
    // Next.js keeps useSearchParams in step with the native history API, without a navigation.
    const query = toSearchParams(next).toString();
    window.history.replaceState(null, "", `${window.location.pathname}${query ? `?${query}` : ""}`);
  };
  const problem = filterProblem(state);
  const filters = useMemo(() => toApiFilters(state), [state]);
  const options = { enabled: !problem, placeholderData: keepPreviousData };

  const filterOptions = useQuery(trpc.dashboard.filterOptions.queryOptions());
  const overTime = useQuery(trpc.dashboard.overTime.queryOptions(filters, options));
  const distributions = useQuery(trpc.dashboard.distributions.queryOptions(filters, options));
  const annotators = useQuery(trpc.dashboard.annotators.queryOptions(filters, options));
  const modelAgreement = useQuery(trpc.rewardModels.annotatorAgreement.queryOptions());
  const agreement = useQuery(trpc.dashboard.agreement.queryOptions(filters, options));

  const batches: LabelledDistribution[] = useMemo(() => {
    const rows = distributions.data?.batches ?? [];
    const counts = new Map<string, number>();
    for (const b of rows) counts.set(b.batchName ?? "", (counts.get(b.batchName ?? "") ?? 0) + 1);
    return rows.map((b) => ({
      ...b,
      label: (counts.get(b.batchName ?? "") ?? 0) > 1 ? `${b.roundName} · ${b.batchName}` : (b.batchName ?? ""),
    }));
  }, [distributions.data]);

  const error = filterOptions.error ?? overTime.error ?? distributions.error ?? annotators.error;
  const fetching = overTime.isFetching || distributions.isFetching || annotators.isFetching;

  return (
    <section className="dashboard stack" aria-labelledby="dashboard-title" aria-busy={fetching}>
      <h2 id="dashboard-title" className="dashboard-title">
        Comparisons in detail
      </h2>
      <FilterBar value={state} options={filterOptions.data} onChange={setState} problem={problem} />
      <ErrorAlert error={error} />
      <div className="chart-grid">
        <OverTimeChart days={overTime.data} loading={overTime.isLoading} />
        <StrengthChart batches={batches} total={distributions.data?.total} loading={distributions.isLoading} />
        <SafetyChart batches={batches} total={distributions.data?.total} loading={distributions.isLoading} />
        <PositionChart batches={batches} total={distributions.data?.total} loading={distributions.isLoading} />
      </div>
      <AnnotatorTable rows={annotators.data} loading={annotators.isLoading} />
      <AgreementTable rows={agreement.data} loading={agreement.isLoading} />
      <ModelAgreementTable rows={modelAgreement.data} loading={modelAgreement.isLoading} />
    </section>
  );
}
