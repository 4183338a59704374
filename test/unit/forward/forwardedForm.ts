import type { AnyValue, ExportTraceServiceRequest, KeyValue, OtlpSpan, ResourceSpans } from '../../../src/model/otlpTypes';
import { jsonTextOf } from '../../../src/core/forward/attributeValues';

/**
 * What a request looks like after a forward through the official OTLP encoder, decoded again:
 * the original with exactly the documented lossy rules applied (readableSpanAdapter.ts,
 * attributeValues.ts). A round trip that differs from this in anything else is a bug.
 */
export function forwardedForm(request: ExportTraceServiceRequest): ExportTraceServiceRequest {
  const resourceSpans: ResourceSpans[] = [];
  for (const group of request.resourceSpans) {
    const scopeSpans = group.scopeSpans
      .filter((scope) => scope.spans.length > 0)
      .map((scope) => {
        const out: ResourceSpans['scopeSpans'][number] = { scope: scopeForm(scope.scope), spans: scope.spans.map(spanForm) };
        if (scope.schemaUrl) out.schemaUrl = scope.schemaUrl;
        return out;
      });
    // The encoder writes a resource per group of spans; a group without spans disappears.
    if (scopeSpans.length === 0) continue;
    const out: ResourceSpans = { resource: { attributes: resourceAttributesForm(group.resource?.attributes ?? []) }, scopeSpans };
    if (group.schemaUrl) out.schemaUrl = group.schemaUrl;
    resourceSpans.push(out);
  }
  return { resourceSpans };
}

function scopeForm(scope: ResourceSpans['scopeSpans'][number]['scope']): NonNullable<typeof scope> {
  const out: NonNullable<typeof scope> = { name: scope?.name ?? '' };
  if (scope?.version) out.version = scope.version;
  if (scope?.attributes) out.attributes = attributesForm(scope.attributes);
  if (scope?.droppedAttributesCount) out.droppedAttributesCount = scope.droppedAttributesCount;
  return out;
}

/** Low 8 bits kept, "has is-remote" always set, "is remote" kept where the encoder has a parent or link context to carry it. */
function flagsForm(flags: number | undefined, carriesRemote: boolean): number {
  const value = flags ?? 0;
  return ((value & 0xff) | 0x100 | (carriesRemote ? value & 0x200 : 0)) >>> 0;
}

function spanForm(span: OtlpSpan): OtlpSpan {
  const out: OtlpSpan = {
    traceId: span.traceId.toLowerCase(),
    spanId: span.spanId.toLowerCase(),
    name: span.name,
    kind: span.kind >= 1 && span.kind <= 5 ? span.kind : 0,
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
    attributes: attributesForm(span.attributes),
    events: span.events.map((event) => {
      const formed: OtlpSpan['events'][number] = {
        timeUnixNano: event.timeUnixNano,
        name: event.name,
        attributes: attributesForm(event.attributes),
      };
      if (event.droppedAttributesCount) formed.droppedAttributesCount = event.droppedAttributesCount;
      return formed;
    }),
    links: span.links.map((link) => {
      const formed: OtlpSpan['links'][number] = { traceId: link.traceId, spanId: link.spanId, attributes: attributesForm(link.attributes) };
      if (link.traceState) formed.traceState = link.traceState;
      if (link.droppedAttributesCount) formed.droppedAttributesCount = link.droppedAttributesCount;
      formed.flags = flagsForm(link.flags, true);
      return formed;
    }),
    status: span.status.message ? { code: span.status.code, message: span.status.message } : { code: span.status.code },
  };
  if (span.traceState) out.traceState = span.traceState;
  if (span.parentSpanId) out.parentSpanId = span.parentSpanId.toLowerCase();
  out.flags = flagsForm(span.flags, Boolean(span.parentSpanId));
  if (span.droppedAttributesCount) out.droppedAttributesCount = span.droppedAttributesCount;
  if (span.droppedEventsCount) out.droppedEventsCount = span.droppedEventsCount;
  if (span.droppedLinksCount) out.droppedLinksCount = span.droppedLinksCount;
  return out;
}

/** Duplicate keys: last value at the first position; index-like keys first (JavaScript object order). */
function dedupedKeys(keyValues: readonly KeyValue[]): KeyValue[] {
  const object: Record<string, AnyValue> = Object.create(null) as Record<string, AnyValue>;
  for (const { key, value } of keyValues) object[key] = value;
  return Object.keys(object).map((key) => ({ key, value: object[key] }));
}

function attributesForm(keyValues: readonly KeyValue[]): KeyValue[] {
  return dedupedKeys(keyValues).map(({ key, value }) => ({ key, value: valueForm(value) }));
}

function valueForm(value: AnyValue): AnyValue {
  if (value.intValue !== undefined) {
    return Number.isSafeInteger(Number(value.intValue)) ? { intValue: String(Number(value.intValue)) } : { stringValue: value.intValue };
  }
  if (value.doubleValue !== undefined) return doubleForm(value.doubleValue);
  if (value.arrayValue) return { arrayValue: { values: value.arrayValue.values.map(valueForm) } };
  if (value.kvlistValue) return { kvlistValue: { values: attributesForm(value.kvlistValue.values) } };
  return { ...value };
}

/** The encoder writes a whole-number double inside the int64 range as an int. */
function doubleForm(double: number): AnyValue {
  if (Number.isInteger(double) && double >= -(2 ** 63) && double < 2 ** 63) return { intValue: BigInt(double).toString() };
  return { doubleValue: double };
}

/** `resourceFromAttributes` keeps scalars and one-type arrays; others arrive as JSON text; empty keys are dropped. */
function resourceAttributesForm(keyValues: readonly KeyValue[]): KeyValue[] {
  return dedupedKeys(keyValues)
    .filter(({ key }) => key !== '')
    .map(({ key, value }) => ({ key, value: isSimple(value) ? valueForm(value) : { stringValue: jsonTextOf(value) } }));
}

function scalarType(value: AnyValue): string | undefined {
  if (value.stringValue !== undefined) return 'string';
  if (value.boolValue !== undefined) return 'boolean';
  if (value.intValue !== undefined) return Number.isSafeInteger(Number(value.intValue)) ? 'number' : 'string';
  if (value.doubleValue !== undefined) return 'number';
  return undefined;
}

function isSimple(value: AnyValue): boolean {
  if (scalarType(value)) return true;
  if (!value.arrayValue) return false;
  const types = new Set<string>();
  for (const item of value.arrayValue.values) {
    if (Object.keys(item).length === 0) continue;
    const type = scalarType(item);
    if (!type) return false;
    types.add(type);
  }
  return types.size <= 1;
}
