import { matchesQuery } from '../../model/traceQuery';
import type { TraceQuery, TraceSummary } from '../../model/traceTypes';

/** What the Traces view is narrowed to; every part is optional and they combine. */
export interface TraceFilter {
  errorsOnly?: boolean;
  /** Free text over names, services, agents, models and ids. */
  text?: string;
  service?: string;
  agent?: string;
  model?: string;
}

export function isFilterActive(filter: TraceFilter): boolean {
  return Boolean(filter.errorsOnly || filter.text || filter.service || filter.agent || filter.model);
}

export function queryOfFilter(filter: TraceFilter): TraceQuery {
  return {
    ...(filter.errorsOnly ? { status: 'error' as const } : {}),
    ...(filter.text ? { q: filter.text } : {}),
    ...(filter.service ? { service: filter.service } : {}),
    ...(filter.agent ? { agent: filter.agent } : {}),
    ...(filter.model ? { model: filter.model } : {}),
  };
}

export function traceMatchesFilter(summary: TraceSummary, filter: TraceFilter): boolean {
  return matchesQuery(summary, queryOfFilter(filter));
}

/** e.g. `errors only · "weather" · agent planner`, for the view's description and messages. */
export function describeFilter(filter: TraceFilter): string {
  const parts: string[] = [];
  if (filter.errorsOnly) parts.push('errors only');
  if (filter.text) parts.push(`"${filter.text}"`);
  if (filter.service) parts.push(`service ${filter.service}`);
  if (filter.agent) parts.push(`agent ${filter.agent}`);
  if (filter.model) parts.push(`model ${filter.model}`);
  return parts.join(' · ');
}
