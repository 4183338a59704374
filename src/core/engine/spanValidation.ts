import { isSpanId, isTraceId, ZERO_SPAN_ID, ZERO_TRACE_ID } from '../../model/ids';
import type { ExportTraceServiceRequest, OtlpSpan, PartialSuccess } from '../../model/otlpTypes';

/** Tallies what one request could not accept, for the OTLP partial-success answer. */
export class Rejections {
  count = 0;
  private readonly reasons = new Map<string, number>();

  add(reason: string, n = 1): void {
    this.count += n;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + n);
  }

  result(): PartialSuccess | undefined {
    if (this.count === 0) return undefined;
    const parts = [...this.reasons].map(([reason, n]) => `${n} ${reason}`);
    return { rejected: this.count, errorMessage: parts.join('; ') };
  }
}

/** `knownTraceId`: a trace id already found valid (spans of one trace repeat it), so it is not judged again. */
export function invalidSpanReason(
  traceId: string,
  spanId: string,
  parentSpanId: string | undefined,
  knownTraceId?: string,
): string | undefined {
  if (traceId !== knownTraceId && (!isTraceId(traceId) || traceId === ZERO_TRACE_ID))
    return 'spans with an invalid trace id (need 16 non-zero bytes)';
  if (!isSpanId(spanId) || spanId === ZERO_SPAN_ID) return 'spans with an invalid span id (need 8 non-zero bytes)';
  if (parentSpanId !== undefined && !isSpanId(parentSpanId)) return 'spans with an invalid parent span id';
  return undefined;
}

const NO_SPANS: ReadonlySet<OtlpSpan> = new Set();

/** What validating a request found: its rejections, its valid spans per trace, and its invalid spans. */
export interface SpanValidation {
  rejections: Rejections;
  spans: Map<string, number>;
  total: number;
  /** The spans rejected, so assembling the request later skips them without judging ids again. */
  invalid: ReadonlySet<OtlpSpan>;
}

/** The rejections of a request's spans, and how many valid spans it holds for each trace. */
export function validateSpans(request: ExportTraceServiceRequest): SpanValidation {
  const rejections = new Rejections();
  const spans = new Map<string, number>();
  let invalid: Set<OtlpSpan> | undefined;
  let total = 0;
  let validTraceId: string | undefined;
  for (const resourceSpans of request.resourceSpans) {
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        const problem = invalidSpanReason(span.traceId, span.spanId, span.parentSpanId, validTraceId);
        if (problem) {
          rejections.add(problem);
          (invalid ??= new Set()).add(span);
        } else {
          validTraceId = span.traceId;
          spans.set(span.traceId, (spans.get(span.traceId) ?? 0) + 1);
          total++;
        }
      }
    }
  }
  return { rejections, spans, total, invalid: invalid ?? NO_SPANS };
}
