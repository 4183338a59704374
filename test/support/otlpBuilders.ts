import type { ExportLogsServiceRequest, ExportTraceServiceRequest, KeyValue, OtlpLogRecord, OtlpSpan } from '../../src/model/otlpTypes';

let counter = 0;

/** A fresh random-looking id of `bytes` bytes in lowercase hex. */
export function hexId(bytes: number): string {
  counter++;
  let out = '';
  for (let i = 0; i < bytes; i++)
    out += ((counter * 7919 + i * 104729 + Math.floor(Math.random() * 256)) % 256).toString(16).padStart(2, '0');
  return out.replace(/^0+$/, '1'.padStart(bytes * 2, '0'));
}

export function str(key: string, value: string): KeyValue {
  return { key, value: { stringValue: value } };
}

export function int(key: string, value: number): KeyValue {
  return { key, value: { intValue: String(value) } };
}

/** A span in the canonical decoded form; times are milliseconds from an arbitrary base. */
export function span(
  traceId: string,
  spanId: string,
  parentSpanId: string | undefined,
  name: string,
  startMs: number,
  endMs: number,
  attributes: KeyValue[] = [],
): OtlpSpan {
  const base = 1_795_279_085_000n;
  return {
    traceId,
    spanId,
    ...(parentSpanId ? { parentSpanId } : {}),
    name,
    kind: 1,
    startTimeUnixNano: String((base + BigInt(startMs)) * 1_000_000n),
    endTimeUnixNano: String((base + BigInt(endMs)) * 1_000_000n),
    attributes,
    events: [],
    links: [],
    status: { code: 0 },
  };
}

export function traceRequest(spans: OtlpSpan[], serviceName = 'test-service'): ExportTraceServiceRequest {
  return {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', serviceName)] },
        scopeSpans: [{ scope: { name: 'test-scope', version: '1.0.0' }, spans }],
      },
    ],
  };
}

export function logsRequest(records: OtlpLogRecord[], serviceName = 'test-service'): ExportLogsServiceRequest {
  return {
    resourceLogs: [
      {
        resource: { attributes: [str('service.name', serviceName)] },
        scopeLogs: [{ scope: { name: 'test-scope' }, logRecords: records }],
      },
    ],
  };
}
