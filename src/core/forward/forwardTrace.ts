import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { ExportTraceServiceRequest } from '../../model/otlpTypes';
import { describeTarget, type ForwardError, type ForwardResult } from '../../model/forwardResult';
import { traceUrlOf, validateForwardTarget, type ForwardTarget } from '../../model/forwardTarget';
import { deliverOnce, encodeSpans } from './otlpDelivery';
import { toReadableSpans, UnforwardableTraceError } from './readableSpanAdapter';

export const DEFAULT_FORWARD_TIMEOUT_MS = 10_000;

export interface ForwardOptions {
  /** From connecting to the last byte of the answer. Default 10 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Sends one trace (an OTLP export request, as `LoupeApi.exportOtlp` returns it) to a Jaeger,
 * Zipkin, collector or any OTLP backend. Never rejects and never hangs: every outcome is a
 * `ForwardResult`, within `timeoutMs`. One attempt, no retries (the user forwards again), and
 * nothing of the input is changed.
 *
 * Encoding is the official one (`@opentelemetry/otlp-transformer`'s protobuf serializer for
 * OTLP, `@opentelemetry/exporter-zipkin` for Zipkin); sending is `deliverOnce` (see why there).
 */
export async function forwardTrace(
  request: ExportTraceServiceRequest,
  target: ForwardTarget,
  options: ForwardOptions = {},
): Promise<ForwardResult> {
  const invalid = validateForwardTarget(target);
  if (invalid) return failed({ kind: 'invalid-target', message: invalid });
  const timeoutMs =
    Number.isFinite(options.timeoutMs) && (options.timeoutMs ?? 0) > 0 ? (options.timeoutMs as number) : DEFAULT_FORWARD_TIMEOUT_MS;

  let spans: ReadableSpan[];
  let body: Uint8Array;
  try {
    spans = toReadableSpans(request, { valueStyle: target.protocol === 'zipkin' ? 'text' : 'otlp' });
    if (spans.length === 0) return failed({ kind: 'invalid-trace', message: 'Cannot forward this trace: it has no spans.' });
    body = encodeSpans(spans, target.protocol);
  } catch (error) {
    // Requests can arrive over HTTP from elsewhere: any shape the adapter cannot read is bad input, not a crash.
    const reason = error instanceof UnforwardableTraceError ? error.message : `it is not a readable OTLP request (${errorText(error)}).`;
    return failed({ kind: 'invalid-trace', message: `Cannot forward this trace: ${reason}` });
  }

  const delivery = await deliverOnce(body, target, timeoutMs, options.signal);
  if (!delivery.sent) return failed(delivery.error);
  if (delivery.rejectedSpans !== undefined && delivery.rejectedSpans >= spans.length) {
    return failed({
      kind: 'rejected',
      message: `${describeTarget(target)} refused all ${spans.length} spans${delivery.targetMessage ? `: ${delivery.targetMessage}` : '.'}`,
      serverMessage: delivery.targetMessage,
    });
  }
  const traceUrl = traceUrlOf(target, spans[0].spanContext().traceId);
  return {
    ok: true,
    spanCount: spans.length,
    ...(traceUrl ? { traceUrl } : {}),
    ...(delivery.rejectedSpans ? { rejectedSpans: delivery.rejectedSpans } : {}),
    ...(delivery.targetMessage ? { targetMessage: delivery.targetMessage } : {}),
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function failed(error: ForwardError): ForwardResult {
  return { ok: false, error };
}
