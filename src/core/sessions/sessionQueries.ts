import type { SessionDetail, SessionQuery, SessionSummary } from '../../model/sessionTypes';
import type { StoredTrace } from '../../model/storedTrace';
import type { TraceSummary } from '../../model/traceTypes';
import type { SpanFacts } from '../genai/spanFacts';
import type { MetricStore } from '../engine/metricStore';
import type { TokenCounts } from '../../model/traceTypes';
import { readAgentLogEvent, type AgentLogEvent } from './agentLogEvents';
import { buildSession, summarizeSession } from './buildSession';
import type { SessionEventStore } from './sessionEventStore';
import type { SessionToolCall } from '../../model/sessionTypes';
import { spanRecords, type SpanRecords, type TraceSource } from './spanRecords';

/** A stored trace with what the engine knows of it. */
export interface SessionTraceInput extends TraceSource {
  stored: StoredTrace;
  facts: readonly SpanFacts[];
  summary: TraceSummary;
}

/**
 * What one trace tells about sessions, kept until the trace changes: the agent events of its
 * logs, and its span records per session. It is kept by trace id, apart from the trace's body,
 * so listing sessions reads a trace's file once, not on every request, even though the engine lets
 * bodies go. Kept lean (tool arguments and results left out: only a session's own page shows
 * them, and it reads them fresh) and bounded by how many records all traces hold.
 */
interface TraceReading {
  traceId: string;
  stamp: string;
  events: AgentLogEvent[];
  records: Map<string, SpanRecords>;
  /** Records held: events, and the calls, tools and prompts of each session's records. */
  size: number;
}

/** Records (calls, tools, prompts, events) kept for listing sessions, over all traces. */
const MAX_KEPT_RECORDS = 200_000;

class TraceReadings {
  private readonly byTrace = new Map<string, TraceReading>();
  private size = 0;

  readingOf(trace: SessionTraceInput): TraceReading {
    const traceId = trace.stored.traceId;
    const stamp = stampOf(trace.summary);
    const kept = this.byTrace.get(traceId);
    if (kept) {
      this.byTrace.delete(traceId);
      this.size -= kept.size;
      // Re-inserted below: the map stays in least-recently-used order.
      if (kept.stamp === stamp) return this.keep(kept);
    }
    const events = eventsOf(trace).map(leanEvent);
    return this.keep({ traceId, stamp, events, records: new Map(), size: events.length });
  }

  /** True when what the trace (as its summary says it is now) tells every session it names is kept. */
  knows(summary: TraceSummary): boolean {
    const reading = this.byTrace.get(summary.traceId);
    return reading !== undefined && reading.stamp === stampOf(summary) && summary.sessions.every((id) => reading.records.has(id));
  }

  recordsOf(trace: TraceSource, sessionId: string): SpanRecords {
    const reading = this.byTrace.get(trace.stored.traceId);
    if (!reading) return spanRecords(trace, sessionId);
    let records = reading.records.get(sessionId);
    if (!records) {
      records = leanRecords(spanRecords(trace, sessionId));
      reading.records.set(sessionId, records);
      const added = records.calls.length + records.tools.length + records.prompts.length + 1;
      reading.size += added;
      this.size += added;
      this.bound(reading);
    }
    return records;
  }

  private keep(reading: TraceReading): TraceReading {
    this.byTrace.set(reading.traceId, reading);
    this.size += reading.size;
    this.bound(reading);
    return reading;
  }

  /** Lets the least recently used readings go while past the bound (never `current`). */
  private bound(current: TraceReading): void {
    for (const [traceId, oldest] of this.byTrace) {
      if (this.size <= MAX_KEPT_RECORDS || oldest === current) break;
      this.byTrace.delete(traceId);
      this.size -= oldest.size;
    }
  }
}

const readings = new TraceReadings();

/** Changes whenever the trace does: it is touched (`updatedTime`) by every span and log record added. */
function stampOf(summary: TraceSummary): string {
  return `${summary.updatedTime}:${summary.spanCount}:${summary.errorCount}:${summary.tokens.total}`;
}

/**
 * True when listing sessions needs nothing of this trace's body: what it tells is kept from an
 * earlier listing and it has not changed since. The engine then passes `keptSessionTrace(summary)`.
 */
export function sessionReadingKept(summary: TraceSummary): boolean {
  return readings.knows(summary);
}

/** A trace for listing sessions whose reading is kept (see `sessionReadingKept`): no body needed. */
export function keptSessionTrace(summary: TraceSummary): SessionTraceInput {
  const stored: StoredTrace = {
    traceId: summary.traceId,
    seq: 0,
    receivedAt: 0,
    updatedAt: summary.updatedTime,
    resources: [],
    scopes: [],
    spans: [],
    logs: [],
    droppedSpans: 0,
  };
  return { stored, facts: [], summary };
}

/** The agent events a trace's own log records tell (whole: tool arguments and results included). */
function eventsOf(trace: SessionTraceInput): AgentLogEvent[] {
  const events: AgentLogEvent[] = [];
  for (const log of trace.stored.logs) {
    const event = readAgentLogEvent(log, trace.stored.resources[log.resourceIndex]?.attributes);
    if (event) events.push(event);
  }
  return events;
}

/** A tool call without its arguments and result (see `TraceReading`). */
function leanTool(tool: SessionToolCall): SessionToolCall {
  if (tool.arguments === undefined && tool.result === undefined) return tool;
  const { arguments: _arguments, result: _result, ...rest } = tool;
  return rest;
}

function leanEvent(event: AgentLogEvent): AgentLogEvent {
  if (event.type !== 'tool_call' || (event.arguments === undefined && event.result === undefined)) return event;
  const { arguments: _arguments, result: _result, ...rest } = event;
  return rest;
}

function leanRecords(records: SpanRecords): SpanRecords {
  return { ...records, tools: records.tools.map(leanTool) };
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
  traceEvents: (trace: SessionTraceInput) => readonly AgentLogEvent[],
): Map<string, SessionIndexEntry> {
  const index = new Map<string, SessionIndexEntry>();
  const entry = (id: string): SessionIndexEntry => {
    let e = index.get(id);
    if (!e) index.set(id, (e = { traces: [], events: [] }));
    return e;
  };
  for (const trace of traces) {
    for (const id of trace.summary.sessions) entry(id).traces.push(trace);
    for (const event of traceEvents(trace)) {
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
  const cachedEvents = (trace: SessionTraceInput) => readings.readingOf(trace).events;
  const cachedRecords = (trace: TraceSource, sessionId: string) => readings.recordsOf(trace, sessionId);
  for (const [sessionId, entry] of indexSessions(traces, events, metrics, cachedEvents)) {
    const detail = buildSession({
      sessionId,
      traces: entry.traces,
      events: entry.events,
      metrics: metrics.usage(sessionId),
      price,
      recordsOf: cachedRecords,
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
  // One session's page shows tool arguments and results: its traces are read whole, not from the lean readings.
  const entry = indexSessions(traces, events, metrics, eventsOf).get(sessionId);
  if (!entry) return undefined;
  return buildSession({ sessionId, traces: entry.traces, events: entry.events, metrics: metrics.usage(sessionId), price });
}
