import { OtlpDecodeError } from './decodeError';
import { decodeLogsRequestJson } from './decodeLogsJson';
import { decodeLogsRequestProtobuf } from './decodeLogsProtobuf';
import { decodeTraceRequestJson } from './decodeTraceJson';
import { decodeTraceRequestProtobuf } from './decodeTraceProtobuf';
import { decodeMetricsRequestJson } from './decodeMetricsJson';
import { decodeMetricsRequestProtobuf } from './decodeMetricsProtobuf';
import type { ExportLogsServiceRequest, ExportMetricsServiceRequest, ExportTraceServiceRequest } from '../../model/otlpTypes';

export type OtlpWireFormat = 'protobuf' | 'json';

/** Decodes an OTLP trace export request body. Throws only `OtlpDecodeError`. */
export function decodeTraceRequest(body: Uint8Array, format: OtlpWireFormat): ExportTraceServiceRequest {
  return guarded(() => (format === 'json' ? decodeTraceRequestJson(body) : decodeTraceRequestProtobuf(body)));
}

/** Decodes an OTLP logs export request body. Throws only `OtlpDecodeError`. */
export function decodeLogsRequest(body: Uint8Array, format: OtlpWireFormat): ExportLogsServiceRequest {
  return guarded(() => (format === 'json' ? decodeLogsRequestJson(body) : decodeLogsRequestProtobuf(body)));
}

/** Decodes an OTLP metrics export request body. Throws only `OtlpDecodeError`. */
export function decodeMetricsRequest(body: Uint8Array, format: OtlpWireFormat): ExportMetricsServiceRequest {
  return guarded(() => (format === 'json' ? decodeMetricsRequestJson(body) : decodeMetricsRequestProtobuf(body)));
}

/** Whatever a hostile body provokes (e.g. a string too long for the engine) still reaches the sender as a decode error. */
function guarded<T>(decode: () => T): T {
  try {
    return decode();
  } catch (error) {
    if (error instanceof OtlpDecodeError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new OtlpDecodeError(`request could not be decoded: ${reason}`);
  }
}
