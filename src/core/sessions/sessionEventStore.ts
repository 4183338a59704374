import type { AttributeValue } from '../../model/traceTypes';
import type { AgentLogEvent } from './agentLogEvents';

export interface SessionEventStoreOptions {
  /** Sessions kept (least recently updated dropped first). Default 500. */
  maxSessions?: number;
  /** Events kept per session (oldest dropped first). Default 2,000. */
  maxEventsPerSession?: number;
}

/** Longest tool argument or result text kept for an event without trace context. */
const MAX_TEXT_CHARS = 4_096;

/**
 * Agent log events that arrived without trace context (Codex's per-call usage, Gemini CLI's streamed
 * responses, Claude Code's startup events): no trace keeps them, so they are kept here, per
 * session, bounded, in memory only. Events of records that carry a trace id stay with that trace.
 */
export class SessionEventStore {
  private readonly maxSessions: number;
  private readonly maxEvents: number;
  private readonly sessions = new Map<string, AgentLogEvent[]>();

  constructor(options: SessionEventStoreOptions = {}) {
    this.maxSessions = Math.max(1, options.maxSessions ?? 500);
    this.maxEvents = Math.max(1, options.maxEventsPerSession ?? 2_000);
  }

  add(event: AgentLogEvent): void {
    let events = this.sessions.get(event.sessionId);
    if (events) {
      this.sessions.delete(event.sessionId);
    } else {
      events = [];
      if (this.sessions.size >= this.maxSessions) this.sessions.delete(this.sessions.keys().next().value as string);
    }
    this.sessions.set(event.sessionId, events);
    if (events.length >= this.maxEvents) events.shift();
    events.push(shortened(event));
  }

  events(sessionId: string): readonly AgentLogEvent[] {
    return this.sessions.get(sessionId) ?? [];
  }

  sessionIds(): string[] {
    return [...this.sessions.keys()];
  }

  clear(): void {
    this.sessions.clear();
  }
}

function shortened(event: AgentLogEvent): AgentLogEvent {
  if (event.type === 'prompt')
    return event.text.length > MAX_TEXT_CHARS * 4 ? { ...event, text: cut(event.text, MAX_TEXT_CHARS * 4) } : event;
  if (event.type !== 'tool_call') return event;
  const out = { ...event };
  if (out.arguments !== undefined) out.arguments = cutValue(out.arguments);
  if (out.result !== undefined) out.result = cutValue(out.result);
  return out;
}

function cut(text: string, max: number): string {
  return `${text.slice(0, max)}…[shortened by Loupe: ${text.length} characters]`;
}

function cutValue(value: AttributeValue): AttributeValue {
  if (typeof value === 'string') return value.length > MAX_TEXT_CHARS ? cut(value, MAX_TEXT_CHARS) : value;
  const text = JSON.stringify(value);
  return text.length > MAX_TEXT_CHARS ? cut(text, MAX_TEXT_CHARS) : value;
}
