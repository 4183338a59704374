import type { SpanContext, SpanDetail } from './spanFacts';
import type { StoredLog, StoredSpan } from '../../model/storedTrace';
import { AttributeMap } from './attributeMap';
import { classifySpan } from './classifySpan';
import { spanMessages } from './messages/spanMessages';
import type { GenAiEvent } from './messages/eventMessages';
import { toolDetail } from './toolDetail';

function genAiEvents(span: StoredSpan, logs: readonly StoredLog[]): GenAiEvent[] {
  const events: GenAiEvent[] = [];
  for (const log of logs) {
    events.push({
      name: log.eventName,
      time: log.timeUnixNano || log.observedTimeUnixNano,
      body: log.body,
      attributes: log.attributes ?? [],
    });
  }
  for (const event of span.events ?? []) {
    if (event.name?.startsWith('gen_ai.')) {
      events.push({ name: event.name, time: event.timeUnixNano, body: undefined, attributes: event.attributes ?? [] });
    }
  }
  return events;
}

/**
 * Reads messages and tool payloads of one span; done on demand, not at ingest. `logs` are the log
 * records whose span id is this span's (where some instrumentations put prompts and completions).
 */
export function spanDetail(span: StoredSpan, logs: readonly StoredLog[], _context: SpanContext): SpanDetail {
  const attrs = new AttributeMap(Array.isArray(span.attributes) ? span.attributes : []);
  const name = typeof span.name === 'string' ? span.name : '';
  const { kind } = classifySpan(attrs, name);
  const messages = spanMessages(attrs, kind, genAiEvents(span, logs));
  return kind === 'tool' ? { messages, tool: toolDetail(attrs, name) } : { messages };
}
