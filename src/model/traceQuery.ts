import type { TraceQuery, TraceSummary } from './traceTypes';

export const DEFAULT_LIST_LIMIT = 1000;

function includesFolded(values: readonly string[], wanted: string): boolean {
  const w = wanted.toLowerCase();
  return values.some((v) => v.toLowerCase() === w);
}

/** Whether a trace summary passes the list filters (service/agent/model exact, `q` substring). */
export function matchesQuery(summary: TraceSummary, query: TraceQuery): boolean {
  if (summary.spanCount === 0) return false;
  if (query.status === 'error' && summary.errorCount === 0) return false;
  if (query.slow && !summary.slowSpans) return false;
  if (query.service && !includesFolded(summary.services, query.service)) return false;
  if (query.agent && !includesFolded(summary.agents, query.agent)) return false;
  if (query.model && !includesFolded(summary.models, query.model)) return false;
  if (query.q) {
    const q = query.q.toLowerCase();
    const haystack = [
      summary.traceId,
      summary.name,
      ...summary.services,
      ...summary.agents,
      ...summary.models,
      ...summary.sessions,
      ...summary.users,
    ];
    if (!haystack.some((text) => text.toLowerCase().includes(q))) return false;
  }
  return true;
}

/** Newest first by start time; ties by trace id so the order is stable. */
export function compareNewestFirst(a: TraceSummary, b: TraceSummary): number {
  return b.startTime - a.startTime || (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0);
}
