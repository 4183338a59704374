import type { TraceChange, TraceSummary, UsageTotals } from '../../model/traceTypes';

/** Longest name, service, model… a stream event carries; the full text is one request away. */
export const MAX_EVENT_TEXT = 256;
/** Most agents, models, sessions… listed per trace in a stream event. */
export const MAX_EVENT_LIST = 50;

/**
 * A `TraceChange` for the live stream: ids, counts and totals whole, but every name cut to
 * `MAX_EVENT_TEXT` characters and every list to `MAX_EVENT_LIST` items, so one event stays a few
 * KiB even when span names are megabytes. The same object is returned when nothing needs cutting.
 */
export function compactChange(change: TraceChange): TraceChange {
  let upserted: TraceSummary[] | undefined;
  change.upserted.forEach((summary, index) => {
    const compact = compactSummary(summary);
    if (compact !== summary) upserted ??= change.upserted.slice();
    if (upserted) upserted[index] = compact;
  });
  const stats =
    change.stats.persistenceError !== undefined && change.stats.persistenceError.length > 4 * MAX_EVENT_TEXT
      ? { ...change.stats, persistenceError: clip(change.stats.persistenceError, 4 * MAX_EVENT_TEXT) }
      : change.stats;
  if (!upserted && stats === change.stats) return change;
  return { ...change, upserted: upserted ?? change.upserted, stats };
}

function compactSummary(summary: TraceSummary): TraceSummary {
  const name = clip(summary.name);
  const service = clip(summary.service);
  const agents = clipList(summary.agents);
  const models = clipList(summary.models);
  const services = clipList(summary.services);
  const sessions = clipList(summary.sessions);
  const users = clipList(summary.users);
  const byModel = clipTotals(summary.byModel);
  const byAgent = clipTotals(summary.byAgent);
  const bySession = clipTotals(summary.bySession);
  if (
    name === summary.name &&
    service === summary.service &&
    agents === summary.agents &&
    models === summary.models &&
    services === summary.services &&
    sessions === summary.sessions &&
    users === summary.users &&
    byModel === summary.byModel &&
    byAgent === summary.byAgent &&
    bySession === summary.bySession
  ) {
    return summary;
  }
  const out: TraceSummary = { ...summary, name, service, agents, models, services, sessions, users };
  if (byModel) out.byModel = byModel;
  if (byAgent) out.byAgent = byAgent;
  if (bySession) out.bySession = bySession;
  return out;
}

function clip(text: string, max = MAX_EVENT_TEXT): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function clipList(list: string[]): string[] {
  const cut = list.length > MAX_EVENT_LIST ? list.slice(0, MAX_EVENT_LIST) : list;
  return cut.some((item) => item.length > MAX_EVENT_TEXT) ? cut.map((item) => clip(item)) : cut;
}

function clipTotals(list: UsageTotals[] | undefined): UsageTotals[] | undefined {
  if (!list) return list;
  const cut = list.length > MAX_EVENT_LIST ? list.slice(0, MAX_EVENT_LIST) : list;
  return cut.some((item) => item.key.length > MAX_EVENT_TEXT) ? cut.map((item) => ({ ...item, key: clip(item.key) })) : cut;
}
