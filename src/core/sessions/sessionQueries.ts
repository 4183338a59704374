import type { SessionDetail, SessionQuery, SessionSummary } from '../../model/sessionTypes';
import type { StoredTrace } from '../../model/storedTrace';
import type { TraceSummary } from '../../model/traceTypes';
import type { SpanFacts } from '../genai/spanFacts';
import type { MetricStore } from '../engine/metricStore';
import type { TokenCounts } from '../../model/traceTypes';
import { readAgentLogEvent, type AgentLogEvent } from './agentLogEvents';
import { buildSession, summarizeSession } from './buildSession';
import type { SessionEventStore } from './sessionEventStore';
import { spanRecords, type SpanRecords, type TraceSource } from './spanRecords';

/** A stored trace with what the engine knows of it. */
export interface SessionTraceInput extends TraceSource {
  stored: StoredTrace;
  facts: readonly SpanFacts[];
  summary: TraceSummary;
}

/**
 * What one trace tells about sessions, kept until the trace changes (its summary's version): the
 * agent events of its logs, and its span records per session. Listing sessions then reads each
 * unchanged trace once, not on every request.
 */
interface TraceReading {
  version: number | undefined;
  events: AgentLogEvent[];
  records: Map<string, SpanRecords>;
}

const readings = new WeakMap<StoredTrace, TraceReading>();

function readingOf(trace: SessionTraceInput): TraceReading {
  const version = trace.summary.version;
  let reading = readings.get(trace.stored);
  if (!reading || version === undefined || reading.version !== version) {
    const events: AgentLogEvent[] = [];
    for (const log of trace.stored.logs) {
      const event = readAgentLogEvent(log, trace.stored.resources[log.resourceIndex]?.attributes);
      if (event) events.push(event);
    }
    reading = { version, events, records: new Map() };
    readings.set(trace.stored, reading);
  }
  return reading;
}

function recordsOf(trace: TraceSource, sessionId: string): SpanRecords {
  const reading = readings.get(trace.stored);
  if (!reading) return spanRecords(trace, sessionId);
  let records = reading.records.get(sessionId);
  if (!records) reading.records.set(sessionId, (records = spanRecords(trace, sessionId)));
  return records;
}

export const DEFAULT_SESSION_LIMIT = 100;

/** Prices a model call told only by a log event. */
export type CallPricer = (tokens: TokenCounts, model: string | undefined, timeMs: number) => number | null;

interface SessionIndexEntry {
  traces: TraceSource[];
  events: AgentLogEvent[];
}

/** Which traces and log events belong to which session: trace summaries, trace logs, traceless logs and metrics. */
function indexSessions(
  traces: Iterable<SessionTraceInput>,
  events: SessionEventStore,
  metrics: MetricStore,
): Map<string, SessionIndexEntry> {
  const index = new Map<string, SessionIndexEntry>();
  const entry = (id: string): SessionIndexEntry => {
    let e = index.get(id);
    if (!e) index.set(id, (e = { traces: [], events: [] }));
    return e;
  };
  for (const trace of traces) {
    for (const id of trace.summary.sessions) entry(id).traces.push(trace);
    for (const event of readingOf(trace).events) {
      const e = entry(event.sessionId);
      e.events.push(event);
      if (!e.traces.includes(trace)) e.traces.push(trace);
    }
  }
  for (const id of events.sessionIds()) entry(id).events.push(...events.events(id));
  for (const id of metrics.sessionIds()) entry(id);
  return index;
}

function matches(summary: SessionSummary, detail: SessionDetail, q: string | undefined): boolean {
  if (!q) return true;
  const wanted = q.toLowerCase();
  const haystack = [summary.sessionId, summary.service, summary.agent, ...detail.turns.map((t) => t.prompt ?? '')];
  return haystack.some((text) => text.toLowerCase().includes(wanted));
}

/** Sessions newest first (by their last activity), at most `limit`. */
export function listSessions(
  traces: Iterable<SessionTraceInput>,
  events: SessionEventStore,
  metrics: MetricStore,
  query: SessionQuery = {},
  price?: CallPricer,
): SessionSummary[] {
  const out: SessionSummary[] = [];
  for (const [sessionId, entry] of indexSessions(traces, events, metrics)) {
    const detail = buildSession({
      sessionId,
      traces: entry.traces,
      events: entry.events,
      metrics: metrics.usage(sessionId),
      price,
      recordsOf,
    });
    if (!detail) continue;
    const summary = summarizeSession(detail);
    if (matches(summary, detail, query.q)) out.push(summary);
  }
  out.sort((a, b) => b.endTime - a.endTime || (a.sessionId < b.sessionId ? -1 : 1));
  return out.slice(0, Math.max(0, query.limit ?? DEFAULT_SESSION_LIMIT));
}

export function getSession(
  traces: Iterable<SessionTraceInput>,
  events: SessionEventStore,
  metrics: MetricStore,
  sessionId: string,
  price?: CallPricer,
): SessionDetail | undefined {
  const entry = indexSessions(traces, events, metrics).get(sessionId);
  if (!entry) return undefined;
  return buildSession({ sessionId, traces: entry.traces, events: entry.events, metrics: metrics.usage(sessionId), price, recordsOf });
}
