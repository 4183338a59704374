import { createTraceState, SpanKind, type Attributes, type HrTime, type Link, type SpanContext, type TraceState } from '@opentelemetry/api';
import type { InstrumentationScope as SdkScope } from '@opentelemetry/core';
import { resourceFromAttributes, type Resource as SdkResource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace';
import type { ExportTraceServiceRequest, InstrumentationScope, OtlpEvent, OtlpLink, OtlpSpan, ResourceSpans } from '../../model/otlpTypes';
import { attributesOf, resourceAttributesOf, type ValueStyle } from './attributeValues';
import { parseSpanId, parseTraceId } from '../../model/ids';

/** Thrown for a request that cannot be forwarded as it is (malformed ids or times). */
export class UnforwardableTraceError extends Error {
  override readonly name = 'UnforwardableTraceError';
}

/** The SDK scope type has no attributes, but the OTLP encoder writes them when present. */
type ScopeWithAttributes = SdkScope & { attributes?: Attributes; droppedAttributesCount?: number };

const UNSIGNED_DECIMAL = /^[0-9]{1,20}$/;
const NANOS_PER_SECOND = 1_000_000_000;
const FLAG_IS_REMOTE = 0x200;

/** OTLP numbers kinds from UNSPECIFIED = 0; the JS API from INTERNAL = 0 and has no "unspecified". */
const KIND_FROM_OTLP: Readonly<Record<number, SpanKind>> = {
  1: SpanKind.INTERNAL,
  2: SpanKind.SERVER,
  3: SpanKind.CLIENT,
  4: SpanKind.PRODUCER,
  5: SpanKind.CONSUMER,
};

export interface ReadableSpanOptions {
  /** `otlp` (default) keeps structured attribute values; `text` flattens them for Zipkin tags. */
  valueStyle?: ValueStyle;
}

/**
 * Stored spans as the OpenTelemetry SDK's `ReadableSpan`, so the official encoders can write them.
 *
 * Exact: ids, parent, name, kind, times to the nanosecond, attributes (see attributeValues.ts for
 * the lossy values), events, links, status, dropped counts, trace state, resource and scope with
 * their schema URLs. What the official OTLP encoder changes on the way out:
 * - span and link `flags`: the low 8 bits (W3C trace flags) are kept and the encoder always sets
 *   the "has is-remote" bit (0x100), so a sender that never set it gains it; the is-remote bit
 *   (0x200) is kept on links and on spans with a parent;
 * - a kind outside OTLP's 0–5 is sent as UNSPECIFIED;
 * - `Resource.droppedAttributesCount` is always sent as 0;
 * - a missing resource or scope is sent as an empty one.
 */
export function toReadableSpans(request: ExportTraceServiceRequest, options: ReadableSpanOptions = {}): ReadableSpan[] {
  const style = options.valueStyle ?? 'otlp';
  const spans: ReadableSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    // One resource and one scope object per group: the encoder groups spans by object identity.
    const resource = resourceOf(resourceSpans, style);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      const scope = scopeOf(scopeSpans.scope, scopeSpans.schemaUrl, style);
      for (const span of scopeSpans.spans ?? []) spans.push(readableSpanOf(span, resource, scope, style));
    }
  }
  return spans;
}

function resourceOf(resourceSpans: ResourceSpans, style: ValueStyle): SdkResource {
  const attributes = resourceAttributesOf(resourceSpans.resource?.attributes, style);
  return resourceFromAttributes(attributes, resourceSpans.schemaUrl ? { schemaUrl: resourceSpans.schemaUrl } : undefined);
}

function scopeOf(scope: InstrumentationScope | undefined, schemaUrl: string | undefined, style: ValueStyle): ScopeWithAttributes {
  return {
    name: scope?.name ?? '',
    version: scope?.version,
    schemaUrl,
    attributes: scope?.attributes && attributesOf(scope.attributes, style),
    droppedAttributesCount: scope?.droppedAttributesCount,
  };
}

function readableSpanOf(span: OtlpSpan, resource: SdkResource, scope: ScopeWithAttributes, style: ValueStyle): ReadableSpan {
  const traceId = idOf(span.traceId, parseTraceId, 'trace id', span);
  const spanId = idOf(span.spanId, parseSpanId, 'span id', span);
  const flags = span.flags ?? 0;
  const traceFlags = flags & 0xff;
  const traceState = traceStateOf(span.traceState);
  const context: SpanContext = { traceId, spanId, traceFlags, traceState, isRemote: false };
  const parentSpanContext: SpanContext | undefined = span.parentSpanId
    ? {
        traceId,
        spanId: idOf(span.parentSpanId, parseSpanId, 'parent span id', span),
        traceFlags,
        isRemote: (flags & FLAG_IS_REMOTE) !== 0,
      }
    : undefined;
  const startTime = hrTimeOf(span.startTimeUnixNano, 'start time', span);
  const endTime = hrTimeOf(span.endTimeUnixNano, 'end time', span);
  return {
    name: span.name,
    // Absent for UNSPECIFIED (and out-of-range values), which the encoder then writes as 0.
    kind: KIND_FROM_OTLP[span.kind] as SpanKind,
    spanContext: () => context,
    parentSpanContext,
    startTime,
    endTime,
    duration: durationOf(startTime, endTime),
    ended: true,
    status: { code: span.status?.code ?? 0, message: span.status?.message },
    attributes: attributesOf(span.attributes, style),
    events: (span.events ?? []).map((event) => eventOf(event, span, style)),
    links: (span.links ?? []).map((link) => linkOf(link, span, style)),
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: span.droppedAttributesCount ?? 0,
    droppedEventsCount: span.droppedEventsCount ?? 0,
    droppedLinksCount: span.droppedLinksCount ?? 0,
  };
}

function eventOf(event: OtlpEvent, span: OtlpSpan, style: ValueStyle): TimedEvent {
  return {
    time: hrTimeOf(event.timeUnixNano, `time of event "${event.name}"`, span),
    name: event.name,
    attributes: attributesOf(event.attributes, style),
    droppedAttributesCount: event.droppedAttributesCount ?? 0,
  };
}

function linkOf(link: OtlpLink, span: OtlpSpan, style: ValueStyle): Link {
  const flags = link.flags ?? 0;
  return {
    context: {
      traceId: idOf(link.traceId, parseTraceId, 'linked trace id', span),
      spanId: idOf(link.spanId, parseSpanId, 'linked span id', span),
      traceFlags: flags & 0xff,
      traceState: traceStateOf(link.traceState),
      isRemote: (flags & FLAG_IS_REMOTE) !== 0,
    },
    attributes: attributesOf(link.attributes, style),
    droppedAttributesCount: link.droppedAttributesCount ?? 0,
  };
}

function idOf(id: string | undefined, parse: (text: unknown) => string | undefined, what: string, span: OtlpSpan): string {
  const parsed = parse(id);
  if (parsed === undefined) throw new UnforwardableTraceError(`Span "${span.name}" has an invalid ${what}: ${JSON.stringify(id)}.`);
  return parsed;
}

const MAX_UINT64 = '18446744073709551615';

/**
 * Unix nanoseconds (decimal text, up to 2^64 - 1) as `[seconds, nanoseconds]`, split on the text
 * so nothing goes through a double (BigInt is exact too, but several times slower per span).
 */
function hrTimeOf(text: string | undefined, what: string, span: OtlpSpan): HrTime {
  if (typeof text !== 'string' || !UNSIGNED_DECIMAL.test(text) || (text.length === MAX_UINT64.length && text > MAX_UINT64)) {
    throw new UnforwardableTraceError(`Span "${span.name}" has an invalid ${what}: ${JSON.stringify(text)}.`);
  }
  if (text.length <= 9) return [0, Number(text)];
  return [Number(text.slice(0, -9)), Number(text.slice(-9))];
}

function durationOf([startSeconds, startNanos]: HrTime, [endSeconds, endNanos]: HrTime): HrTime {
  let seconds = endSeconds - startSeconds;
  let nanos = endNanos - startNanos;
  if (nanos < 0) {
    seconds -= 1;
    nanos += NANOS_PER_SECOND;
  }
  // A span that ends before it starts has no meaningful duration; Zipkin gets 0 rather than a negative.
  return seconds < 0 ? [0, 0] : [seconds, nanos];
}

/**
 * The trace state as received: the SDK's parser normalizes and drops entries it finds invalid,
 * while a forward should pass on exactly what the sender wrote.
 */
function traceStateOf(raw: string | undefined): TraceState | undefined {
  if (!raw) return undefined;
  const parsed = createTraceState(raw);
  return {
    set: (key, value) => parsed.set(key, value),
    unset: (key) => parsed.unset(key),
    get: (key) => parsed.get(key),
    serialize: () => raw,
  };
}
