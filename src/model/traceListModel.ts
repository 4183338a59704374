import type { TraceChange, TraceQuery, TraceSummary } from './traceTypes';
import { compareNewestFirst, matchesQuery } from './traceQuery';

/** Distinct values offered by the list filters, from the traces in view. */
export interface FilterChoices {
  services: string[];
  agents: string[];
  models: string[];
}

/**
 * The list after a live change, without asking the server again: summaries that grew are
 * replaced, new ones that pass the filters are added, removed ones dropped; newest first, capped.
 */
export function applyTraceChange(list: readonly TraceSummary[], change: TraceChange, query: TraceQuery, limit: number): TraceSummary[] {
  if (change.cleared) list = [];
  const removed = new Set(change.removed);
  const byId = new Map<string, TraceSummary>();
  for (const summary of list) if (!removed.has(summary.traceId)) byId.set(summary.traceId, summary);
  for (const summary of change.upserted) {
    if (removed.has(summary.traceId)) continue;
    if (matchesQuery(summary, query)) byId.set(summary.traceId, summary);
    else byId.delete(summary.traceId);
  }
  return [...byId.values()].sort(compareNewestFirst).slice(0, limit);
}

function distinct(values: Iterable<string>): string[] {
  return [...new Set(values)].filter((value) => value !== '').sort((a, b) => a.localeCompare(b));
}

export function filterChoices(list: readonly TraceSummary[]): FilterChoices {
  return {
    services: distinct(list.flatMap((t) => t.services)),
    agents: distinct(list.flatMap((t) => t.agents)),
    models: distinct(list.flatMap((t) => t.models)),
  };
}

/** True when a change touches the given trace (it grew, or it went away). */
export function changeTouches(change: TraceChange, traceId: string): 'updated' | 'removed' | undefined {
  if (change.cleared || change.removed.includes(traceId)) return 'removed';
  return change.upserted.some((summary) => summary.traceId === traceId) ? 'updated' : undefined;
}
