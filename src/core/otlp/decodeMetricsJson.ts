import { parseJsonBody, readKeyValuesJson, readResourceJson, readScopeJson } from './decodeCommonJson';
import type { JsonObject } from './jsonFields';
import { arrayAt, boolAt, doubleAt, enumAt, fixed64At, int64At, objectAt, stringAt } from './jsonFields';
import { listItemPath, memberPath, readWithPathsOnFailure } from './jsonPath';
import type {
  ExportMetricsServiceRequest,
  OtlpMetric,
  OtlpMetricPoint,
  OtlpMetricType,
  ResourceMetrics,
  ScopeMetrics,
} from '../../model/otlpTypes';

const TEMPORALITY_NAMES: Readonly<Record<string, number>> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 0,
  AGGREGATION_TEMPORALITY_DELTA: 1,
  AGGREGATION_TEMPORALITY_CUMULATIVE: 2,
};

/** The data members of a Metric (a oneof), in both spellings, by the type they carry. */
const DATA_MEMBERS: readonly [OtlpMetricType, string, string][] = [
  ['gauge', 'gauge', 'gauge'],
  ['sum', 'sum', 'sum'],
  ['histogram', 'histogram', 'histogram'],
  ['exponentialHistogram', 'exponentialHistogram', 'exponential_histogram'],
  ['summary', 'summary', 'summary'],
];

/**
 * Decodes an OTLP/JSON `ExportMetricsServiceRequest` into the reduced form of model.ts, accepting
 * lowerCamelCase and snake_case field names alike (the proto3 JSON rule).
 */
export function decodeMetricsRequestJson(bytes: Uint8Array): ExportMetricsServiceRequest {
  const request = parseJsonBody(bytes);
  return readWithPathsOnFailure(() => readMetricsRequest(request));
}

function readMetricsRequest(request: JsonObject): ExportMetricsServiceRequest {
  const items = arrayAt(request.resourceMetrics ?? request.resource_metrics, 'resourceMetrics');
  const resourceMetrics: ResourceMetrics[] = new Array(items.length);
  for (let index = 0; index < items.length; index++) {
    resourceMetrics[index] = readResourceMetrics(items[index], listItemPath('resourceMetrics', '', index));
  }
  return { resourceMetrics };
}

function readResourceMetrics(raw: unknown, path: string): ResourceMetrics {
  const object = objectAt(raw, path);
  const scopeItems = arrayAt(object.scopeMetrics ?? object.scope_metrics, memberPath(path, '.scopeMetrics'));
  const legacyItems = arrayAt(
    object.instrumentationLibraryMetrics ?? object.instrumentation_library_metrics,
    memberPath(path, '.instrumentationLibraryMetrics'),
  );
  const scopeMetrics: ScopeMetrics[] = [];
  for (let index = 0; index < scopeItems.length; index++) {
    scopeMetrics.push(readScopeMetrics(scopeItems[index], listItemPath(path, '.scopeMetrics', index)));
  }
  for (let index = 0; index < legacyItems.length; index++) {
    scopeMetrics.push(readScopeMetrics(legacyItems[index], listItemPath(path, '.instrumentationLibraryMetrics', index)));
  }
  const resource = object.resource;
  const result: ResourceMetrics =
    resource === undefined || resource === null
      ? { scopeMetrics }
      : { resource: readResourceJson(resource, memberPath(path, '.resource')), scopeMetrics };
  const schemaUrl = stringAt(object.schemaUrl ?? object.schema_url, memberPath(path, '.schemaUrl'));
  if (schemaUrl !== '') result.schemaUrl = schemaUrl;
  return result;
}

function readScopeMetrics(raw: unknown, path: string): ScopeMetrics {
  const object = objectAt(raw, path);
  const items = arrayAt(object.metrics, memberPath(path, '.metrics'));
  const metrics: OtlpMetric[] = new Array(items.length);
  for (let index = 0; index < items.length; index++) metrics[index] = readMetric(items[index], listItemPath(path, '.metrics', index));
  const scope = object.scope ?? object.instrumentationLibrary ?? object.instrumentation_library;
  const result: ScopeMetrics =
    scope === undefined || scope === null ? { metrics } : { scope: readScopeJson(scope, memberPath(path, '.scope')), metrics };
  const schemaUrl = stringAt(object.schemaUrl ?? object.schema_url, memberPath(path, '.schemaUrl'));
  if (schemaUrl !== '') result.schemaUrl = schemaUrl;
  return result;
}

function readMetric(raw: unknown, path: string): OtlpMetric {
  const object = objectAt(raw, path);
  const metric: OtlpMetric = { name: stringAt(object.name, memberPath(path, '.name')), type: 'gauge', points: [] };
  const description = stringAt(object.description, memberPath(path, '.description'));
  if (description !== '') metric.description = description;
  const unit = stringAt(object.unit, memberPath(path, '.unit'));
  if (unit !== '') metric.unit = unit;
  for (const [type, camel, snake] of DATA_MEMBERS) {
    const data = object[camel] ?? object[snake];
    if (data === undefined || data === null) continue;
    const dataPath = memberPath(path, `.${camel}`);
    const dataObject = objectAt(data, dataPath);
    metric.type = type;
    if (type !== 'gauge' && type !== 'summary') {
      const temporality = enumAt(
        dataObject.aggregationTemporality ?? dataObject.aggregation_temporality,
        memberPath(dataPath, '.aggregationTemporality'),
        TEMPORALITY_NAMES,
        'AggregationTemporality',
      );
      if (temporality !== 0) metric.temporality = temporality;
    }
    if (type === 'sum') {
      const monotonic = boolAt(dataObject.isMonotonic ?? dataObject.is_monotonic, memberPath(dataPath, '.isMonotonic'));
      if (monotonic) metric.isMonotonic = true;
    }
    const points = arrayAt(dataObject.dataPoints ?? dataObject.data_points, memberPath(dataPath, '.dataPoints'));
    metric.points = new Array(points.length);
    for (let index = 0; index < points.length; index++) {
      metric.points[index] = readPoint(points[index], listItemPath(dataPath, '.dataPoints', index), type);
    }
    break;
  }
  return metric;
}

function readPoint(raw: unknown, path: string, type: OtlpMetricType): OtlpMetricPoint {
  const object = objectAt(raw, path);
  const point: OtlpMetricPoint = {
    attributes: readKeyValuesJson(object.attributes, memberPath(path, '.attributes'), 0),
    startTimeUnixNano: fixed64At(object.startTimeUnixNano ?? object.start_time_unix_nano, memberPath(path, '.startTimeUnixNano')),
    timeUnixNano: fixed64At(object.timeUnixNano ?? object.time_unix_nano, memberPath(path, '.timeUnixNano')),
  };
  if (type === 'gauge' || type === 'sum') {
    const asDouble = object.asDouble ?? object.as_double;
    const asInt = object.asInt ?? object.as_int;
    if (asDouble !== undefined && asDouble !== null) point.value = doubleAt(asDouble, memberPath(path, '.asDouble'));
    else if (asInt !== undefined && asInt !== null) point.value = Number(int64At(asInt, memberPath(path, '.asInt')));
    return point;
  }
  const count = object.count;
  if (count !== undefined && count !== null) point.count = Number(fixed64At(count, memberPath(path, '.count')));
  for (const key of ['sum', 'min', 'max'] as const) {
    const value = object[key];
    if (value !== undefined && value !== null) point[key] = doubleAt(value, memberPath(path, `.${key}`));
  }
  return point;
}
