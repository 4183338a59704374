/**
 * Checks that a parsed trace file has the shape the rest of Loupe indexes into without further
 * checks (arrays where arrays are read, strings where ids and times are read, indexes in range).
 * Returns the first problem found, or undefined when the value can be used as a StoredTrace.
 */
export function findStoredTraceProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'not a JSON object';
  if (typeof value.traceId !== 'string' || value.traceId === '') return 'traceId is not a non-empty string';
  for (const key of ['seq', 'receivedAt', 'updatedAt', 'droppedSpans'] as const) {
    if (typeof value[key] !== 'number' || !Number.isFinite(value[key])) return `${key} is not a finite number`;
  }
  for (const key of ['resources', 'scopes', 'spans', 'logs'] as const) {
    if (!Array.isArray(value[key])) return `${key} is not an array`;
  }
  const resources = value.resources as unknown[];
  const scopes = value.scopes as unknown[];
  for (let i = 0; i < resources.length; i++) {
    const resource = resources[i];
    if (!isRecord(resource) || !Array.isArray(resource.attributes)) return `resources[${i}] has no attributes array`;
  }
  for (let i = 0; i < scopes.length; i++) {
    const scope = scopes[i];
    if (!isRecord(scope) || typeof scope.name !== 'string') return `scopes[${i}] has no name`;
  }
  const spans = value.spans as unknown[];
  for (let i = 0; i < spans.length; i++) {
    const problem = findSpanProblem(spans[i], resources.length, scopes.length);
    if (problem) return `spans[${i}] ${problem}`;
  }
  const logs = value.logs as unknown[];
  for (let i = 0; i < logs.length; i++) {
    const log = logs[i];
    if (!isRecord(log)) return `logs[${i}] is not an object`;
    const problem = findIndexProblem(log, resources.length, scopes.length);
    if (problem) return `logs[${i}] ${problem}`;
  }
  return undefined;
}

function findSpanProblem(span: unknown, resourceCount: number, scopeCount: number): string | undefined {
  if (!isRecord(span)) return 'is not an object';
  for (const key of ['traceId', 'spanId', 'name', 'startTimeUnixNano', 'endTimeUnixNano'] as const) {
    if (typeof span[key] !== 'string') return `${key} is not a string`;
  }
  if (typeof span.kind !== 'number') return 'kind is not a number';
  for (const key of ['attributes', 'events', 'links'] as const) {
    if (!Array.isArray(span[key])) return `${key} is not an array`;
  }
  if (!isRecord(span.status) || typeof span.status.code !== 'number') return 'status has no numeric code';
  return findIndexProblem(span, resourceCount, scopeCount);
}

function findIndexProblem(item: Record<string, unknown>, resourceCount: number, scopeCount: number): string | undefined {
  if (!isIndex(item.resourceIndex, resourceCount)) return 'resourceIndex is out of range';
  if (!isIndex(item.scopeIndex, scopeCount)) return 'scopeIndex is out of range';
  return undefined;
}

function isIndex(value: unknown, length: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < length;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
