import type { SessionTotals, TraceSummary } from '../../model/traceTypes';
import { addUsage, emptyUsage } from './usageTotals';

/** Sessions (conversations) across traces: each trace adds the usage it attributed to the session. */
export function sessionTotals(summaries: Iterable<TraceSummary>): SessionTotals[] {
  const sessions = new Map<string, SessionTotals>();
  for (const summary of summaries) {
    for (const usage of summary.bySession ?? []) {
      let s = sessions.get(usage.key);
      if (!s) {
        s = { ...emptyUsage(usage.key), traceIds: [], users: [], startTime: Infinity, endTime: -Infinity };
        sessions.set(usage.key, s);
      }
      addUsage(s, usage);
      s.traceIds.push(summary.traceId);
      for (const user of summary.users) if (!s.users.includes(user)) s.users.push(user);
      s.startTime = Math.min(s.startTime, summary.startTime);
      s.endTime = Math.max(s.endTime, summary.startTime + summary.durationMs);
    }
  }
  return [...sessions.values()].sort((a, b) => b.endTime - a.endTime || a.key.localeCompare(b.key));
}
