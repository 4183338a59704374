import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { ExportTraceServiceRequest } from '../../model/otlpTypes';
import { formatSeconds, type DeliveryFailure } from './deliveryFailure';
import { describeTarget, type ForwardError, type ForwardResult } from '../../model/forwardResult';
import {
  grpcAddressOf,
  otlpHttpUrlOf,
  traceUrlOf,
  validateForwardTarget,
  zipkinUrlOf,
  type ForwardTarget,
} from '../../model/forwardTarget';
import { exportOverGrpc } from './grpcExport';
import { postBytes, type HttpPostOutcome } from './httpPost';
import { toReadableSpans, UnforwardableTraceError } from './readableSpanAdapter';
import { partialSuccessOf, serverMessageOf } from './serverMessage';
import { zipkinSpansOf } from './zipkinEncoding';

export const DEFAULT_FORWARD_TIMEOUT_MS = 10_000;
/** Beyond the transport's own deadline, the most a forward waits for a library to give up. */
const HARD_LIMIT_GRACE_MS = 1_000;
const USER_AGENT = 'Loupe trace forwarder';
const FRAMING_HEADERS = new Set(['content-type', 'content-length', 'content-encoding', 'transfer-encoding']);

export interface ForwardOptions {
  /** From connecting to the last byte of the answer. Default 10 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

type Delivery = { sent: true; rejectedSpans?: number; targetMessage?: string } | { sent: false; error: ForwardError };

/**
 * Sends one trace (an OTLP export request, as `LoupeApi.exportOtlp` returns it) to a Jaeger,
 * Zipkin, collector or any OTLP backend. Never rejects and never hangs: every outcome is a
 * `ForwardResult`, within `timeoutMs`. One attempt, no retries (the user forwards again), and
 * nothing of the input is changed.
 *
 * Encoding is the official one (`@opentelemetry/otlp-transformer`'s protobuf serializer for
 * OTLP, `@opentelemetry/exporter-zipkin` for Zipkin). Sending is Loupe's own because the OTLP
 * exporter classes merge `OTEL_EXPORTER_OTLP_*HEADERS` from the environment into every request
 * (another backend's credentials would go to this target), retry a refused connection for most
 * of the time limit, and report a 503 without its status or message.
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
    body = encode(spans, target.protocol);
  } catch (error) {
    // Requests can arrive over HTTP from elsewhere: any shape the adapter cannot read is bad input, not a crash.
    const reason = error instanceof UnforwardableTraceError ? error.message : `it is not a readable OTLP request (${errorText(error)}).`;
    return failed({ kind: 'invalid-trace', message: `Cannot forward this trace: ${reason}` });
  }

  const delivery = await withHardLimit(
    deliver(body, target, timeoutMs, options.signal).catch((error: unknown) =>
      undelivered({ kind: 'unreachable', detail: errorText(error) }, target),
    ),
    timeoutMs + HARD_LIMIT_GRACE_MS,
    target,
  );
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

/** The target's headers, less any that would contradict the body's own framing (set by the transport). */
function userHeadersOf(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !FRAMING_HEADERS.has(name.toLowerCase())));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function failed(error: ForwardError): ForwardResult {
  return { ok: false, error };
}

/** The official encoders: OTLP protobuf from otlp-transformer, Zipkin v2 JSON from exporter-zipkin. */
function encode(spans: ReadableSpan[], protocol: ForwardTarget['protocol']): Uint8Array {
  if (protocol === 'zipkin') return Buffer.from(JSON.stringify(zipkinSpansOf(spans)), 'utf8');
  return ProtobufTraceSerializer.serializeRequest(spans) ?? new Uint8Array();
}

async function deliver(body: Uint8Array, target: ForwardTarget, timeoutMs: number, signal: AbortSignal | undefined): Promise<Delivery> {
  const headers = userHeadersOf(target.headers);
  switch (target.protocol) {
    case 'otlp-grpc': {
      const outcome = await exportOverGrpc(body, { ...grpcAddressOf(target.endpoint), metadata: headers, timeoutMs, signal });
      if ('failed' in outcome) return undelivered(outcome.failed, target);
      if ('refused' in outcome) {
        const { code, codeName, details } = outcome.refused;
        return refused(target, `gRPC ${codeName} (${code})`, details || undefined, { grpcCode: code });
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
  const { status, statusText, contentType, body } = outcome.answered;
  if (status >= 200 && status < 300) return { sent: true, ...(otlp ? partialOf(partialSuccessOf(contentType, body)) : {}) };
  return refused(target, `HTTP ${status}${statusText ? ` ${statusText}` : ''}`, serverMessageOf(contentType, body), { httpStatus: status });
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
  };
}

function undelivered(failure: DeliveryFailure, target: ForwardTarget): Delivery {
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
