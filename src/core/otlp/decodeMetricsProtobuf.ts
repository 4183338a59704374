import { readKeyValue, readResource, readScope } from './decodeCommonProtobuf';
import type {
  ExportMetricsServiceRequest,
  InstrumentationScope,
  KeyValue,
  OtlpMetric,
  OtlpMetricPoint,
  OtlpMetricType,
  Resource,
  ResourceMetrics,
  ScopeMetrics,
} from '../../model/otlpTypes';
import { ProtobufReader } from './protobufReader';

// Field names by number, for wrong-wire-type errors (opentelemetry/proto/metrics/v1/metrics.proto).
const REQUEST_FIELDS = ['', 'resource_metrics'];
const RESOURCE_METRICS_FIELDS = ['', 'resource', 'scope_metrics', 'schema_url'];
const SCOPE_METRICS_FIELDS = ['', 'scope', 'metrics', 'schema_url'];
const METRIC_FIELDS = [
  '',
  'name',
  'description',
  'unit',
  '',
  'gauge',
  '',
  'sum',
  '',
  'histogram',
  'exponential_histogram',
  'summary',
  'metadata',
];
const DATA_FIELDS = ['', 'data_points', 'aggregation_temporality', 'is_monotonic'];
// Only the point fields read are named: a named field with another wire type is an error; exemplars,
// flags, buckets and quantiles are read past whatever their wire type.
const NUMBER_POINT_FIELDS = ['', '', 'start_time_unix_nano', 'time_unix_nano', 'as_double', '', 'as_int', 'attributes'];
const HISTOGRAM_POINT_FIELDS = [
  '',
  '',
  'start_time_unix_nano',
  'time_unix_nano',
  'count',
  'sum',
  '',
  '',
  '',
  'attributes',
  '',
  'min',
  'max',
];
const EXPONENTIAL_POINT_FIELDS = [
  '',
  'attributes',
  'start_time_unix_nano',
  'time_unix_nano',
  'count',
  'sum',
  '',
  '',
  '',
  '',
  '',
  '',
  'min',
  'max',
];
const SUMMARY_POINT_FIELDS = ['', '', 'start_time_unix_nano', 'time_unix_nano', 'count', 'sum', '', 'attributes'];

/** Field 1000 of ResourceMetrics: the pre-1.0 `instrumentation_library_metrics`, laid out like `scope_metrics`. */
const LEGACY_SCOPE_METRICS_TAG = (1000 << 3) | 2;

const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;

/** Decodes a protobuf `ExportMetricsServiceRequest` into the reduced form of model.ts. */
export function decodeMetricsRequestProtobuf(bytes: Uint8Array): ExportMetricsServiceRequest {
  const reader = new ProtobufReader(bytes);
  const end = bytes.length;
  const resourceMetrics: ResourceMetrics[] = [];
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | 2)) resourceMetrics.push(readResourceMetrics(reader, end));
    else reader.skip(tag, end, 'ExportMetricsServiceRequest', REQUEST_FIELDS);
  }
  return { resourceMetrics };
}

function readResourceMetrics(reader: ProtobufReader, limit: number): ResourceMetrics {
  const end = reader.fieldEnd(limit);
  let resource: Resource | undefined;
  const scopeMetrics: ScopeMetrics[] = [];
  let schemaUrl = '';
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((2 << 3) | 2) || tag === LEGACY_SCOPE_METRICS_TAG) scopeMetrics.push(readScopeMetrics(reader, end));
    else if (tag === ((1 << 3) | 2)) resource = readResource(reader, end);
    else if (tag === ((3 << 3) | 2)) schemaUrl = reader.string(end);
    else reader.skip(tag, end, 'ResourceMetrics', RESOURCE_METRICS_FIELDS);
  }
  reader.finish(end, 'ResourceMetrics');
  const result: ResourceMetrics = resource === undefined ? { scopeMetrics } : { resource, scopeMetrics };
  if (schemaUrl !== '') result.schemaUrl = schemaUrl;
  return result;
}

function readScopeMetrics(reader: ProtobufReader, limit: number): ScopeMetrics {
  const end = reader.fieldEnd(limit);
  let scope: InstrumentationScope | undefined;
  const metrics: OtlpMetric[] = [];
  let schemaUrl = '';
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((2 << 3) | 2)) metrics.push(readMetric(reader, end));
    else if (tag === ((1 << 3) | 2)) scope = readScope(reader, end);
    else if (tag === ((3 << 3) | 2)) schemaUrl = reader.string(end);
    else reader.skip(tag, end, 'ScopeMetrics', SCOPE_METRICS_FIELDS);
  }
  reader.finish(end, 'ScopeMetrics');
  const result: ScopeMetrics = scope === undefined ? { metrics } : { scope, metrics };
  if (schemaUrl !== '') result.schemaUrl = schemaUrl;
  return result;
}

const DATA_TYPES: Readonly<Record<number, OtlpMetricType>> = {
  5: 'gauge',
  7: 'sum',
  9: 'histogram',
  10: 'exponentialHistogram',
  11: 'summary',
};

function readMetric(reader: ProtobufReader, limit: number): OtlpMetric {
  const end = reader.fieldEnd(limit);
  const metric: OtlpMetric = { name: '', type: 'gauge', points: [] };
  let description = '';
  let unit = '';
  while (reader.pos < end) {
    const tag = reader.tag();
    const field = tag >>> 3;
    const type = DATA_TYPES[field];
    if (type !== undefined && (tag & 7) === WIRE_LENGTH_DELIMITED) {
      // One data field per metric (a oneof); the last one sent wins, as protobuf parsers do.
      metric.type = type;
      metric.points = [];
      delete metric.temporality;
      delete metric.isMonotonic;
      readData(reader, end, metric);
    } else if (tag === ((1 << 3) | 2)) metric.name = reader.string(end);
    else if (tag === ((2 << 3) | 2)) description = reader.string(end);
    else if (tag === ((3 << 3) | 2)) unit = reader.string(end);
    else if (tag === ((12 << 3) | 2)) reader.pos = reader.fieldEnd(end);
    else reader.skip(tag, end, 'Metric', METRIC_FIELDS);
  }
  reader.finish(end, 'Metric');
  if (description !== '') metric.description = description;
  if (unit !== '') metric.unit = unit;
  return metric;
}

function readData(reader: ProtobufReader, limit: number, metric: OtlpMetric): void {
  const end = reader.fieldEnd(limit);
  const message = metric.type;
  while (reader.pos < end) {
    const tag = reader.tag();
    if (tag === ((1 << 3) | 2)) metric.points.push(readPoint(reader, end, metric.type));
    else if (tag === ((2 << 3) | 0) && message !== 'gauge' && message !== 'summary') metric.temporality = reader.varint32() | 0;
    else if (tag === ((3 << 3) | 0) && message === 'sum') metric.isMonotonic = reader.varint32() !== 0;
    else reader.skip(tag, end, message, message === 'gauge' || message === 'summary' ? DATA_FIELDS.slice(0, 2) : DATA_FIELDS);
  }
  reader.finish(end, message);
}

/** Field numbers of one point type: where its attributes, count, sum, min and max sit. */
interface PointLayout {
  names: readonly string[];
  attributes: number;
  count: number;
  sum: number;
  min: number;
  max: number;
}

const NUMBER_LAYOUT: PointLayout = { names: NUMBER_POINT_FIELDS, attributes: 7, count: -1, sum: -1, min: -1, max: -1 };
const HISTOGRAM_LAYOUT: PointLayout = { names: HISTOGRAM_POINT_FIELDS, attributes: 9, count: 4, sum: 5, min: 11, max: 12 };
const EXPONENTIAL_LAYOUT: PointLayout = { names: EXPONENTIAL_POINT_FIELDS, attributes: 1, count: 4, sum: 5, min: 12, max: 13 };
const SUMMARY_LAYOUT: PointLayout = { names: SUMMARY_POINT_FIELDS, attributes: 7, count: 4, sum: 5, min: -1, max: -1 };

function layoutOf(type: OtlpMetricType): PointLayout {
  if (type === 'gauge' || type === 'sum') return NUMBER_LAYOUT;
  if (type === 'histogram') return HISTOGRAM_LAYOUT;
  if (type === 'exponentialHistogram') return EXPONENTIAL_LAYOUT;
  return SUMMARY_LAYOUT;
}

function readPoint(reader: ProtobufReader, limit: number, type: OtlpMetricType): OtlpMetricPoint {
  const end = reader.fieldEnd(limit);
  const layout = layoutOf(type);
  const attributes: KeyValue[] = [];
  const point: OtlpMetricPoint = { attributes, startTimeUnixNano: '0', timeUnixNano: '0' };
  const isNumber = layout === NUMBER_LAYOUT;
  while (reader.pos < end) {
    const tag = reader.tag();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === layout.attributes && wire === WIRE_LENGTH_DELIMITED) attributes.push(readKeyValue(reader, end, 0));
    else if (field === 2 && wire === WIRE_FIXED64) point.startTimeUnixNano = reader.fixed64();
    else if (field === 3 && wire === WIRE_FIXED64) point.timeUnixNano = reader.fixed64();
    else if (isNumber && field === 4 && wire === WIRE_FIXED64) point.value = reader.double();
    // sfixed64: two's complement in eight bytes.
    else if (isNumber && field === 6 && wire === WIRE_FIXED64) point.value = Number(BigInt.asIntN(64, BigInt(reader.fixed64())));
    else if (field === layout.count && wire === WIRE_FIXED64) point.count = Number(reader.fixed64());
    else if (field === layout.sum && wire === WIRE_FIXED64) point.sum = reader.double();
    else if (field === layout.min && wire === WIRE_FIXED64) point.min = reader.double();
    else if (field === layout.max && wire === WIRE_FIXED64) point.max = reader.double();
    else reader.skip(tag, end, `${type} point`, layout.names);
  }
  reader.finish(end, `${type} point`);
  return point;
}
