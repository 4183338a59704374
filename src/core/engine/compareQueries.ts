import type { CompareResult, GroupFilter, ModelCallDiff, TraceDiff } from '../../model/compareTypes';
import type { AnyValue, KeyValue } from '../../model/otlpTypes';
import type { SpanFacts } from '../genai/spanFacts';
import type { StoredTrace } from '../../model/storedTrace';
import type { TraceDetail, TraceSummary, Span } from '../../model/traceTypes';
import { compareGroups } from '../../model/compare/compareGroups';
import { matchesGroupFilter, type RunFilterFacts } from '../../model/compare/groupFilter';
import type { RunSample } from '../../model/compare/groupStats';
import { diffTraces } from '../../model/compare/traceDiff';
import { modelCallDiff } from '../../model/compare/modelCallDiff';
import { compareNewestFirst } from '../../model/traceQuery';
import { buildSpanTree } from '../analysis/spanTree';
import { countModelCalls } from '../analysis/modelCalls';
import { anyValueToJson } from '../otlp/values';

/** A trace as the comparison queries read it. */
export interface ComparableTrace {
  stored: StoredTrace;
  facts: readonly SpanFacts[];
  summary(): TraceSummary;
}

function valueText(value: AnyValue): string {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return String(value.intValue);
  if (value.doubleValue !== undefined) return String(value.doubleValue);
  if (value.boolValue !== undefined) return String(value.boolValue);
  return JSON.stringify(anyValueToJson(value));
}

function has(attributes: readonly KeyValue[], key: string, value: string): boolean {
  for (const kv of attributes) if (kv.key === key && valueText(kv.value) === value) return true;
  return false;
}

function filterFacts(trace: ComparableTrace, summary: TraceSummary): RunFilterFacts {
  const { stored } = trace;
  return {
    summary,
    hasAttribute: (key, value) =>
      stored.resources.some((r) => has(r.attributes, key, value)) || stored.spans.some((s) => has(s.attributes, key, value)),
  };
}

/** The run's spans with what a comparison tests; only the model calls that count usage carry tokens. */
export function runSampleOf(trace: ComparableTrace, summary: TraceSummary = trace.summary()): RunSample {
  const { stored, facts } = trace;
  const tree = buildSpanTree(stored.spans);
  const counting = countModelCalls(stored.spans, facts, tree.parent);
  return {
    summary,
    spans: stored.spans.map((span, i) => ({
      name: span.name,
      kind: facts[i].kind,
      durationMs: tree.end[i] - tree.start[i],
      status: facts[i].status,
      tokens: facts[i].tokens.total,
      costUsd: facts[i].costUsd,
      aggregate: counting.countsUsage[i] !== 1,
    })),
  };
}

/** The runs a filter selects, newest first, at most `limit` of them. */
export function selectRuns(traces: Iterable<ComparableTrace>, filter: GroupFilter): { trace: ComparableTrace; summary: TraceSummary }[] {
  const out: { trace: ComparableTrace; summary: TraceSummary }[] = [];
  for (const trace of traces) {
    const summary = trace.summary();
    if (matchesGroupFilter(filterFacts(trace, summary), filter)) out.push({ trace, summary });
  }
  out.sort((x, y) => compareNewestFirst(x.summary, y.summary));
  return filter.limit === undefined ? out : out.slice(0, filter.limit);
}

export function compareTraces(traces: readonly ComparableTrace[], a: GroupFilter, b: GroupFilter): CompareResult {
  const samples = (filter: GroupFilter) => selectRuns(traces, filter).map(({ trace, summary }) => runSampleOf(trace, summary));
  return compareGroups(samples(a), samples(b));
}

export function diffTraceDetails(a: TraceDetail, b: TraceDetail): TraceDiff {
  return diffTraces(
    { traceId: a.traceId, name: a.summary.name, spans: a.spans },
    { traceId: b.traceId, name: b.summary.name, spans: b.spans },
  );
}

export function diffModelCalls(a: Span, b: Span): ModelCallDiff {
  return modelCallDiff(a, b);
}
