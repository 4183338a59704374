import { readKeyValue, readResource, readScope } from './decodeCommonProtobuf';
import type {
  ExportTraceServiceRequest,
  InstrumentationScope,
  KeyValue,
  OtlpEvent,
  OtlpLink,
  OtlpSpan,
  OtlpStatus,
  Resource,
  ResourceSpans,
  ScopeSpans,
} from '../../model/otlpTypes';
import { ProtobufReader } from './protobufReader';

// Field names by number, for wrong-wire-type errors (opentelemetry/proto/trace/v1/trace.proto).
const REQUEST_FIELDS = ['', 'resource_spans'];
const RESOURCE_SPANS_FIELDS = ['', 'resource', 'scope_spans', 'schema_url'];
const SCOPE_SPANS_FIELDS = ['', 'scope', 'spans', 'schema_url'];
const SPAN_FIELDS = [
  '',
  'trace_id',
  'span_id',
  'trace_state',
  'parent_span_id',
  'name',
  'kind',
  'start_time_unix_nano',
  'end_time_unix_nano',
  'attributes',
  'dropped_attributes_count',
  'events',
  'dropped_events_count',
  'links',
  'dropped_links_count',
  'status',
  'flags',
];
const EVENT_FIELDS = ['', 'time_unix_nano', 'name', 'attributes', 'dropped_attributes_count'];
const LINK_FIELDS = ['', 'trace_id', 'span_id', 'trace_state', 'attributes', 'dropped_attributes_count', 'flags'];
const STATUS_FIELDS = ['', '', 'message', 'code'];

/** Field 1000 of ResourceSpans: the pre-1.0 `instrumentation_library_spans`, laid out like `scope_spans`. */
const LEGACY_SCOPE_SPANS_TAG = (1000 << 3) | 2;

/** Decodes a protobuf `ExportTraceServiceRequest` into the OTLP/JSON-shaped form of model.ts. */
export function decodeTraceRequestProtobuf(bytes: Uint8Array): ExportTraceServiceRequest {
  const reader = new ProtobufReader(bytes);
  const end = bytes.length;
  const resourceSpans: ResourceSpans[] = [];
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | 2)) resourceSpans.push(readResourceSpans(reader, end));
    else reader.skip(tag, end, 'ExportTraceServiceRequest', REQUEST_FIELDS);
  }
  return { resourceSpans };
}

function readResourceSpans(reader: ProtobufReader, limit: number): ResourceSpans {
  const end = reader.fieldEnd(limit);
  let resource: Resource | undefined;
  const scopeSpans: ScopeSpans[] = [];
  let schemaUrl = '';
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((2 << 3) | 2) || tag === LEGACY_SCOPE_SPANS_TAG) scopeSpans.push(readScopeSpans(reader, end));
    else if (tag === ((1 << 3) | 2)) resource = readResource(reader, end);
    else if (tag === ((3 << 3) | 2)) schemaUrl = reader.string(end);
    else reader.skip(tag, end, 'ResourceSpans', RESOURCE_SPANS_FIELDS);
  }
  reader.finish(end, 'ResourceSpans');
  const result: ResourceSpans = resource === undefined ? { scopeSpans } : { resource, scopeSpans };
  if (schemaUrl !== '') result.schemaUrl = schemaUrl;
  return result;
}

function readScopeSpans(reader: ProtobufReader, limit: number): ScopeSpans {
  const end = reader.fieldEnd(limit);
  let scope: InstrumentationScope | undefined;
  const spans: OtlpSpan[] = [];
  let schemaUrl = '';
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((2 << 3) | 2)) spans.push(readSpan(reader, end));
    else if (tag === ((1 << 3) | 2)) scope = readScope(reader, end);
    else if (tag === ((3 << 3) | 2)) schemaUrl = reader.string(end);
    else reader.skip(tag, end, 'ScopeSpans', SCOPE_SPANS_FIELDS);
  }
  reader.finish(end, 'ScopeSpans');
  const result: ScopeSpans = scope === undefined ? { spans } : { scope, spans };
  if (schemaUrl !== '') result.schemaUrl = schemaUrl;
  return result;
}

function readSpan(reader: ProtobufReader, limit: number): OtlpSpan {
  const end = reader.fieldEnd(limit);
  let traceId = '';
  let spanId = '';
  let traceState = '';
  let parentSpanId = '';
  let flags = 0;
  let name = '';
  let kind = 0;
  let startTimeUnixNano = '0';
  let endTimeUnixNano = '0';
  const attributes: KeyValue[] = [];
  let droppedAttributesCount = 0;
  const events: OtlpEvent[] = [];
  let droppedEventsCount = 0;
  const links: OtlpLink[] = [];
  let droppedLinksCount = 0;
  let status: OtlpStatus | undefined;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case (1 << 3) | 2:
        traceId = reader.hex(end);
        break;
      case (2 << 3) | 2:
        spanId = reader.hex(end);
        break;
      case (3 << 3) | 2:
        traceState = reader.string(end);
        break;
      case (4 << 3) | 2:
        parentSpanId = reader.hex(end);
        break;
      case (5 << 3) | 2:
        name = reader.string(end);
        break;
      case (6 << 3) | 0:
        kind = reader.varint32() | 0;
        break;
      case (7 << 3) | 1:
        startTimeUnixNano = reader.fixed64();
        break;
      case (8 << 3) | 1:
        endTimeUnixNano = reader.fixed64();
        break;
      case (9 << 3) | 2:
        attributes.push(readKeyValue(reader, end, 0, true));
        break;
      case (10 << 3) | 0:
        droppedAttributesCount = reader.varint32();
        break;
      case (11 << 3) | 2:
        events.push(readEvent(reader, end));
        break;
      case (12 << 3) | 0:
        droppedEventsCount = reader.varint32();
        break;
      case (13 << 3) | 2:
        links.push(readLink(reader, end));
        break;
      case (14 << 3) | 0:
        droppedLinksCount = reader.varint32();
        break;
      case (15 << 3) | 2:
        status = readStatus(reader, end);
        break;
      case (16 << 3) | 5:
        flags = reader.fixed32();
        break;
      default:
        reader.skip(tag, end, 'Span', SPAN_FIELDS);
    }
  }
  reader.finish(end, 'Span');
  const span: OtlpSpan = {
    traceId,
    spanId,
    name,
    kind,
    startTimeUnixNano,
    endTimeUnixNano,
    attributes,
    events,
    links,
    status: status ?? { code: 0 },
  };
  if (traceState !== '') span.traceState = traceState;
  if (parentSpanId !== '') span.parentSpanId = parentSpanId;
  if (flags !== 0) span.flags = flags;
  if (droppedAttributesCount !== 0) span.droppedAttributesCount = droppedAttributesCount;
  if (droppedEventsCount !== 0) span.droppedEventsCount = droppedEventsCount;
  if (droppedLinksCount !== 0) span.droppedLinksCount = droppedLinksCount;
  return span;
}

function readEvent(reader: ProtobufReader, limit: number): OtlpEvent {
  const end = reader.fieldEnd(limit);
  let timeUnixNano = '0';
  let name = '';
  const attributes: KeyValue[] = [];
  let droppedAttributesCount = 0;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | 1)) timeUnixNano = reader.fixed64();
    else if (tag === ((2 << 3) | 2)) name = reader.string(end);
    else if (tag === ((3 << 3) | 2)) attributes.push(readKeyValue(reader, end, 0, true));
    else if (tag === ((4 << 3) | 0)) droppedAttributesCount = reader.varint32();
    else reader.skip(tag, end, 'Span.Event', EVENT_FIELDS);
  }
  reader.finish(end, 'Span.Event');
  const event: OtlpEvent = { timeUnixNano, name, attributes };
  if (droppedAttributesCount !== 0) event.droppedAttributesCount = droppedAttributesCount;
  return event;
}

function readLink(reader: ProtobufReader, limit: number): OtlpLink {
  const end = reader.fieldEnd(limit);
  let traceId = '';
  let spanId = '';
  let traceState = '';
  const attributes: KeyValue[] = [];
  let droppedAttributesCount = 0;
  let flags = 0;
  while (reader.pos < end) {
    const tag = reader.tag();
    switch (tag) {
      case (1 << 3) | 2:
        traceId = reader.hex(end);
        break;
      case (2 << 3) | 2:
        spanId = reader.hex(end);
        break;
      case (3 << 3) | 2:
        traceState = reader.string(end);
        break;
      case (4 << 3) | 2:
        attributes.push(readKeyValue(reader, end, 0));
        break;
      case (5 << 3) | 0:
        droppedAttributesCount = reader.varint32();
        break;
      case (6 << 3) | 5:
        flags = reader.fixed32();
        break;
      default:
        reader.skip(tag, end, 'Span.Link', LINK_FIELDS);
    }
  }
  reader.finish(end, 'Span.Link');
  const link: OtlpLink = { traceId, spanId, attributes };
  if (traceState !== '') link.traceState = traceState;
  if (droppedAttributesCount !== 0) link.droppedAttributesCount = droppedAttributesCount;
  if (flags !== 0) link.flags = flags;
  return link;
}

function readStatus(reader: ProtobufReader, limit: number): OtlpStatus {
  const end = reader.fieldEnd(limit);
  let code = 0;
  let message = '';
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((3 << 3) | 0)) code = reader.varint32() | 0;
    else if (tag === ((2 << 3) | 2)) message = reader.string(end);
    else reader.skip(tag, end, 'Status', STATUS_FIELDS);
  }
  reader.finish(end, 'Status');
  const status: OtlpStatus = { code };
  if (message !== '') status.message = message;
  return status;
}
