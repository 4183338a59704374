import { ProtobufReader } from '../otlp/protobufReader';

/** Longest wait a target may ask for; a larger one (or a date far ahead) is held to this. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

const RETRY_INFO_TYPE = 'type.googleapis.com/google.rpc.RetryInfo';
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_VARINT = 0;

/**
 * An HTTP `Retry-After` value in milliseconds from `now`: delay-seconds or an HTTP date
 * (RFC 9110 §10.2.3). undefined when absent or unreadable; capped at `MAX_RETRY_AFTER_MS`.
 */
export function retryAfterMsOf(header: string | undefined, now: number): number | undefined {
  const text = header?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  // An HTTP date names its day and month; Date.parse would also take "-5" or "1.5" as years.
  const at = /^[A-Za-z]{3}, /.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(at)) return undefined;
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}

/**
 * The wait a gRPC error asks for: the `google.rpc.RetryInfo` detail of the `google.rpc.Status`
 * in `grpc-status-details-bin` (how an OTLP server answering RESOURCE_EXHAUSTED or UNAVAILABLE
 * says when to come back). undefined when there is none or it cannot be read.
 */
export function grpcRetryDelayMsOf(statusDetails: Uint8Array | undefined): number | undefined {
  if (!statusDetails || statusDetails.byteLength === 0) return undefined;
  try {
    // google.rpc.Status: 3 = repeated google.protobuf.Any details.
    for (const any of lengthDelimitedFields(statusDetails, 3)) {
      // google.protobuf.Any: 1 = type_url, 2 = value.
      const [typeUrl] = lengthDelimitedFields(any, 1);
      if (!typeUrl || Buffer.from(typeUrl).toString('utf8') !== RETRY_INFO_TYPE) continue;
      const [retryInfo] = lengthDelimitedFields(any, 2);
      // google.rpc.RetryInfo: 1 = google.protobuf.Duration retry_delay { 1 = seconds, 2 = nanos }.
      const [duration] = retryInfo ? lengthDelimitedFields(retryInfo, 1) : [];
      if (!duration) return 0;
      const seconds = varintField(duration, 1);
      const nanos = varintField(duration, 2);
      return Math.min(Math.max(0, seconds * 1000 + Math.floor(nanos / 1e6)), MAX_RETRY_AFTER_MS);
    }
  } catch {
    // A malformed detail is no instruction.
  }
  return undefined;
}

function lengthDelimitedFields(bytes: Uint8Array, field: number): Uint8Array[] {
  const reader = new ProtobufReader(bytes);
  const out: Uint8Array[] = [];
  while (reader.pos < reader.length) {
    const tag = reader.tag();
    if (tag === ((field << 3) | WIRE_LENGTH_DELIMITED)) {
      const end = reader.fieldEnd(reader.length);
      out.push(bytes.subarray(reader.pos, end));
      reader.pos = end;
    } else reader.skip(tag, reader.length, 'Status', []);
  }
  return out;
}

function varintField(bytes: Uint8Array, field: number): number {
  const reader = new ProtobufReader(bytes);
  let value = 0;
  while (reader.pos < reader.length) {
    const tag = reader.tag();
    if (tag === ((field << 3) | WIRE_VARINT)) value = Number(reader.int64());
    else reader.skip(tag, reader.length, 'Duration', []);
  }
  return value;
}
