/**
 * The one decoded form of OTLP requests, whichever wire format they came in.
 *
 * It follows the OTLP/JSON mapping (proto3 JSON with the OTLP exceptions): ids are lowercase hex,
 * enums are numbers, 64-bit integers are decimal strings so nothing is rounded, bytes are base64.
 * Both decoders (protobuf and JSON) must produce exactly this shape, so everything downstream
 * (assembly, storage, GenAI understanding, export) has a single input type.
 *
 * Optional fields are omitted when absent or default, as proto3 JSON does.
 */

export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  /** int64 as a decimal string: exact beyond 2^53. */
  intValue?: string;
  /** May be NaN or ±Infinity. */
  doubleValue?: number;
  arrayValue?: { values: AnyValue[] };
  kvlistValue?: { values: KeyValue[] };
  /** base64 (standard alphabet, padded). */
  bytesValue?: string;
}

export interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface Resource {
  attributes: KeyValue[];
  droppedAttributesCount?: number;
}

export interface InstrumentationScope {
  name: string;
  version?: string;
  attributes?: KeyValue[];
  droppedAttributesCount?: number;
}

/** OTLP `Span.SpanKind` numbering (INTERNAL = 1), not the JS API's (INTERNAL = 0). */
export const enum OtlpSpanKind {
  Unspecified = 0,
  Internal = 1,
  Server = 2,
  Client = 3,
  Producer = 4,
  Consumer = 5,
}

/** OTLP `Status.StatusCode`. */
export const enum OtlpStatusCode {
  Unset = 0,
  Ok = 1,
  Error = 2,
}

export interface OtlpEvent {
  /** Unix nanoseconds, decimal string. */
  timeUnixNano: string;
  name: string;
  attributes: KeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpLink {
  traceId: string;
  spanId: string;
  traceState?: string;
  attributes: KeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
}

export interface OtlpStatus {
  code: number;
  message?: string;
}

export interface OtlpSpan {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  traceState?: string;
  /** Absent for a root span. */
  parentSpanId?: string;
  flags?: number;
  name: string;
  kind: number;
  /** Unix nanoseconds, decimal string. */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: KeyValue[];
  droppedAttributesCount?: number;
  events: OtlpEvent[];
  droppedEventsCount?: number;
  links: OtlpLink[];
  droppedLinksCount?: number;
  status: OtlpStatus;
}

export interface ScopeSpans {
  scope?: InstrumentationScope;
  spans: OtlpSpan[];
  schemaUrl?: string;
}

export interface ResourceSpans {
  resource?: Resource;
  scopeSpans: ScopeSpans[];
  schemaUrl?: string;
}

export interface ExportTraceServiceRequest {
  resourceSpans: ResourceSpans[];
}

export interface OtlpLogRecord {
  timeUnixNano?: string;
  observedTimeUnixNano?: string;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue;
  attributes: KeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
  /** Hex; absent when the record carries no trace context. */
  traceId?: string;
  spanId?: string;
  eventName?: string;
}

export interface ScopeLogs {
  scope?: InstrumentationScope;
  logRecords: OtlpLogRecord[];
  schemaUrl?: string;
}

export interface ResourceLogs {
  resource?: Resource;
  scopeLogs: ScopeLogs[];
  schemaUrl?: string;
}

export interface ExportLogsServiceRequest {
  resourceLogs: ResourceLogs[];
}

/** What a receiver tells the sender about spans or log records it could not accept. */
export interface PartialSuccess {
  rejected: number;
  errorMessage: string;
}

/** Which OTLP metric data field a metric carried. */
export type OtlpMetricType = 'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary';

/**
 * One data point, reduced to what Loupe reads: a gauge or sum carries `value`; histograms and
 * summaries carry `count` and `sum` (with `min` and `max` when sent). Buckets, quantiles and
 * exemplars are read past, not kept.
 */
export interface OtlpMetricPoint {
  attributes: KeyValue[];
  /** Unix nanoseconds, decimal string; "0" when absent. */
  startTimeUnixNano: string;
  timeUnixNano: string;
  value?: number;
  count?: number;
  sum?: number;
  min?: number;
  max?: number;
}

export interface OtlpMetric {
  name: string;
  description?: string;
  unit?: string;
  type: OtlpMetricType;
  /** OTLP `AggregationTemporality`: 1 delta, 2 cumulative; absent for gauges and summaries. */
  temporality?: number;
  isMonotonic?: boolean;
  points: OtlpMetricPoint[];
}

export interface ScopeMetrics {
  scope?: InstrumentationScope;
  metrics: OtlpMetric[];
  schemaUrl?: string;
}

export interface ResourceMetrics {
  resource?: Resource;
  scopeMetrics: ScopeMetrics[];
  schemaUrl?: string;
}

export interface ExportMetricsServiceRequest {
  resourceMetrics: ResourceMetrics[];
}
