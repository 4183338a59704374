import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { formatSeconds, type DeliveryFailure } from './deliveryFailure';
import { describeTarget, type ForwardError } from '../../model/forwardResult';
import { grpcAddressOf, otlpHttpUrlOf, zipkinUrlOf, type ForwardTarget } from '../../model/forwardTarget';
import { exportOverGrpc } from './grpcExport';
import { postBytes, type HttpPostOutcome } from './httpPost';
import { partialSuccessOf, serverMessageOf } from './serverMessage';
import { zipkinSpansOf } from './zipkinEncoding';
import { retryAfterMsOf } from './retryAfter';

/** Beyond the transport's own deadline, the most a delivery waits for a library to give up. */
const HARD_LIMIT_GRACE_MS = 1_000;
const USER_AGENT = 'Loupe trace forwarder';
const FRAMING_HEADERS = new Set(['content-type', 'content-length', 'content-encoding', 'transfer-encoding']);

/**
 * What one request to a target came to. `retryAfterMs` is the wait the target asked for
 * (HTTP `Retry-After`, gRPC `RetryInfo`), when it asked.
 */
export type Delivery =
  { sent: true; rejectedSpans?: number; targetMessage?: string } | { sent: false; error: ForwardError; retryAfterMs?: number };

/** The official encoders: OTLP protobuf from otlp-transformer, Zipkin v2 JSON from exporter-zipkin. */
export function encodeSpans(spans: ReadableSpan[], protocol: ForwardTarget['protocol']): Uint8Array {
  if (protocol === 'zipkin') return Buffer.from(JSON.stringify(zipkinSpansOf(spans)), 'utf8');
  return ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array();
}

/**
 * Sends an encoded request once: no retries, never rejects, and answers within `timeoutMs` plus
 * a second whatever the transport libraries do.
 *
 * Sending is Loupe's own because the OTLP exporter classes merge `OTEL_EXPORTER_OTLP_*HEADERS`
 * from the environment into every request (another backend's credentials would go to this
 * target), retry a refused connection for most of the time limit, and report a 503 without its
 * status or message.
 */
export function deliverOnce(body: Uint8Array, target: ForwardTarget, timeoutMs: number, signal?: AbortSignal): Promise<Delivery> {
  return withHardLimit(
    deliver(body, target, timeoutMs, signal).catch((error: unknown) =>
      undelivered({ kind: 'unreachable', detail: error instanceof Error ? error.message : String(error) }, target),
    ),
    timeoutMs + HARD_LIMIT_GRACE_MS,
    target,
  );
}

/** The target's headers, less any that would contradict the body's own framing (set by the transport). */
function userHeadersOf(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !FRAMING_HEADERS.has(name.toLowerCase())));
}

async function deliver(body: Uint8Array, target: ForwardTarget, timeoutMs: number, signal: AbortSignal | undefined): Promise<Delivery> {
  const headers = userHeadersOf(target.headers);
  switch (target.protocol) {
    case 'otlp-grpc': {
      const outcome = await exportOverGrpc(body, { ...grpcAddressOf(target.endpoint), metadata: headers, timeoutMs, signal });
      if ('failed' in outcome) return undelivered(outcome.failed, target);
      if ('refused' in outcome) {
        const { code, codeName, details, retryAfterMs } = outcome.refused;
        return refused(target, `gRPC ${codeName} (${code})`, details || undefined, { grpcCode: code }, retryAfterMs);
      }
      return { sent: true, ...partialOf(partialSuccessOf('application/x-protobuf', outcome.answered.response)) };
    }
    case 'otlp-http': {
      const outcome = await postBytes(otlpHttpUrlOf(target.endpoint), body, {
        headers: { 'User-Agent': USER_AGENT, ...headers, 'Content-Type': 'application/x-protobuf' },
        timeoutMs,
        signal,
      });
      return httpDelivery(outcome, target, true);
    }
    case 'zipkin': {
      const outcome = await postBytes(zipkinUrlOf(target.endpoint), body, {
        headers: { 'User-Agent': USER_AGENT, ...headers, 'Content-Type': 'application/json' },
        timeoutMs,
        signal,
      });
      return httpDelivery(outcome, target, false);
    }
  }
}

function httpDelivery(outcome: HttpPostOutcome, target: ForwardTarget, otlp: boolean): Delivery {
  if ('failed' in outcome) return undelivered(outcome.failed, target);
  const { status, statusText, contentType, body, retryAfter } = outcome.answered;
  if (status >= 200 && status < 300) return { sent: true, ...(otlp ? partialOf(partialSuccessOf(contentType, body)) : {}) };
  return refused(
    target,
    `HTTP ${status}${statusText ? ` ${statusText}` : ''}`,
    serverMessageOf(contentType, body),
    { httpStatus: status },
    retryAfterMsOf(retryAfter, Date.now()),
  );
}

function partialOf(partial: { rejectedSpans: number; message?: string } | undefined): { rejectedSpans?: number; targetMessage?: string } {
  if (!partial) return {};
  return {
    ...(partial.rejectedSpans ? { rejectedSpans: partial.rejectedSpans } : {}),
    ...(partial.message ? { targetMessage: partial.message } : {}),
  };
}

function refused(
  target: ForwardTarget,
  status: string,
  serverMessage: string | undefined,
  codes: Pick<ForwardError, 'httpStatus' | 'grpcCode'>,
  retryAfterMs: number | undefined,
): Delivery {
  return {
    sent: false,
    error: {
      kind: 'rejected',
      message: `${describeTarget(target)} refused the trace: ${status}${serverMessage ? `: ${serverMessage}` : '.'}`,
      status,
      serverMessage,
      ...codes,
    },
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

export function undelivered(failure: DeliveryFailure, target: ForwardTarget): Delivery {
  const where = describeTarget(target);
  const message =
    failure.kind === 'unreachable'
      ? `Could not reach ${where}: ${failure.detail}. Check that it is running and that the endpoint is right.`
      : failure.kind === 'timeout'
        ? `${where} gave no answer: ${failure.detail}. The trace may or may not have arrived.`
        : `Forwarding to ${where} was cancelled.`;
  return { sent: false, error: { kind: failure.kind, message } };
}

/** Every transport has its own deadline; this is the backstop should a library never call back. */
function withHardLimit(delivery: Promise<Delivery>, limitMs: number, target: ForwardTarget): Promise<Delivery> {
  let timer: NodeJS.Timeout | undefined;
  const backstop = new Promise<Delivery>((resolve) => {
    timer = setTimeout(
      () => resolve(undelivered({ kind: 'timeout', detail: `no answer within ${formatSeconds(limitMs)}` }, target)),
      limitMs,
    );
  });
  return Promise.race([delivery, backstop]).finally(() => clearTimeout(timer));
}
