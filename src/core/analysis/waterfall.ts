import type { SpanFacts } from '../genai/spanFacts';
import type { StoredTrace } from '../store/storedTrace';
import type { WaterfallRow } from '../../protocol/model';
import { nanosToMs } from '../otlp/values';
import { buildSpanTree } from './spanTree';

/** Rows in display order, offsets relative to the trace's earliest span start. */
export function waterfallRows(trace: StoredTrace, facts: readonly SpanFacts[]): WaterfallRow[] {
  const spans = trace.spans;
  const tree = buildSpanTree(spans);
  let traceStart = Infinity;
  for (const span of spans) traceStart = Math.min(traceStart, nanosToMs(span.startTimeUnixNano));
  return tree.order.map((i) => {
    const span = spans[i];
    const f = facts[i];
    const start = nanosToMs(span.startTimeUnixNano);
    return {
      spanId: span.spanId,
      parentSpanId: span.parentSpanId,
      depth: tree.depth[i],
      offsetMs: start - traceStart,
      durationMs: Math.max(0, nanosToMs(span.endTimeUnixNano) - start),
      name: span.name,
      kind: f.kind,
      status: f.status,
      service: f.service,
      model: f.model,
      childCount: tree.children[i].length,
      tokens: f.tokens.total,
      costUsd: f.costUsd,
      orphan: tree.orphan[i],
      onCriticalPath: false,
    };
  });
}
