import type { OtlpSpan } from '../../model/otlpTypes';
import { nanosToMs } from '../otlp/values';
import { buildSpanForest, type SpanForest } from '../../model/spanForest';

/** A trace's spans arranged as a forest (see `SpanForest`), with their times parsed once. */
export interface SpanTree extends SpanForest {
  /** Start of each span, Unix ms, parsed once here so no view parses nanosecond strings again. */
  start: Float64Array;
  /** End of each span, Unix ms, never before its start. */
  end: Float64Array;
  /** Span index by span id. */
  indexById: Map<string, number>;
}

export function buildSpanTree(spans: readonly OtlpSpan[]): SpanTree {
  const n = spans.length;
  const indexById = new Map<string, number>();
  const start = new Float64Array(n);
  const end = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    indexById.set(spans[i].spanId, i);
    start[i] = nanosToMs(spans[i].startTimeUnixNano);
    end[i] = Math.max(start[i], nanosToMs(spans[i].endTimeUnixNano));
  }
  const forest = buildSpanForest({
    count: n,
    spanId: (i) => spans[i].spanId,
    parentSpanId: (i) => spans[i].parentSpanId,
    start: (i) => start[i],
  });
  return { ...forest, start, end, indexById };
}
