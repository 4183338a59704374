import type { OtlpWireFormat } from './decode';
import type { PartialSuccess } from '../../model/otlpTypes';

export type OtlpSignal = 'traces' | 'logs' | 'metrics';

const REJECTED_FIELD: Record<OtlpSignal, string> = { traces: 'rejectedSpans', logs: 'rejectedLogRecords', metrics: 'rejectedDataPoints' };

const textEncoder = new TextEncoder();

/**
 * The body of a successful export: `ExportTraceServiceResponse`, `ExportLogsServiceResponse` or `ExportMetricsServiceResponse`.
 * `partial_success` is set only when something was rejected or there is a message for the
 * sender; otherwise the message is empty (zero bytes, or `{}` in JSON), as the OTLP spec asks.
 */
export function encodeExportResponse(signal: OtlpSignal, format: OtlpWireFormat, partial?: PartialSuccess): Uint8Array {
  const rejected = partial?.rejected ?? 0;
  const errorMessage = partial?.errorMessage ?? '';
  if (!Number.isSafeInteger(rejected) || rejected < 0)
    throw new RangeError(`rejected count must be a non-negative integer, got ${rejected}`);
  const hasPartial = rejected > 0 || errorMessage !== '';
  if (format === 'json') {
    if (!hasPartial) return textEncoder.encode('{}');
    // proto3 JSON: int64 as a string, default values omitted.
    const partialSuccess: Record<string, string> = {};
    if (rejected > 0) partialSuccess[REJECTED_FIELD[signal]] = String(rejected);
    if (errorMessage !== '') partialSuccess.errorMessage = errorMessage;
    return textEncoder.encode(JSON.stringify({ partialSuccess }));
  }
  if (!hasPartial) return new Uint8Array(0);
  const inner: number[] = [];
  // Export{Trace,Logs,Metrics}PartialSuccess: 1 = rejected count (int64), 2 = error_message.
  if (rejected > 0) {
    inner.push((1 << 3) | 0);
    pushVarint(inner, rejected);
  }
  if (errorMessage !== '') pushBytesField(inner, 2, textEncoder.encode(errorMessage));
  const outer: number[] = [];
  pushBytesField(outer, 1, inner);
  return Uint8Array.from(outer);
}

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';

/**
 * A `google.rpc.Status` body (code = 1, message = 2), which OTLP/HTTP requires on 4xx and 5xx
 * responses, encoded like the request. `code` is a gRPC status code, e.g. 3 INVALID_ARGUMENT.
 * With `retryAfterSeconds`, the status carries a `google.rpc.RetryInfo` detail (details = 3), which
 * OTLP exporters read as "retry after this delay" (for gRPC, RESOURCE_EXHAUSTED is retried only with it).
 */
export function encodeErrorStatus(format: OtlpWireFormat, code: number, message: string, retryAfterSeconds?: number): Uint8Array {
  if (!Number.isInteger(code) || code < 0 || code > 0x7fffffff)
    throw new RangeError(`status code must be a non-negative int32, got ${code}`);
  if (format === 'json') {
    const status: { code?: number; message?: string } = {};
    if (code !== 0) status.code = code;
    if (message !== '') status.message = message;
    if (retryAfterSeconds !== undefined) {
      Object.assign(status, { details: [{ '@type': RETRY_INFO_TYPE, retryDelay: `${retryAfterSeconds}s` }] });
    }
    return textEncoder.encode(JSON.stringify(status));
  }
  const bytes: number[] = [];
  if (code !== 0) {
    bytes.push((1 << 3) | 0);
    pushVarint(bytes, code);
  }
  if (message !== '') pushBytesField(bytes, 2, textEncoder.encode(message));
  if (retryAfterSeconds !== undefined) pushBytesField(bytes, 3, encodeRetryInfoAny(retryAfterSeconds));
  return Uint8Array.from(bytes);
}

/** `google.protobuf.Any` { type_url = 1, value = 2: RetryInfo { retry_delay = 1: Duration { seconds = 1 } } }. */
function encodeRetryInfoAny(seconds: number): number[] {
  const duration: number[] = [];
  if (seconds > 0) {
    duration.push((1 << 3) | 0);
    pushVarint(duration, Math.round(seconds));
  }
  const retryInfo: number[] = [];
  pushBytesField(retryInfo, 1, duration);
  const any: number[] = [];
  pushBytesField(any, 1, textEncoder.encode(RETRY_INFO_TYPE));
  pushBytesField(any, 2, retryInfo);
  return any;
}

function pushVarint(out: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
}

function pushBytesField(out: number[], fieldNumber: number, bytes: ArrayLike<number>): void {
  out.push((fieldNumber << 3) | 2);
  pushVarint(out, bytes.length);
  for (let index = 0; index < bytes.length; index++) out.push(bytes[index]);
}
