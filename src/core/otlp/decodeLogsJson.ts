import { parseJsonBody, readAnyValueJson, readKeyValuesJson, readResourceJson, readScopeJson } from './decodeCommonJson';
import type { JsonObject } from './jsonFields';
import { arrayAt, enumAt, fixed64At, idAt, objectAt, stringAt, uint32At } from './jsonFields';
import { listItemPath, memberPath, readWithPathsOnFailure } from './jsonPath';
import type { ExportLogsServiceRequest, OtlpLogRecord, ResourceLogs, ScopeLogs } from '../../model/otlpTypes';
import { isEmptyValue } from './values';

/** `SEVERITY_NUMBER_TRACE` = 1 … `SEVERITY_NUMBER_FATAL4` = 24, four steps per level. */
const SEVERITY_NUMBER_NAMES: Readonly<Record<string, number>> = Object.fromEntries([
  ['SEVERITY_NUMBER_UNSPECIFIED', 0],
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level, levelIndex) =>
    ['', '2', '3', '4'].map((step, stepIndex) => [`SEVERITY_NUMBER_${level}${step}`, levelIndex * 4 + stepIndex + 1]),
  ),
]);

/**
 * Decodes an OTLP/JSON `ExportLogsServiceRequest` into the form of model.ts, accepting
 * lowerCamelCase and snake_case field names alike (the proto3 JSON rule).
 */
export function decodeLogsRequestJson(bytes: Uint8Array): ExportLogsServiceRequest {
  const request = parseJsonBody(bytes);
  return readWithPathsOnFailure(() => readLogsRequest(request));
}

function readLogsRequest(request: JsonObject): ExportLogsServiceRequest {
  const items = arrayAt(request.resourceLogs ?? request.resource_logs, 'resourceLogs');
  const resourceLogs: ResourceLogs[] = new Array(items.length);
  for (let index = 0; index < items.length; index++) {
    resourceLogs[index] = readResourceLogs(items[index], listItemPath('resourceLogs', '', index));
  }
  return { resourceLogs };
}

function readResourceLogs(raw: unknown, path: string): ResourceLogs {
  const object = objectAt(raw, path);
  const scopeItems = arrayAt(object.scopeLogs ?? object.scope_logs, memberPath(path, '.scopeLogs'));
  // Pre-1.0 senders wrote `instrumentationLibraryLogs` with an `instrumentationLibrary` scope.
  const legacyItems = arrayAt(
    object.instrumentationLibraryLogs ?? object.instrumentation_library_logs,
    memberPath(path, '.instrumentationLibraryLogs'),
  );
  const scopeLogs: ScopeLogs[] = [];
  for (let index = 0; index < scopeItems.length; index++) {
    scopeLogs.push(readScopeLogs(scopeItems[index], listItemPath(path, '.scopeLogs', index)));
  }
  for (let index = 0; index < legacyItems.length; index++) {
    scopeLogs.push(readScopeLogs(legacyItems[index], listItemPath(path, '.instrumentationLibraryLogs', index)));
  }
  const resource = object.resource;
  const result: ResourceLogs =
    resource === undefined || resource === null
      ? { scopeLogs }
      : { resource: readResourceJson(resource, memberPath(path, '.resource')), scopeLogs };
  const schemaUrl = stringAt(object.schemaUrl ?? object.schema_url, memberPath(path, '.schemaUrl'));
  if (schemaUrl !== '') result.schemaUrl = schemaUrl;
  return result;
}

function readScopeLogs(raw: unknown, path: string): ScopeLogs {
  const object = objectAt(raw, path);
  const recordItems = arrayAt(object.logRecords ?? object.log_records, memberPath(path, '.logRecords'));
  const logRecords: OtlpLogRecord[] = new Array(recordItems.length);
  for (let index = 0; index < recordItems.length; index++) {
    logRecords[index] = readLogRecord(recordItems[index], listItemPath(path, '.logRecords', index));
  }
  const scope = object.scope ?? object.instrumentationLibrary ?? object.instrumentation_library;
  const result: ScopeLogs =
    scope === undefined || scope === null ? { logRecords } : { scope: readScopeJson(scope, memberPath(path, '.scope')), logRecords };
  const schemaUrl = stringAt(object.schemaUrl ?? object.schema_url, memberPath(path, '.schemaUrl'));
  if (schemaUrl !== '') result.schemaUrl = schemaUrl;
  return result;
}

function readLogRecord(raw: unknown, path: string): OtlpLogRecord {
  const object = objectAt(raw, path);
  // Built in schema order, as the protobuf decoder does.
  const record = {} as OtlpLogRecord;
  const time = fixed64At(object.timeUnixNano ?? object.time_unix_nano, memberPath(path, '.timeUnixNano'));
  if (time !== '0') record.timeUnixNano = time;
  const observed = fixed64At(object.observedTimeUnixNano ?? object.observed_time_unix_nano, memberPath(path, '.observedTimeUnixNano'));
  if (observed !== '0') record.observedTimeUnixNano = observed;
  const severityNumber = enumAt(
    object.severityNumber ?? object.severity_number,
    memberPath(path, '.severityNumber'),
    SEVERITY_NUMBER_NAMES,
    'SeverityNumber',
  );
  if (severityNumber !== 0) record.severityNumber = severityNumber;
  const severityText = stringAt(object.severityText ?? object.severity_text, memberPath(path, '.severityText'));
  if (severityText !== '') record.severityText = severityText;
  const rawBody = object.body;
  if (rawBody !== undefined && rawBody !== null) {
    // The JS SDK's JSON serializer writes `body: {}` for a record without a body; that is no body.
    const body = readAnyValueJson(rawBody, memberPath(path, '.body'), 0);
    if (!isEmptyValue(body)) record.body = body;
  }
  record.attributes = readKeyValuesJson(object.attributes, memberPath(path, '.attributes'), 0);
  const dropped = uint32At(object.droppedAttributesCount ?? object.dropped_attributes_count, memberPath(path, '.droppedAttributesCount'));
  if (dropped !== 0) record.droppedAttributesCount = dropped;
  const flags = uint32At(object.flags, memberPath(path, '.flags'));
  if (flags !== 0) record.flags = flags;
  const traceId = idAt(object.traceId ?? object.trace_id, memberPath(path, '.traceId'));
  if (traceId !== '') record.traceId = traceId;
  const spanId = idAt(object.spanId ?? object.span_id, memberPath(path, '.spanId'));
  if (spanId !== '') record.spanId = spanId;
  const eventName = stringAt(object.eventName ?? object.event_name, memberPath(path, '.eventName'));
  if (eventName !== '') record.eventName = eventName;
  return record;
}
