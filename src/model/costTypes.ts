import type { TokenCounts } from './traceTypes';

/** How `/api/costs` groups: by local day (`YYYY-MM-DD`), agent, model or service. */
export type CostGroupBy = 'day' | 'agent' | 'model' | 'service';

export const COST_GROUPINGS: readonly CostGroupBy[] = ['day', 'agent', 'model', 'service'];

/** The key of a row whose agent or model is not known (spans outside any agent, runs without model calls). */
export const NO_KEY = '(none)';

/**
 * One row of `/api/costs`. Runs are counted where the run itself belongs (its root's service and
 * agent, its costliest model, the local day it started); spans, model calls, tokens, cost and errors
 * where each span belongs. Latency: model-call durations when grouped by model, run durations otherwise.
 */
export interface CostRow {
  key: string;
  runs: number;
  llmCalls: number;
  tokens: TokenCounts;
  costUsd: number;
  /** Spans that failed. */
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  spans: number;
  /** Runs whose root span failed, and those of them that failed on a timeout or deadline. */
  errorRuns: number;
  timeoutRuns: number;
  /** Model calls whose cost is unknown (not in `costUsd`). */
  unpricedCalls: number;
  /** Output tokens per second of model-call time, when any model call was timed. */
  outputTokensPerSecond: number | null;
}

export interface CostQuery {
  /** Unix ms; default 30 days before `to`. The range covers the whole local days it touches. */
  from?: number;
  /** Unix ms; default now. */
  to?: number;
  groupBy?: CostGroupBy;
}

/** One day's cost split by agent or model, for the stacked chart. */
export interface DailyCostSplit {
  day: string;
  costUsd: number;
  byKey: Record<string, number>;
}

export interface SpanNameCost {
  name: string;
  spans: number;
  errors: number;
  costUsd: number;
  /** Share of the range's cost, 0–1. */
  share: number;
  meanMs: number;
}

/** Everything the Costs page shows for a range. */
export interface CostOverview {
  fromDay: string;
  toDay: string;
  days: number;
  totals: CostRow;
  dailyAverageUsd: number;
  costPerRunUsd: number | null;
  byDay: CostRow[];
  byAgent: CostRow[];
  byModel: CostRow[];
  byService: CostRow[];
  /** Cost per day split by agent and by model (keys: the top ones, the rest under `(other)`). */
  dailyByAgent: DailyCostSplit[];
  dailyByModel: DailyCostSplit[];
  topNames: SpanNameCost[];
}
