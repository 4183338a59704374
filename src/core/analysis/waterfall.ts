import type { SpanFacts } from '../genai/spanFacts';
import type { StoredTrace } from '../store/storedTrace';
import type { WaterfallRow } from '../../protocol/model';
import { criticalPathByIndex } from './criticalPath';
import { analyzeTrace, type TraceAnalysis } from './traceAnalysis';

/** Rows in display order, offsets relative to the trace's earliest span start. */
export function waterfallRows(trace: StoredTrace, facts: readonly SpanFacts[], analysis: TraceAnalysis = analyzeTrace(trace, facts)): WaterfallRow[] {
  const spans = trace.spans;
  const { tree, counting } = analysis;
  const { start: starts, end: ends } = tree;
  let traceStart = Infinity;
  for (let i = 0; i < spans.length; i++) if (starts[i] < traceStart) traceStart = starts[i];
  const critical = new Uint8Array(spans.length);
  for (const segment of criticalPathByIndex(starts, ends, Int32Array.from(tree.parent))) critical[segment.index] = 1;
  return tree.order.map((i) => {
    const span = spans[i];
    const f = facts[i];
    return {
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      depth: tree.depth[i],
      offsetMs: starts[i] - traceStart,
      durationMs: ends[i] - starts[i],
      name: span.name,
      kind: f.kind,
      status: f.status,
      service: f.service,
      model: f.model,
      childCount: tree.children[i].length,
      tokens: f.tokens.total,
      costUsd: f.costUsd,
      orphan: tree.orphan[i],
      onCriticalPath: critical[i] === 1,
      aggregate: f.aggregate || counting.aggregate[i] === 1,
      toolName: f.toolName,
      agentName: counting.agentOf[i],
      errorMessage: f.status === 'error' ? f.error?.message ?? f.statusMessage : undefined,
    };
  });
}
