import type { AnyValue, KeyValue, OtlpEvent } from '../../../src/model/otlpTypes';
import type { StoredLog, StoredSpan } from '../../../src/model/storedTrace';

export type PlainValue = string | number | boolean | null | PlainValue[] | { [key: string]: PlainValue };
export type PlainAttributes = Record<string, PlainValue>;

/** A plain value in the decoded OTLP form (integers as decimal strings). */
export function otlpValue(value: PlainValue): AnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  if (value === null) return {};
  if (Array.isArray(value)) return { arrayValue: { values: value.map(otlpValue) } };
  return { kvlistValue: { values: otlpAttributes(value) } };
}

export function otlpAttributes(attributes: PlainAttributes): KeyValue[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: otlpValue(value) }));
}

export interface SpanSpec {
  name?: string;
  attributes?: PlainAttributes;
  /** OTLP numbering: 1 INTERNAL, 3 CLIENT. */
  kind?: number;
  status?: { code: number; message?: string };
  events?: Array<{ name: string; attributes?: PlainAttributes; timeMs?: number }>;
  spanId?: string;
  parentSpanId?: string;
  traceId?: string;
  startMs?: number;
  endMs?: number;
}

const BASE_MS = 1_795_279_085_000;

export function nanos(ms: number): string {
  return `${Math.round((BASE_MS + ms) * 1000)}000`;
}

let counter = 0;

/** A stored span in the canonical decoded form, times in ms relative to a fixed base. */
export function makeSpan(spec: SpanSpec = {}): StoredSpan {
  counter++;
  const events: OtlpEvent[] = (spec.events ?? []).map((e) => ({
    name: e.name,
    timeUnixNano: nanos(e.timeMs ?? 0),
    attributes: otlpAttributes(e.attributes ?? {}),
  }));
  return {
    traceId: spec.traceId ?? '0af7651916cd43dd8448eb211c80319c',
    spanId: spec.spanId ?? counter.toString(16).padStart(16, '0'),
    parentSpanId: spec.parentSpanId,
    name: spec.name ?? 'span',
    kind: spec.kind ?? 1,
    startTimeUnixNano: nanos(spec.startMs ?? 0),
    endTimeUnixNano: nanos(spec.endMs ?? 100),
    attributes: otlpAttributes(spec.attributes ?? {}),
    events,
    links: [],
    status: spec.status ?? { code: 0 },
    resourceIndex: 0,
    scopeIndex: 0,
  };
}

export interface LogSpec {
  eventName?: string;
  body?: PlainValue;
  attributes?: PlainAttributes;
  timeMs?: number;
  spanId?: string;
}

export function makeLog(spec: LogSpec): StoredLog {
  return {
    timeUnixNano: nanos(spec.timeMs ?? 0),
    eventName: spec.eventName,
    body: spec.body === undefined ? undefined : otlpValue(spec.body),
    attributes: otlpAttributes(spec.attributes ?? {}),
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: spec.spanId,
    resourceIndex: 0,
    scopeIndex: 0,
  };
}

export const NO_CONTEXT = { resource: { attributes: otlpAttributes({ 'service.name': 'test-service' }) }, scope: { name: 'test' } };
