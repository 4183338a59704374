/**
 * Brings two OTLP/JSON documents to one comparable form: the official JSON serializer writes
 * int64 attribute values as numbers and default fields (0, "", []) explicitly, while the decoded
 * form writes int64 as strings and omits defaults. Nothing else is changed, so every real
 * difference (a value, an id, a time, a missing attribute) still shows.
 */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (isDefault(field)) continue;
    out[key] = key === 'value' || key === 'body' ? canonicalAnyValue(field) : canonical(field);
  }
  return out;
}

function canonicalAnyValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const any = value as Record<string, unknown>;
  if ('intValue' in any) return { intValue: String(any.intValue) };
  if ('arrayValue' in any) {
    const values = ((any.arrayValue as { values?: unknown[] }).values ?? []).map(canonicalAnyValue);
    return { arrayValue: { values } };
  }
  if ('kvlistValue' in any) {
    const values = ((any.kvlistValue as { values?: { key: string; value: unknown }[] }).values ?? []).map(({ key, value: inner }) => ({
      key,
      value: canonicalAnyValue(inner),
    }));
    return { kvlistValue: { values } };
  }
  return { ...any };
}

function isDefault(value: unknown): boolean {
  return value === undefined || value === null || value === 0 || value === '' || (Array.isArray(value) && value.length === 0);
}

interface ResourceLike {
  resource?: unknown;
  schemaUrl?: string;
}
interface ScopeLike {
  scope?: unknown;
  schemaUrl?: string;
}

/** Every span of some trace requests, by span id, with its resource and scope beside it. */
export function spansById(requests: readonly unknown[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const request of requests) {
    const { resourceSpans: allResourceSpans = [] } = request as {
      resourceSpans?: (ResourceLike & { scopeSpans?: (ScopeLike & { spans?: { spanId: string }[] })[] })[];
    };
    for (const resourceSpans of allResourceSpans) {
      for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
        for (const span of scopeSpans.spans ?? []) {
          if (out.has(span.spanId)) throw new Error(`span ${span.spanId} seen twice`);
          out.set(
            span.spanId,
            canonical({
              resource: resourceSpans.resource,
              resourceSchemaUrl: resourceSpans.schemaUrl,
              scope: scopeSpans.scope,
              scopeSchemaUrl: scopeSpans.schemaUrl,
              span,
            }),
          );
        }
      }
    }
  }
  return out;
}

/** Every log record of some logs requests, in order, with its resource and scope beside it. */
export function logRecordsOf(requests: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const request of requests) {
    const { resourceLogs: allResourceLogs = [] } = request as {
      resourceLogs?: (ResourceLike & { scopeLogs?: (ScopeLike & { logRecords?: unknown[] })[] })[];
    };
    for (const resourceLogs of allResourceLogs) {
      for (const scopeLogs of resourceLogs.scopeLogs ?? []) {
        for (const record of scopeLogs.logRecords ?? []) {
          out.push(canonical({ resource: resourceLogs.resource, scope: scopeLogs.scope, record }));
        }
      }
    }
  }
  return out;
}

/** JSON with object keys sorted, so equal documents give equal text whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${stableJson(field)}`).join(',')}}`;
}
