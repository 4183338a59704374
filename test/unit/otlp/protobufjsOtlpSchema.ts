import protobuf from 'protobufjs';

const { Field, OneOf, Root, Type } = protobuf;

/**
 * The OTLP trace and logs request messages (opentelemetry-proto common, resource, trace, logs and
 * the collector service requests), built with protobufjs reflection from code. Field names are
 * the lowerCamelCase JSON names, so protobufjs objects line up with the decoded form.
 */
function buildRoot(): protobuf.Root {
  const root = new Root();
  const type = (name: string, fields: [name: string, id: number, type: string, rule?: 'repeated'][]) => {
    const message = new Type(name);
    for (const [fieldName, id, fieldType, rule] of fields) message.add(new Field(fieldName, id, fieldType, rule));
    root.add(message);
    return message;
  };

  type('AnyValue', [
    ['stringValue', 1, 'string'],
    ['boolValue', 2, 'bool'],
    ['intValue', 3, 'int64'],
    ['doubleValue', 4, 'double'],
    ['arrayValue', 5, 'ArrayValue'],
    ['kvlistValue', 6, 'KeyValueList'],
    ['bytesValue', 7, 'bytes'],
  ]).add(new OneOf('value', ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue']));
  type('ArrayValue', [['values', 1, 'AnyValue', 'repeated']]);
  type('KeyValueList', [['values', 1, 'KeyValue', 'repeated']]);
  type('KeyValue', [
    ['key', 1, 'string'],
    ['value', 2, 'AnyValue'],
  ]);
  type('InstrumentationScope', [
    ['name', 1, 'string'],
    ['version', 2, 'string'],
    ['attributes', 3, 'KeyValue', 'repeated'],
    ['droppedAttributesCount', 4, 'uint32'],
  ]);
  type('Resource', [
    ['attributes', 1, 'KeyValue', 'repeated'],
    ['droppedAttributesCount', 2, 'uint32'],
  ]);

  type('ExportTraceServiceRequest', [['resourceSpans', 1, 'ResourceSpans', 'repeated']]);
  type('ResourceSpans', [
    ['resource', 1, 'Resource'],
    ['scopeSpans', 2, 'ScopeSpans', 'repeated'],
    ['schemaUrl', 3, 'string'],
  ]);
  type('ScopeSpans', [
    ['scope', 1, 'InstrumentationScope'],
    ['spans', 2, 'Span', 'repeated'],
    ['schemaUrl', 3, 'string'],
  ]);
  type('Span', [
    ['traceId', 1, 'bytes'],
    ['spanId', 2, 'bytes'],
    ['traceState', 3, 'string'],
    ['parentSpanId', 4, 'bytes'],
    ['name', 5, 'string'],
    ['kind', 6, 'int32'],
    ['startTimeUnixNano', 7, 'fixed64'],
    ['endTimeUnixNano', 8, 'fixed64'],
    ['attributes', 9, 'KeyValue', 'repeated'],
    ['droppedAttributesCount', 10, 'uint32'],
    ['events', 11, 'Event', 'repeated'],
    ['droppedEventsCount', 12, 'uint32'],
    ['links', 13, 'Link', 'repeated'],
    ['droppedLinksCount', 14, 'uint32'],
    ['status', 15, 'Status'],
    ['flags', 16, 'fixed32'],
  ]);
  type('Event', [
    ['timeUnixNano', 1, 'fixed64'],
    ['name', 2, 'string'],
    ['attributes', 3, 'KeyValue', 'repeated'],
    ['droppedAttributesCount', 4, 'uint32'],
  ]);
  type('Link', [
    ['traceId', 1, 'bytes'],
    ['spanId', 2, 'bytes'],
    ['traceState', 3, 'string'],
    ['attributes', 4, 'KeyValue', 'repeated'],
    ['droppedAttributesCount', 5, 'uint32'],
    ['flags', 6, 'fixed32'],
  ]);
  type('Status', [
    ['message', 2, 'string'],
    ['code', 3, 'int32'],
  ]);

  type('ExportLogsServiceRequest', [['resourceLogs', 1, 'ResourceLogs', 'repeated']]);
  type('ResourceLogs', [
    ['resource', 1, 'Resource'],
    ['scopeLogs', 2, 'ScopeLogs', 'repeated'],
    ['schemaUrl', 3, 'string'],
  ]);
  type('ScopeLogs', [
    ['scope', 1, 'InstrumentationScope'],
    ['logRecords', 2, 'LogRecord', 'repeated'],
    ['schemaUrl', 3, 'string'],
  ]);
  type('LogRecord', [
    ['timeUnixNano', 1, 'fixed64'],
    ['severityNumber', 2, 'int32'],
    ['severityText', 3, 'string'],
    ['body', 5, 'AnyValue'],
    ['attributes', 6, 'KeyValue', 'repeated'],
    ['droppedAttributesCount', 7, 'uint32'],
    ['flags', 8, 'fixed32'],
    ['traceId', 9, 'bytes'],
    ['spanId', 10, 'bytes'],
    ['observedTimeUnixNano', 11, 'fixed64'],
    ['eventName', 12, 'string'],
  ]);

  // Collector service responses, and the google.rpc.Status that OTLP/HTTP error responses carry.
  type('ExportTraceServiceResponse', [['partialSuccess', 1, 'ExportTracePartialSuccess']]);
  type('ExportTracePartialSuccess', [
    ['rejectedSpans', 1, 'int64'],
    ['errorMessage', 2, 'string'],
  ]);
  type('ExportLogsServiceResponse', [['partialSuccess', 1, 'ExportLogsPartialSuccess']]);
  type('ExportLogsPartialSuccess', [
    ['rejectedLogRecords', 1, 'int64'],
    ['errorMessage', 2, 'string'],
  ]);
  type('RpcStatus', [
    ['code', 1, 'int32'],
    ['message', 2, 'string'],
    ['details', 3, 'bytes', 'repeated'],
  ]);

  // Pre-1.0 senders: `instrumentation_library_spans` / `_logs` (field 1000, now reserved).
  type('LegacyExportTraceServiceRequest', [['resourceSpans', 1, 'LegacyResourceSpans', 'repeated']]);
  type('LegacyResourceSpans', [
    ['resource', 1, 'Resource'],
    ['instrumentationLibrarySpans', 1000, 'ScopeSpans', 'repeated'],
  ]);
  type('LegacyExportLogsServiceRequest', [['resourceLogs', 1, 'LegacyResourceLogs', 'repeated']]);
  type('LegacyResourceLogs', [
    ['resource', 1, 'Resource'],
    ['instrumentationLibraryLogs', 1000, 'ScopeLogs', 'repeated'],
  ]);

  /** Fields no OTLP message defines, one per wire type the decoder must skip (groups are refused). */
  type('UnknownFields', [
    ['varint', 900, 'uint64'],
    ['negativeVarint', 901, 'int64'],
    ['fixed64', 902, 'fixed64'],
    ['lengthDelimited', 903, 'bytes'],
    ['fixed32', 904, 'fixed32'],
    ['nested', 905, 'KeyValue'],
    ['highestFieldNumber', 536870911, 'string'],
  ]);

  root.resolveAll();
  return root;
}

export const otlpProtobufjsRoot = buildRoot();

export function otlpType(name: string): protobuf.Type {
  return otlpProtobufjsRoot.lookupType(name);
}
