import type { GroupFilter } from '../compareTypes';
import type { TraceSummary } from '../traceTypes';
import { matchesQuery } from '../traceQuery';

const MAX_TEXT = 500;
const MAX_ATTRS = 20;
const MAX_TRACE_IDS = 1000;
const TRACE_ID = /^[0-9a-f]{32}$/;

function cut(text: string): string {
  return text.length > 32 ? `${text.slice(0, 32)}…` : text;
}

/** A time as Unix ms or an ISO 8601 date/time. */
function parseTime(text: string): number | undefined {
  if (/^\d{1,16}(\.\d+)?$/.test(text)) return Number(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `key=value` pairs of a query string (`+` is a space), in order; undefined when an escape is malformed. */
export function queryPairs(text: string): [string, string][] | undefined {
  const pairs: [string, string][] = [];
  for (const part of text.replace(/^\?/, '').split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const [rawKey, rawValue] = eq < 0 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
    try {
      pairs.push([decodeURIComponent(rawKey.replace(/\+/g, ' ')), decodeURIComponent(rawValue.replace(/\+/g, ' '))]);
    } catch {
      return undefined;
    }
  }
  return pairs;
}

/**
 * A group filter from its query-string form (`service=agent&version=2.1&attr=env:prod&from=…`),
 * or a message saying what is wrong. Unknown keys are refused: a typo must not silently widen a group.
 */
export function parseGroupFilter(text: string): GroupFilter | string {
  if (text.length > 64 * 1024) return 'The filter is longer than 64 KiB.';
  const pairs = queryPairs(text);
  if (!pairs) return 'The filter has a malformed %-escape.';
  const filter: GroupFilter = {};
  for (const [key, raw] of pairs) {
    const value = raw.trim();
    if (value === '') continue;
    if (key !== 'traceIds' && value.length > MAX_TEXT) return `${cut(key)} is longer than ${MAX_TEXT} characters.`;
    switch (key) {
      case 'service':
      case 'agent':
      case 'model':
      case 'q':
      case 'version':
        filter[key] = value;
        break;
      case 'status':
        if (value !== 'error') return `status can only be "error", not "${cut(value)}".`;
        filter.status = 'error';
        break;
      case 'limit': {
        const n = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
        if (!(n >= 1 && n <= 100_000)) return `limit must be a whole number from 1 to 100000, not "${cut(value)}".`;
        filter.limit = n;
        break;
      }
      case 'attr': {
        const colon = value.indexOf(':');
        if (colon <= 0) return `attr must be key:value, not "${cut(value)}".`;
        filter.attr ??= [];
        if (filter.attr.length >= MAX_ATTRS) return `At most ${MAX_ATTRS} attr filters.`;
        filter.attr.push({ key: value.slice(0, colon), value: value.slice(colon + 1) });
        break;
      }
      case 'from':
      case 'to': {
        const ms = parseTime(value);
        if (ms === undefined) return `${key} must be Unix milliseconds or an ISO date, not "${cut(value)}".`;
        filter[key] = ms;
        break;
      }
      case 'traceIds': {
        const ids = value
          .split(',')
          .map((id) => id.trim().toLowerCase())
          .filter(Boolean);
        if (ids.length > MAX_TRACE_IDS) return `At most ${MAX_TRACE_IDS} trace ids.`;
        const bad = ids.find((id) => !TRACE_ID.test(id));
        if (bad !== undefined) return `traceIds must be 32 hexadecimal digits each, not "${cut(bad)}".`;
        filter.traceIds = [...(filter.traceIds ?? []), ...ids];
        break;
      }
      default:
        return `Unknown filter key "${cut(key)}" (service, agent, model, status, q, version, attr, from, to, traceIds, limit).`;
    }
  }
  return filter;
}

/** The query-string form of a filter (what `parseGroupFilter` reads back). */
export function formatGroupFilter(filter: GroupFilter): string {
  const pairs: [string, string][] = [];
  for (const key of ['service', 'agent', 'model', 'status', 'q', 'version'] as const) {
    const value = filter[key];
    if (value !== undefined) pairs.push([key, value]);
  }
  for (const { key, value } of filter.attr ?? []) pairs.push(['attr', `${key}:${value}`]);
  if (filter.from !== undefined) pairs.push(['from', String(filter.from)]);
  if (filter.to !== undefined) pairs.push(['to', String(filter.to)]);
  if (filter.traceIds?.length) pairs.push(['traceIds', filter.traceIds.join(',')]);
  if (filter.limit !== undefined) pairs.push(['limit', String(filter.limit)]);
  // Only what would break the form is escaped, so `attr=env:prod` stays readable.
  const escape = (text: string) => text.replace(/[%&=+#\s]/g, (c) => encodeURIComponent(c));
  return pairs.map(([key, value]) => `${key}=${escape(value)}`).join('&');
}

/** What a filter reads of a run beyond its summary. */
export interface RunFilterFacts {
  summary: TraceSummary;
  /** Whether a resource or span of the run has this attribute with this value (in string form). */
  hasAttribute(key: string, value: string): boolean;
}

export function matchesGroupFilter(run: RunFilterFacts, filter: GroupFilter): boolean {
  const s = run.summary;
  if (!matchesQuery(s, filter)) return false;
  if (filter.traceIds && !filter.traceIds.includes(s.traceId)) return false;
  if (filter.from !== undefined && s.startTime < filter.from) return false;
  if (filter.to !== undefined && s.startTime >= filter.to) return false;
  if (
    filter.version !== undefined &&
    !run.hasAttribute('service.version', filter.version) &&
    !run.hasAttribute('gen_ai.agent.version', filter.version)
  ) {
    return false;
  }
  for (const { key, value } of filter.attr ?? []) if (!run.hasAttribute(key, value)) return false;
  return true;
}
