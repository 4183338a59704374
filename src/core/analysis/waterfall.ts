import type { SpanFacts } from '../genai/spanFacts';
import type { StoredTrace } from '../../model/storedTrace';
import type { WaterfallRow } from '../../model/traceTypes';
import { SPAN_KINDS } from '../../model/traceTypes';
import {
  fromWaterfallColumns,
  WATERFALL_COLUMNS_FORMAT,
  WATERFALL_FLAGS,
  WATERFALL_STATUSES,
  type WaterfallColumns,
} from '../../model/waterfallColumns';
import { criticalPathByIndex } from '../../model/criticalPath';
import { analyzeTrace, type TraceAnalysis } from './traceAnalysis';

/**
 * The waterfall by column, rows in display order, offsets relative to the trace's earliest span
 * start. Built straight from the analysis: a 100,000-span trace never exists as row objects here.
 */
export function waterfallColumns(
  trace: StoredTrace,
  facts: readonly SpanFacts[],
  analysis: TraceAnalysis = analyzeTrace(trace, facts),
): WaterfallColumns {
  const spans = trace.spans;
  const n = spans.length;
  const { tree, counting } = analysis;
  const { start: starts, end: ends, order } = tree;
  let traceStart = Infinity;
  for (let i = 0; i < n; i++) if (starts[i] < traceStart) traceStart = starts[i];
  const critical = new Uint8Array(n);
  for (const segment of criticalPathByIndex(starts, ends, Int32Array.from(tree.parent))) critical[segment.index] = 1;
  const rowOfSpan = new Int32Array(n);
  for (let row = 0; row < order.length; row++) rowOfSpan[order[row]] = row;

  const strings: string[] = [];
  const stringIndex = new Map<string, number>();
  const text = (value: string | undefined): number => {
    if (value === undefined) return -1;
    let index = stringIndex.get(value);
    if (index === undefined) {
      index = strings.push(value) - 1;
      stringIndex.set(value, index);
    }
    return index;
  };
  const kindIndex = new Map(SPAN_KINDS.map((kind, index) => [kind, index]));
  const c: WaterfallColumns = {
    format: WATERFALL_COLUMNS_FORMAT,
    count: order.length,
    strings,
    spanId: [],
    parent: [],
    missingParent: [],
    depth: [],
    offsetMs: [],
    durationMs: [],
    childCount: [],
    tokens: [],
    costUsd: [],
    name: [],
    kind: [],
    status: [],
    service: [],
    model: [],
    toolName: [],
    agentName: [],
    flags: [],
    errorMessage: [],
  };
  for (let row = 0; row < order.length; row++) {
    const i = order[row];
    const span = spans[i];
    const f = facts[i];
    c.spanId.push(span.spanId);
    const parent = tree.parent[i];
    c.parent.push(parent >= 0 ? rowOfSpan[parent] : -1);
    if (parent < 0 && span.parentSpanId !== undefined) c.missingParent.push([row, span.parentSpanId]);
    c.depth.push(tree.depth[i]);
    c.offsetMs.push(starts[i] - traceStart);
    c.durationMs.push(ends[i] - starts[i]);
    c.childCount.push(tree.children[i].length);
    c.tokens.push(f.tokens.total);
    c.costUsd.push(f.costUsd);
    c.name.push(text(span.name));
    c.kind.push(kindIndex.get(f.kind) ?? -1);
    c.status.push(WATERFALL_STATUSES.indexOf(f.status));
    c.service.push(text(f.service));
    c.model.push(text(f.model));
    c.toolName.push(text(f.toolName));
    c.agentName.push(text(counting.agentOf[i]));
    c.flags.push(
      (tree.orphan[i] ? WATERFALL_FLAGS.orphan : 0) |
        (critical[i] === 1 ? WATERFALL_FLAGS.criticalPath : 0) |
        (f.aggregate || counting.aggregate[i] === 1 ? WATERFALL_FLAGS.aggregate : 0) |
        (f.runtime ? WATERFALL_FLAGS.runtime : 0),
    );
    const errorMessage = f.status === 'error' ? (f.error?.message ?? f.statusMessage) : undefined;
    if (errorMessage !== undefined) c.errorMessage.push([row, errorMessage]);
  }
  return c;
}

/** The same waterfall as row objects (the REST API's default form). */
export function waterfallRows(
  trace: StoredTrace,
  facts: readonly SpanFacts[],
  analysis: TraceAnalysis = analyzeTrace(trace, facts),
): WaterfallRow[] {
  return fromWaterfallColumns(waterfallColumns(trace, facts, analysis));
}
