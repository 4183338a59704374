import type { CompareMetric, CompareResult, CompareRow } from '../compareTypes';
import type { SpanKind } from '../traceTypes';
import { percentile } from '../percentile';
import { groupStats, runValues, type RunSample, type RunValues } from './groupStats';
import { benjaminiHochberg, mannWhitneyU } from './rankTest';

/** False discovery rate at which a row is called significant. */
export const COMPARE_ALPHA = 0.05;

/**
 * Fewer runs than this in either group: no call. Below it a group's p95 is simply its slowest
 * run, and the exact test's smallest possible p-value (0.008 for 5 against 5 runs, 0.03 for 4
 * against 4) is too near the threshold once corrected for the dozens of rows a comparison tests, so
 * a verdict would rest on one or two unusual runs (a cold start, a cache miss). From 8 against 8
 * the smallest p-value is 0.00016, and a clear shift can survive the correction.
 */
export const MIN_RUNS_TO_CALL = 8;

interface Candidate {
  name: string;
  subject: string;
  kind?: SpanKind;
  metric: CompareMetric;
  a: number[];
  b: number[];
  /** Durations are summarized by their median (skewed), counts and money by their mean (they add up). */
  center: 'median' | 'mean';
}

const METRIC_LABEL: Record<CompareMetric, string> = {
  durationMs: 'duration',
  errorRate: 'error rate',
  costUsd: 'cost',
  tokens: 'tokens',
  modelCalls: 'model calls',
  toolCalls: 'tool calls',
  calls: 'calls',
};

function center(values: readonly number[], how: 'median' | 'mean'): number {
  if (values.length === 0) return 0;
  if (how === 'mean') return values.reduce((x, y) => x + y, 0) / values.length;
  return percentile(
    [...values].sort((x, y) => x - y),
    50,
  );
}

function candidates(a: readonly RunValues[], b: readonly RunValues[]): Candidate[] {
  const run = (metric: CompareMetric, pick: (v: RunValues) => number, how: 'median' | 'mean'): Candidate => ({
    name: `run · ${METRIC_LABEL[metric]}`,
    subject: 'run',
    metric,
    a: a.map(pick),
    b: b.map(pick),
    center: how,
  });
  const out: Candidate[] = [
    run('durationMs', (v) => v.durationMs, 'median'),
    run('errorRate', (v) => v.failed, 'mean'),
    run('costUsd', (v) => v.costUsd, 'mean'),
    run('tokens', (v) => v.tokens, 'mean'),
    run('modelCalls', (v) => v.modelCalls, 'mean'),
    run('toolCalls', (v) => v.toolCalls, 'mean'),
  ];

  const keys = new Map<string, { name: string; kind: SpanKind }>();
  for (const v of [...a, ...b]) for (const [key, s] of v.bySpan) if (!keys.has(key)) keys.set(key, { name: s.name, kind: s.kind });
  for (const [key, { name, kind }] of keys) {
    const span = (metric: CompareMetric, pick: (v: RunValues) => number | undefined, how: 'median' | 'mean'): Candidate => {
      const values = (group: readonly RunValues[]) => group.map(pick).filter((x): x is number => x !== undefined);
      return { name: `${name} · ${METRIC_LABEL[metric]}`, subject: name, kind, metric, a: values(a), b: values(b), center: how };
    };
    // Spans of one run are not independent of each other; a run's mean duration of the span is one observation.
    out.push(
      span(
        'durationMs',
        (v) => {
          const s = v.bySpan.get(key);
          return s ? s.durations.reduce((x, y) => x + y, 0) / s.count : undefined;
        },
        'median',
      ),
      span(
        'errorRate',
        (v) => {
          const s = v.bySpan.get(key);
          return s ? s.errors / s.count : undefined;
        },
        'mean',
      ),
      span('calls', (v) => v.bySpan.get(key)?.count ?? 0, 'mean'),
      span('tokens', (v) => v.bySpan.get(key)?.tokens ?? 0, 'mean'),
      span('costUsd', (v) => v.bySpan.get(key)?.costUsd ?? 0, 'mean'),
    );
  }
  // A measure that is zero everywhere (a tool's tokens) says nothing.
  return out.filter((c) => c.a.some((x) => x !== 0) || c.b.some((x) => x !== 0));
}

function changeSize(row: CompareRow): number {
  if (row.relativeDelta !== null) return Math.abs(row.relativeDelta);
  return row.delta === 0 ? 0 : Number.POSITIVE_INFINITY;
}

/** Group A against group B: descriptive figures of both and one tested row per measure. */
export function compareGroups(runsA: readonly RunSample[], runsB: readonly RunSample[]): CompareResult {
  const valuesA = runsA.map(runValues);
  const valuesB = runsB.map(runValues);
  const rows: CompareRow[] = candidates(valuesA, valuesB).map((c) => {
    const a = center(c.a, c.center);
    const b = center(c.b, c.center);
    const enough = c.a.length >= MIN_RUNS_TO_CALL && c.b.length >= MIN_RUNS_TO_CALL;
    return {
      name: c.name,
      subject: c.subject,
      kind: c.kind,
      metric: c.metric,
      a,
      b,
      delta: b - a,
      relativeDelta: a !== 0 ? (b - a) / Math.abs(a) : null,
      runs: { a: c.a.length, b: c.b.length },
      pValue: enough ? mannWhitneyU(c.a, c.b).pValue : null,
      qValue: null,
      significant: false,
      verdict: enough ? 'noise' : 'too-few-runs',
    };
  });
  const tested = rows.filter((r) => r.pValue !== null);
  const q = benjaminiHochberg(tested.map((r) => r.pValue!));
  tested.forEach((row, i) => {
    row.qValue = q[i];
    // A shift of the distribution with an unchanged median/mean (only its spread moved) is not a change to rank.
    row.significant = q[i] <= COMPARE_ALPHA && row.delta !== 0;
    if (row.significant) row.verdict = 'significant';
  });
  rows.sort(
    (x, y) =>
      Number(y.significant) - Number(x.significant) ||
      changeSize(y) - changeSize(x) ||
      (x.pValue ?? 1) - (y.pValue ?? 1) ||
      x.name.localeCompare(y.name),
  );
  return {
    a: groupStats(runsA, valuesA),
    b: groupStats(runsB, valuesB),
    rows,
    method: { test: 'mann-whitney-u', alpha: COMPARE_ALPHA, correction: 'benjamini-hochberg', minRuns: MIN_RUNS_TO_CALL },
  };
}
