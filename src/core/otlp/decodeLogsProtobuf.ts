import { readAnyValue, readKeyValue, readResource, readScope } from './decodeCommonProtobuf';
import type {
  AnyValue,
  ExportLogsServiceRequest,
  InstrumentationScope,
  KeyValue,
  OtlpLogRecord,
  Resource,
  ResourceLogs,
  ScopeLogs,
} from '../../model/otlpTypes';
import { ProtobufReader } from './protobufReader';
import { isEmptyValue } from './values';

// Field names by number, for wrong-wire-type errors (opentelemetry/proto/logs/v1/logs.proto).
const REQUEST_FIELDS = ['', 'resource_logs'];
const RESOURCE_LOGS_FIELDS = ['', 'resource', 'scope_logs', 'schema_url'];
const SCOPE_LOGS_FIELDS = ['', 'scope', 'log_records', 'schema_url'];
const LOG_RECORD_FIELDS = [
  '',
  'time_unix_nano',
  'severity_number',
  'severity_text',
  '',
  'body',
  'attributes',
  'dropped_attributes_count',
  'flags',
  'trace_id',
  'span_id',
  'observed_time_unix_nano',
  'event_name',
];

/** Field 1000 of ResourceLogs: the pre-1.0 `instrumentation_library_logs`, laid out like `scope_logs`. */
const LEGACY_SCOPE_LOGS_TAG = (1000 << 3) | 2;

/** Decodes a protobuf `ExportLogsServiceRequest` into the OTLP/JSON-shaped form of model.ts. */
export function decodeLogsRequestProtobuf(bytes: Uint8Array): ExportLogsServiceRequest {
  const reader = new ProtobufReader(bytes);
  const end = bytes.length;
  const resourceLogs: ResourceLogs[] = [];
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | 2)) resourceLogs.push(readResourceLogs(reader, end));
    else reader.skip(tag, end, 'ExportLogsServiceRequest', REQUEST_FIELDS);
  }
  return { resourceLogs };
}

function readResourceLogs(reader: ProtobufReader, limit: number): ResourceLogs {
  const end = reader.fieldEnd(limit);
  let resource: Resource | undefined;
  const scopeLogs: ScopeLogs[] = [];
  let schemaUrl = '';
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((2 << 3) | 2) || tag === LEGACY_SCOPE_LOGS_TAG) scopeLogs.push(readScopeLogs(reader, end));
    else if (tag === ((1 << 3) | 2)) resource = readResource(reader, end);
    else if (tag === ((3 << 3) | 2)) schemaUrl = reader.string(end);
    else reader.skip(tag, end, 'ResourceLogs', RESOURCE_LOGS_FIELDS);
  }
  reader.finish(end, 'ResourceLogs');
  const result: ResourceLogs = resource === undefined ? { scopeLogs } : { resource, scopeLogs };
  if (schemaUrl !== '') result.schemaUrl = schemaUrl;
  return result;
}

function readScopeLogs(reader: ProtobufReader, limit: number): ScopeLogs {
  const end = reader.fieldEnd(limit);
  let scope: InstrumentationScope | undefined;
  const logRecords: OtlpLogRecord[] = [];
  let schemaUrl = '';
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((2 << 3) | 2)) logRecords.push(readLogRecord(reader, end));
    else if (tag === ((1 << 3) | 2)) scope = readScope(reader, end);
    else if (tag === ((3 << 3) | 2)) schemaUrl = reader.string(end);
    else reader.skip(tag, end, 'ScopeLogs', SCOPE_LOGS_FIELDS);
  }
  reader.finish(end, 'ScopeLogs');
  const result: ScopeLogs = scope === undefined ? { logRecords } : { scope, logRecords };
  if (schemaUrl !== '') result.schemaUrl = schemaUrl;
  return result;
}

function readLogRecord(reader: ProtobufReader, limit: number): OtlpLogRecord {
  const end = reader.fieldEnd(limit);
  let timeUnixNano = '0';
  let observedTimeUnixNano = '0';
  let severityNumber = 0;
  let severityText = '';
  let body: AnyValue | undefined;
  const attributes: KeyValue[] = [];
  let droppedAttributesCount = 0;
  let flags = 0;
  let traceId = '';
  let spanId = '';
  let eventName = '';
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case (1 << 3) | 1:
        timeUnixNano = reader.fixed64();
        break;
      case (2 << 3) | 0:
        severityNumber = reader.varint32() | 0;
        break;
      case (3 << 3) | 2:
        severityText = reader.string(end);
        break;
      case (5 << 3) | 2:
        body = readAnyValue(reader, end, 0);
        break;
      case (6 << 3) | 2:
        attributes.push(readKeyValue(reader, end, 0));
        break;
      case (7 << 3) | 0:
        droppedAttributesCount = reader.varint32();
        break;
      case (8 << 3) | 5:
        flags = reader.fixed32();
        break;
      case (9 << 3) | 2:
        traceId = reader.hex(end);
        break;
      case (10 << 3) | 2:
        spanId = reader.hex(end);
        break;
      case (11 << 3) | 1:
        observedTimeUnixNano = reader.fixed64();
        break;
      case (12 << 3) | 2:
        eventName = reader.string(end);
        break;
      default:
        reader.skip(tag, end, 'LogRecord', LOG_RECORD_FIELDS);
    }
  }
  reader.finish(end, 'LogRecord');
  // Built in schema order so stored and exported records read naturally.
  const record = {} as OtlpLogRecord;
  if (timeUnixNano !== '0') record.timeUnixNano = timeUnixNano;
  if (observedTimeUnixNano !== '0') record.observedTimeUnixNano = observedTimeUnixNano;
  if (severityNumber !== 0) record.severityNumber = severityNumber;
  if (severityText !== '') record.severityText = severityText;
  // A body with no value set says nothing; it is treated as absent, like the JSON decoder does.
  if (body !== undefined && !isEmptyValue(body)) record.body = body;
  record.attributes = attributes;
  if (droppedAttributesCount !== 0) record.droppedAttributesCount = droppedAttributesCount;
  if (flags !== 0) record.flags = flags;
  if (traceId !== '') record.traceId = traceId;
  if (spanId !== '') record.spanId = spanId;
  if (eventName !== '') record.eventName = eventName;
  return record;
}
