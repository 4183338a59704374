import type { IncomingMessage, ServerResponse } from 'node:http';
import { OtlpDecodeError } from '../otlp/decodeError';
import { decodeLogsRequest, decodeMetricsRequest, decodeTraceRequest, type OtlpWireFormat } from '../otlp/decode';
import { encodeErrorStatus, encodeExportResponse, type OtlpSignal } from '../otlp/encodeResponse';
import type { PartialSuccess } from '../../model/otlpTypes';
import { ReceiverBusyError, type BytesInFlight, type Reservation } from './bytesInFlight';
import type { IngestSink } from './ingestSink';
import { RequestAbortedError, RequestBodyError, readRequestBody } from './requestBody';

/** google.rpc.Code values used in error bodies. */
const RPC_INVALID_ARGUMENT = 3;
const RPC_RESOURCE_EXHAUSTED = 8;
const RPC_INTERNAL = 13;

const PATHS: Record<string, OtlpSignal> = { '/v1/traces': 'traces', '/v1/logs': 'logs', '/v1/metrics': 'metrics' };

export function otlpSignalForPath(path: string): OtlpSignal | undefined {
  return PATHS[path];
}

/** The OTLP wire format a Content-Type names (parameters such as charset are ignored). */
export function otlpFormatOf(contentType: string | undefined): OtlpWireFormat | undefined {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf') return 'protobuf';
  if (mediaType === 'application/json') return 'json';
  return undefined;
}

/**
 * Answers `POST /v1/traces`, `/v1/logs` or `/v1/metrics` as the OTLP/HTTP specification says: 200 with an
 * Export*ServiceResponse (carrying partial_success when the sink rejected some items), 400 with
 * a google.rpc.Status for data that does not decode, 413 when too large, 415 for other media
 * types, 503 with Retry-After (RESOURCE_EXHAUSTED with RetryInfo) when the bytes in flight across
 * all requests are at their bound, always in the format of the request. The request's bytes count
 * against that bound until it is stored and answered.
 */
export async function handleOtlpExport(
  request: IncomingMessage,
  response: ServerResponse,
  signal: OtlpSignal,
  sink: IngestSink,
  maxRequestBytes: number,
  inFlight: BytesInFlight,
  extraHeaders: Record<string, string> = {},
  onRefused?: (status: number, message: string) => void,
): Promise<void> {
  const refuse = (status: number, format: OtlpWireFormat, code: number, message: string, close = false) => {
    onRefused?.(status, message);
    return sendStatus(response, status, format, code, message, extraHeaders, close);
  };
  const format = otlpFormatOf(request.headers['content-type']);
  if (format === undefined) {
    const message = `Content-Type "${request.headers['content-type'] ?? ''}" is not supported; send application/x-protobuf or application/json.`;
    return refuse(415, 'json', RPC_INVALID_ARGUMENT, message, true);
  }

  const reservation = inFlight.open();
  try {
    await readDecodeAndStore(request, response, signal, sink, maxRequestBytes, format, reservation, extraHeaders, refuse);
  } finally {
    reservation.release();
  }
}

async function readDecodeAndStore(
  request: IncomingMessage,
  response: ServerResponse,
  signal: OtlpSignal,
  sink: IngestSink,
  maxRequestBytes: number,
  format: OtlpWireFormat,
  reservation: Reservation,
  extraHeaders: Record<string, string>,
  refuse: (status: number, format: OtlpWireFormat, code: number, message: string, close?: boolean) => void,
): Promise<void> {
  let body: Buffer;
  try {
    body = await readRequestBody(request, maxRequestBytes, reservation);
  } catch (error) {
    if (error instanceof RequestAbortedError) return void response.destroy();
    if (error instanceof ReceiverBusyError) {
      const headers = { ...extraHeaders, 'Retry-After': String(error.retryAfterSeconds), Connection: 'close' };
      const status = encodeErrorStatus(format, RPC_RESOURCE_EXHAUSTED, error.message, error.retryAfterSeconds);
      return send(response, 503, format, status, headers);
    }
    if (error instanceof RequestBodyError) {
      const code = error.status === 413 ? RPC_RESOURCE_EXHAUSTED : RPC_INVALID_ARGUMENT;
      // The rest of an oversized or broken body is not read, so the connection cannot be reused.
      return refuse(error.status, format, code, error.message, true);
    }
    throw error;
  }

  let partial: PartialSuccess | undefined;
  try {
    partial = ingestBody(sink, signal, body, format);
  } catch (error) {
    if (error instanceof OtlpDecodeError) {
      return refuse(400, format, RPC_INVALID_ARGUMENT, error.message);
    }
    const message = `Loupe could not store the ${signal}: ${error instanceof Error ? error.message : String(error)}`;
    return refuse(500, format, RPC_INTERNAL, message);
  }
  send(response, 200, format, encodeExportResponse(signal, format, partial), extraHeaders);
}

function ingestBody(sink: IngestSink, signal: OtlpSignal, body: Uint8Array, format: OtlpWireFormat): PartialSuccess | undefined {
  if (signal === 'traces') return sink.ingestTraces(decodeTraceRequest(body, format));
  if (signal === 'logs') return sink.ingestLogs(decodeLogsRequest(body, format));
  return sink.ingestMetrics(decodeMetricsRequest(body, format));
}

function sendStatus(
  response: ServerResponse,
  status: number,
  format: OtlpWireFormat,
  code: number,
  message: string,
  extraHeaders: Record<string, string>,
  closeConnection = false,
): void {
  const headers = closeConnection ? { ...extraHeaders, Connection: 'close' } : extraHeaders;
  send(response, status, format, encodeErrorStatus(format, code, message), headers);
}

function send(
  response: ServerResponse,
  status: number,
  format: OtlpWireFormat,
  body: Uint8Array,
  extraHeaders: Record<string, string>,
): void {
  response.writeHead(status, {
    ...extraHeaders,
    'Content-Type': format === 'json' ? 'application/json' : 'application/x-protobuf',
    'Content-Length': String(body.byteLength),
  });
  response.end(body);
}
