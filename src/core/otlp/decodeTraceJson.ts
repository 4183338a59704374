import { parseJsonBody, readKeyValuesJson, readResourceJson, readScopeJson } from './decodeCommonJson';
import type { JsonObject } from './jsonFields';
import { arrayAt, enumAt, fixed64At, idAt, objectAt, stringAt, uint32At } from './jsonFields';
import { listItemPath, memberPath, readWithPathsOnFailure } from './jsonPath';
import type {
  ExportTraceServiceRequest,
  OtlpEvent,
  OtlpLink,
  OtlpSpan,
  OtlpStatus,
  ResourceSpans,
  ScopeSpans,
} from '../../model/otlpTypes';

const SPAN_KIND_NAMES: Readonly<Record<string, number>> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

const STATUS_CODE_NAMES: Readonly<Record<string, number>> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};

/**
 * Decodes an OTLP/JSON `ExportTraceServiceRequest` into the form of model.ts, accepting
 * lowerCamelCase and snake_case field names alike (the proto3 JSON rule).
 */
export function decodeTraceRequestJson(bytes: Uint8Array): ExportTraceServiceRequest {
  const request = parseJsonBody(bytes);
  return readWithPathsOnFailure(() => readTraceRequest(request));
}

function readTraceRequest(request: JsonObject): ExportTraceServiceRequest {
  const items = arrayAt(request.resourceSpans ?? request.resource_spans, 'resourceSpans');
  const resourceSpans: ResourceSpans[] = new Array(items.length);
  for (let index = 0; index < items.length; index++) {
    resourceSpans[index] = readResourceSpans(items[index], listItemPath('resourceSpans', '', index));
  }
  return { resourceSpans };
}

function readResourceSpans(raw: unknown, path: string): ResourceSpans {
  const object = objectAt(raw, path);
  const scopeItems = arrayAt(object.scopeSpans ?? object.scope_spans, memberPath(path, '.scopeSpans'));
  // Pre-1.0 senders wrote `instrumentationLibrarySpans` with an `instrumentationLibrary` scope.
  const legacyItems = arrayAt(
    object.instrumentationLibrarySpans ?? object.instrumentation_library_spans,
    memberPath(path, '.instrumentationLibrarySpans'),
  );
  const scopeSpans: ScopeSpans[] = [];
  for (let index = 0; index < scopeItems.length; index++) {
    scopeSpans.push(readScopeSpans(scopeItems[index], listItemPath(path, '.scopeSpans', index)));
  }
  for (let index = 0; index < legacyItems.length; index++) {
    scopeSpans.push(readScopeSpans(legacyItems[index], listItemPath(path, '.instrumentationLibrarySpans', index)));
  }
  const resource = object.resource;
  const result: ResourceSpans =
    resource === undefined || resource === null
      ? { scopeSpans }
      : { resource: readResourceJson(resource, memberPath(path, '.resource')), scopeSpans };
  const schemaUrl = stringAt(object.schemaUrl ?? object.schema_url, memberPath(path, '.schemaUrl'));
  if (schemaUrl !== '') result.schemaUrl = schemaUrl;
  return result;
}

function readScopeSpans(raw: unknown, path: string): ScopeSpans {
  const object = objectAt(raw, path);
  const spanItems = arrayAt(object.spans, memberPath(path, '.spans'));
  const spans: OtlpSpan[] = new Array(spanItems.length);
  for (let index = 0; index < spanItems.length; index++) {
    spans[index] = readSpan(spanItems[index], listItemPath(path, '.spans', index));
  }
  const scope = object.scope ?? object.instrumentationLibrary ?? object.instrumentation_library;
  const result: ScopeSpans =
    scope === undefined || scope === null ? { spans } : { scope: readScopeJson(scope, memberPath(path, '.scope')), spans };
  const schemaUrl = stringAt(object.schemaUrl ?? object.schema_url, memberPath(path, '.schemaUrl'));
  if (schemaUrl !== '') result.schemaUrl = schemaUrl;
  return result;
}

function readSpan(raw: unknown, path: string): OtlpSpan {
  const object = objectAt(raw, path);
  const rawStatus = object.status;
  const span: OtlpSpan = {
    traceId: idAt(object.traceId ?? object.trace_id, memberPath(path, '.traceId')),
    spanId: idAt(object.spanId ?? object.span_id, memberPath(path, '.spanId')),
    name: stringAt(object.name, memberPath(path, '.name')),
    kind: enumAt(object.kind, memberPath(path, '.kind'), SPAN_KIND_NAMES, 'SpanKind'),
    startTimeUnixNano: fixed64At(object.startTimeUnixNano ?? object.start_time_unix_nano, memberPath(path, '.startTimeUnixNano')),
    endTimeUnixNano: fixed64At(object.endTimeUnixNano ?? object.end_time_unix_nano, memberPath(path, '.endTimeUnixNano')),
    attributes: readKeyValuesJson(object.attributes, memberPath(path, '.attributes'), 0),
    events: readEvents(object.events, memberPath(path, '.events')),
    links: readLinks(object.links, memberPath(path, '.links')),
    status: rawStatus === undefined || rawStatus === null ? { code: 0 } : readStatus(rawStatus, memberPath(path, '.status')),
  };
  const traceState = stringAt(object.traceState ?? object.trace_state, memberPath(path, '.traceState'));
  if (traceState !== '') span.traceState = traceState;
  const parentSpanId = idAt(object.parentSpanId ?? object.parent_span_id, memberPath(path, '.parentSpanId'));
  if (parentSpanId !== '') span.parentSpanId = parentSpanId;
  const flags = uint32At(object.flags, memberPath(path, '.flags'));
  if (flags !== 0) span.flags = flags;
  const droppedAttributes = uint32At(
    object.droppedAttributesCount ?? object.dropped_attributes_count,
    memberPath(path, '.droppedAttributesCount'),
  );
  if (droppedAttributes !== 0) span.droppedAttributesCount = droppedAttributes;
  const droppedEvents = uint32At(object.droppedEventsCount ?? object.dropped_events_count, memberPath(path, '.droppedEventsCount'));
  if (droppedEvents !== 0) span.droppedEventsCount = droppedEvents;
  const droppedLinks = uint32At(object.droppedLinksCount ?? object.dropped_links_count, memberPath(path, '.droppedLinksCount'));
  if (droppedLinks !== 0) span.droppedLinksCount = droppedLinks;
  return span;
}

function readEvents(raw: unknown, path: string): OtlpEvent[] {
  const items = arrayAt(raw, path);
  const events: OtlpEvent[] = new Array(items.length);
  for (let index = 0; index < items.length; index++) {
    const itemPath = listItemPath(path, '', index);
    const object = objectAt(items[index], itemPath);
    const event: OtlpEvent = {
      timeUnixNano: fixed64At(object.timeUnixNano ?? object.time_unix_nano, memberPath(itemPath, '.timeUnixNano')),
      name: stringAt(object.name, memberPath(itemPath, '.name')),
      attributes: readKeyValuesJson(object.attributes, memberPath(itemPath, '.attributes'), 0),
    };
    const dropped = uint32At(
      object.droppedAttributesCount ?? object.dropped_attributes_count,
      memberPath(itemPath, '.droppedAttributesCount'),
    );
    if (dropped !== 0) event.droppedAttributesCount = dropped;
    events[index] = event;
  }
  return events;
}

function readLinks(raw: unknown, path: string): OtlpLink[] {
  const items = arrayAt(raw, path);
  const links: OtlpLink[] = new Array(items.length);
  for (let index = 0; index < items.length; index++) {
    const itemPath = listItemPath(path, '', index);
    const object = objectAt(items[index], itemPath);
    const link: OtlpLink = {
      traceId: idAt(object.traceId ?? object.trace_id, memberPath(itemPath, '.traceId')),
      spanId: idAt(object.spanId ?? object.span_id, memberPath(itemPath, '.spanId')),
      attributes: readKeyValuesJson(object.attributes, memberPath(itemPath, '.attributes'), 0),
    };
    const traceState = stringAt(object.traceState ?? object.trace_state, memberPath(itemPath, '.traceState'));
    if (traceState !== '') link.traceState = traceState;
    const dropped = uint32At(
      object.droppedAttributesCount ?? object.dropped_attributes_count,
      memberPath(itemPath, '.droppedAttributesCount'),
    );
    if (dropped !== 0) link.droppedAttributesCount = dropped;
    const flags = uint32At(object.flags, memberPath(itemPath, '.flags'));
    if (flags !== 0) link.flags = flags;
    links[index] = link;
  }
  return links;
}

function readStatus(raw: unknown, path: string): OtlpStatus {
  const object = objectAt(raw, path);
  const status: OtlpStatus = { code: enumAt(object.code, memberPath(path, '.code'), STATUS_CODE_NAMES, 'StatusCode') };
  const message = stringAt(object.message, memberPath(path, '.message'));
  if (message !== '') status.message = message;
  return status;
}
