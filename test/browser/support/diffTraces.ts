import type { ExportTraceServiceRequest, OtlpSpan } from '../../../src/model/otlpTypes';
import { syntheticTraceRequest } from './syntheticTrace';

/**
 * Two runs of the same agent for a diff: B is A with every 100th tool call's HTTP request gone and
 * an extra tool call in every 100th step, the span count kept equal.
 */
export function diffTracePair(spanCount: number): {
  a: ExportTraceServiceRequest;
  b: ExportTraceServiceRequest;
  traceA: string;
  traceB: string;
} {
  const traceA = 'a'.repeat(24) + spanCount.toString(16).padStart(8, '0');
  const traceB = 'b'.repeat(24) + spanCount.toString(16).padStart(8, '0');
  const a = syntheticTraceRequest({ spanCount, seed: spanCount, traceId: traceA }).request;
  const source = a.resourceSpans[0].scopeSpans[0].spans;
  const spans: OtlpSpan[] = [];
  let removed = 0;
  let steps = 0;
  for (const span of source) {
    if (span.name === 'GET /search' && spans.length % 100 < 6 && removed < spanCount / 100) {
      removed++;
      continue;
    }
    spans.push({ ...span, traceId: traceB });
    if (span.name.startsWith('step ') && steps++ % 100 === 7) {
      spans.push({
        ...span,
        traceId: traceB,
        spanId: `ee${(steps + 1).toString(16).padStart(14, '0')}`,
        parentSpanId: span.spanId,
        name: 'execute_tool fetch_page',
        attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } }],
      });
    }
  }
  while (spans.length > spanCount) spans.splice(spans.length - 1, 1);
  const b: ExportTraceServiceRequest = {
    resourceSpans: [{ ...a.resourceSpans[0], scopeSpans: [{ ...a.resourceSpans[0].scopeSpans[0], spans }] }],
  };
  return { a, b, traceA, traceB };
}
