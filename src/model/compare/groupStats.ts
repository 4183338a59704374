import type { Distribution, GroupStats, SpanNameStats } from '../compareTypes';
import type { SpanKind, SpanStatus, TokenCounts, TraceSummary } from '../traceTypes';
import { percentile } from '../percentile';

/** What a comparison needs of one span (a waterfall row carries all of it). */
export interface RunSpanSample {
  name: string;
  kind: SpanKind;
  durationMs: number;
  status: SpanStatus;
  tokens: number;
  costUsd: number | null;
  /** Its tokens are carried again by the model calls below it. */
  aggregate?: boolean;
}

/** One run of a group: its summary and its spans. */
export interface RunSample {
  summary: TraceSummary;
  spans: readonly RunSpanSample[];
}

/** A span name's figures within one run. */
export interface SpanInRun {
  name: string;
  kind: SpanKind;
  count: number;
  durations: number[];
  errors: number;
  tokens: number;
  costUsd: number;
}

/** The per-run values a comparison tests: one value per run keeps the runs the unit of observation. */
export interface RunValues {
  traceId: string;
  durationMs: number;
  failed: number;
  costUsd: number;
  tokens: number;
  modelCalls: number;
  toolCalls: number;
  bySpan: Map<string, SpanInRun>;
}

/** Span names are keyed with their kind: an agent and a tool may share a name. */
export function spanKey(kind: SpanKind, name: string): string {
  return `${kind}\u0000${name}`;
}

export function runValues(run: RunSample): RunValues {
  const bySpan = new Map<string, SpanInRun>();
  let toolCalls = 0;
  for (const span of run.spans) {
    if (span.kind === 'tool') toolCalls++;
    const key = spanKey(span.kind, span.name);
    let entry = bySpan.get(key);
    if (!entry) bySpan.set(key, (entry = { name: span.name, kind: span.kind, count: 0, durations: [], errors: 0, tokens: 0, costUsd: 0 }));
    entry.count++;
    entry.durations.push(span.durationMs);
    if (span.status === 'error') entry.errors++;
    if (!span.aggregate) {
      entry.tokens += span.tokens;
      entry.costUsd += span.costUsd ?? 0;
    }
  }
  const s = run.summary;
  return {
    traceId: s.traceId,
    durationMs: s.durationMs,
    failed: s.errorCount > 0 ? 1 : 0,
    costUsd: s.costUsd,
    tokens: s.tokens.total,
    modelCalls: s.llmCalls,
    toolCalls,
    bySpan,
  };
}

export function distribution(values: readonly number[]): Distribution {
  if (values.length === 0) return { count: 0, mean: 0, p50: 0, p95: 0, p99: 0, total: 0 };
  const sorted = [...values].sort((x, y) => x - y);
  let total = 0;
  for (const v of sorted) total += v;
  return {
    count: sorted.length,
    mean: total / sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    total,
  };
}

const TOKEN_TYPES = ['input', 'output', 'cacheRead', 'cacheWrite', 'reasoning', 'total'] as const;

function zeroTokens(): TokenCounts {
  return { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, total: 0 };
}

const MAX_LISTED_RUNS = 1000;

/** Descriptive figures of a group of runs. */
export function groupStats(runs: readonly RunSample[], values: readonly RunValues[] = runs.map(runValues)): GroupStats {
  const n = runs.length;
  const perRun = (total: number) => (n > 0 ? total / n : 0);
  const tokenTotal = zeroTokens();
  let costTotal = 0;
  let modelCalls = 0;
  let toolCalls = 0;
  let errorRuns = 0;
  for (let i = 0; i < n; i++) {
    const s = runs[i].summary;
    for (const type of TOKEN_TYPES) tokenTotal[type] += s.tokens[type];
    costTotal += s.costUsd;
    modelCalls += values[i].modelCalls;
    toolCalls += values[i].toolCalls;
    errorRuns += values[i].failed;
  }
  const tokenPerRun = zeroTokens();
  for (const type of TOKEN_TYPES) tokenPerRun[type] = perRun(tokenTotal[type]);
  return {
    runs: n,
    traceIds: [...runs]
      .sort((x, y) => y.summary.startTime - x.summary.startTime)
      .slice(0, MAX_LISTED_RUNS)
      .map((r) => r.summary.traceId),
    errorRuns,
    successRate: n > 0 ? (n - errorRuns) / n : 0,
    errorRate: n > 0 ? errorRuns / n : 0,
    durationMs: distribution(values.map((v) => v.durationMs)),
    costUsd: { mean: perRun(costTotal), total: costTotal },
    tokens: { perRun: tokenPerRun, total: tokenTotal },
    modelCallsPerRun: perRun(modelCalls),
    toolCallsPerRun: perRun(toolCalls),
    spans: spanNameStats(values),
  };
}

function spanNameStats(values: readonly RunValues[]): SpanNameStats[] {
  const merged = new Map<
    string,
    { name: string; kind: SpanKind; runsWith: number; durations: number[]; errors: number; tokens: number; costUsd: number }
  >();
  for (const run of values) {
    for (const [key, s] of run.bySpan) {
      let m = merged.get(key);
      if (!m) merged.set(key, (m = { name: s.name, kind: s.kind, runsWith: 0, durations: [], errors: 0, tokens: 0, costUsd: 0 }));
      m.runsWith++;
      for (const d of s.durations) m.durations.push(d);
      m.errors += s.errors;
      m.tokens += s.tokens;
      m.costUsd += s.costUsd;
    }
  }
  const n = values.length;
  const out: SpanNameStats[] = [];
  for (const m of merged.values()) {
    const spans = m.durations.length;
    out.push({
      name: m.name,
      kind: m.kind,
      spans,
      runsWith: m.runsWith,
      callsPerRun: n > 0 ? spans / n : 0,
      durationMs: distribution(m.durations),
      errorRate: spans > 0 ? m.errors / spans : 0,
      tokensPerRun: n > 0 ? m.tokens / n : 0,
      costPerRun: n > 0 ? m.costUsd / n : 0,
    });
  }
  return out.sort((x, y) => y.durationMs.total - x.durationMs.total || x.name.localeCompare(y.name));
}
