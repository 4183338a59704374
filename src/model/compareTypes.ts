/**
 * Shapes of run comparison: a group of runs against another (A/B) and one run against another
 * (diff). Shared by the engine, the REST API and the UI; field names are a public contract.
 */
import type { SpanKind, TokenCounts, TraceQuery } from './traceTypes';

/** Which runs form a group: the trace-list filters plus version, attributes, time range and ids. */
export interface GroupFilter extends TraceQuery {
  /** `service.version` of the run's resource (or `gen_ai.agent.version` on its spans). */
  version?: string;
  /** Every pair must match a resource or span attribute of the run (string form, exact). */
  attr?: { key: string; value: string }[];
  /** Runs that started at or after this time (Unix ms). */
  from?: number;
  /** Runs that started before this time (Unix ms). */
  to?: number;
  /** Exactly these runs (the other filters still apply). */
  traceIds?: string[];
}

/** Order statistics of one measure over a group. */
export interface Distribution {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  total: number;
}

/** One span name (and kind) across the runs of a group. */
export interface SpanNameStats {
  name: string;
  kind: SpanKind;
  /** Spans of this name in all runs. */
  spans: number;
  /** Runs with at least one span of this name. */
  runsWith: number;
  /** Spans of this name per run (runs without it count as 0). */
  callsPerRun: number;
  /** Duration of each span. */
  durationMs: Distribution;
  errorRate: number;
  tokensPerRun: number;
  costPerRun: number;
}

export interface GroupStats {
  runs: number;
  /** The runs in the group, newest first (at most 1,000 listed). */
  traceIds: string[];
  errorRuns: number;
  /** Share of runs without a failed span, 0..1. */
  successRate: number;
  errorRate: number;
  /** End-to-end duration of the runs. */
  durationMs: Distribution;
  costUsd: { mean: number; total: number };
  tokens: { perRun: TokenCounts; total: TokenCounts };
  modelCallsPerRun: number;
  toolCallsPerRun: number;
  /** Per span name, most time first. */
  spans: SpanNameStats[];
}

export type CompareMetric = 'durationMs' | 'errorRate' | 'costUsd' | 'tokens' | 'modelCalls' | 'toolCalls' | 'calls';

/**
 * `significant`: the groups differ beyond noise (two-sided Mann–Whitney U over per-run values,
 * Benjamini–Hochberg false discovery rate 5% across the rows); `noise`: tested, not beyond noise;
 * `too-few-runs`: a group has fewer runs than `minRuns`, so no call is made.
 */
export type CompareVerdict = 'significant' | 'noise' | 'too-few-runs';

export interface CompareRow {
  /** What the row measures, e.g. `run · duration` or `search_web · duration`. */
  name: string;
  /** `run` for whole runs, otherwise the span name. */
  subject: string;
  kind?: SpanKind;
  metric: CompareMetric;
  /** Median per run for durations, mean per run otherwise (a rate for errors). */
  a: number;
  b: number;
  /** b − a. */
  delta: number;
  /** (b − a) / |a|; null when a is 0. */
  relativeDelta: number | null;
  /** Runs whose values were tested, per group. */
  runs: { a: number; b: number };
  /** Two-sided Mann–Whitney p-value; null when not tested. */
  pValue: number | null;
  /** The p-value adjusted for the number of rows tested (Benjamini–Hochberg). */
  qValue: number | null;
  significant: boolean;
  verdict: CompareVerdict;
}

export interface CompareResult {
  a: GroupStats;
  b: GroupStats;
  /** Significant rows first, largest relative change first. */
  rows: CompareRow[];
  method: { test: 'mann-whitney-u'; alpha: number; correction: 'benjamini-hochberg'; minRuns: number };
}

export type DiffStatus = 'same' | 'changed' | 'added' | 'removed';

/** One aligned row of two runs: a span of A, of B, or a matched pair, in merged display order. */
export interface DiffRow {
  a?: string;
  b?: string;
  status: DiffStatus;
  depth: number;
  name: string;
  kind: SpanKind;
  /** Offsets from each run's start and durations, for the waterfall pair. */
  offsetA?: number;
  durationA?: number;
  offsetB?: number;
  durationB?: number;
  /** Added rows count B's whole value, removed rows minus A's. */
  durationDeltaMs: number;
  tokensDelta: number;
  costDelta: number;
  /** What differs in a matched pair: `model`, `parameters`, `system prompt`, `messages`, `output`, `tools`, `tool call`, `status`. */
  changes?: string[];
}

export interface DiffRunSummary {
  traceId: string;
  name: string;
  durationMs: number;
  spanCount: number;
  tokens: number;
  costUsd: number;
}

export interface DiffSummary {
  a: DiffRunSummary;
  b: DiffRunSummary;
  same: number;
  changed: number;
  added: number;
  removed: number;
  durationDeltaMs: number;
  tokensDelta: number;
  costDelta: number;
}

export interface TraceDiff {
  rows: DiffRow[];
  summary: DiffSummary;
}

export interface TextDiffPart {
  op: 'same' | 'added' | 'removed';
  text: string;
}

/** One part of a model call (system prompt, a message, tool definitions, an output) in both runs. */
export interface TextSectionDiff {
  label: string;
  status: DiffStatus;
  parts: TextDiffPart[];
}

export interface ModelCallDiff {
  a: string;
  b: string;
  model: { a?: string; b?: string; changed: boolean };
  /** Request parameters that differ (temperature, max tokens, …); values as JSON text. */
  parameters: { key: string; a?: string; b?: string }[];
  sections: TextSectionDiff[];
}
