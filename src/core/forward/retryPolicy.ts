import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Delivery } from './otlpDelivery';

/** First wait after a failure, and the longest between attempts (the OpenTelemetry SDK's exporter uses 1 s and 5 s too). */
export const INITIAL_BACKOFF_MS = 1_000;
export const MAX_BACKOFF_MS = 5_000;

/** HTTP answers the OTLP specification says to retry; every other 4xx and 5xx is final. */
const RETRYABLE_HTTP = new Set([429, 502, 503, 504]);
/** gRPC codes the OTLP specification says to retry (RESOURCE_EXHAUSTED only when the server says when: see below). */
const RETRYABLE_GRPC = new Set([
  GrpcStatus.CANCELLED,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.ABORTED,
  GrpcStatus.OUT_OF_RANGE,
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DATA_LOSS,
]);

export type RetryVerdict = { retry: true; afterMs?: number } | { retry: false };

/**
 * Whether a failed delivery is worth sending again (OTLP specification, "Failures"): no answer
 * (refused, timed out) and the transient statuses are; a target that refused the content
 * (400, 401, 413, INVALID_ARGUMENT…) would refuse it again, so that batch is given up.
 * RESOURCE_EXHAUSTED is retried when it carries a RetryInfo delay (the server is busy), not
 * without one (a message over the server's size limit, which no retry fixes).
 */
export function retryVerdictOf(delivery: Extract<Delivery, { sent: false }>): RetryVerdict {
  const { error, retryAfterMs } = delivery;
  const after = retryAfterMs !== undefined ? { afterMs: retryAfterMs } : {};
  switch (error.kind) {
    case 'unreachable':
    case 'timeout':
    case 'cancelled':
      return { retry: true };
    case 'invalid-target':
    case 'invalid-trace':
      return { retry: false };
    case 'rejected':
      if (error.httpStatus !== undefined) return RETRYABLE_HTTP.has(error.httpStatus) ? { retry: true, ...after } : { retry: false };
      if (error.grpcCode !== undefined) {
        if (RETRYABLE_GRPC.has(error.grpcCode)) return { retry: true, ...after };
        if (error.grpcCode === GrpcStatus.RESOURCE_EXHAUSTED && retryAfterMs !== undefined) return { retry: true, ...after };
      }
      return { retry: false };
  }
}

/**
 * The wait before attempt `attempt + 1` (attempt 1 just failed): doubling from `initialMs` up to
 * `maxMs`, with "equal jitter" (between half and all of it) so many Loupes whose collector came
 * back do not all send in the same instant.
 */
export function backoffMs(attempt: number, random: () => number, initialMs = INITIAL_BACKOFF_MS, maxMs = MAX_BACKOFF_MS): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(base / 2 + random() * (base / 2));
}
