import type { Message } from '../../../model/traceTypes';
import type { AnyValue, KeyValue } from '../../../model/otlpTypes';
import { anyValueToJson } from '../../otlp/values';
import { DETAIL_JSON_LIMIT, isRecord, jsonOrText } from '../jsonText';
import { normalizeFinishReason } from '../readCallDetails';
import { messageOf, toMessages } from './messageShapes';
import { setEntry } from '../../../model/plainRecord';

/** A gen_ai event, whether sent as an OTLP log record or recorded as a span event. */
export interface GenAiEvent {
  name: string | undefined;
  time: string | undefined;
  body: AnyValue | undefined;
  attributes: readonly KeyValue[];
}

/** An event reduced to plain JSON, whatever carried it. */
interface PlainEvent {
  name: string | undefined;
  body: unknown;
  attributes: Record<string, unknown>;
}

const ROLE_EVENTS: Record<string, string> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

function parsed(value: unknown): unknown {
  return typeof value === 'string' ? jsonOrText(value, DETAIL_JSON_LIMIT) : value;
}

/** Log records carry the payload as body; span events (older SDKs) as a `gen_ai.event.content` JSON attribute. */
function plainEvent(event: GenAiEvent): PlainEvent {
  const attributes: Record<string, unknown> = {};
  for (const kv of event.attributes) setEntry(attributes, kv.key, anyValueToJson(kv.value));
  const name = event.name ?? (typeof attributes['event.name'] === 'string' ? attributes['event.name'] : undefined);
  const body = event.body !== undefined ? parsed(anyValueToJson(event.body)) : parsed(attributes['gen_ai.event.content']);
  return { name, body, attributes };
}

function compareTime(a: GenAiEvent, b: GenAiEvent): number {
  const ta = a.time ?? '';
  const tb = b.time ?? '';
  if (ta.length !== tb.length) return ta.length - tb.length;
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

function readEvents(events: readonly PlainEvent[]): { input: Message[]; output: Message[] } {
  const input: Message[] = [];
  const output: Message[] = [];
  for (const { name, body, attributes } of events) {
    if (!name) continue;
    const role = ROLE_EVENTS[name];
    if (role) {
      const m = messageOf(isRecord(body) ? { role, ...body } : { role, content: body }, role);
      if (m) input.push(m);
    } else if (name === 'gen_ai.choice') {
      if (!isRecord(body)) continue;
      const inner = isRecord(body.message) ? body.message : {};
      const m = messageOf({ role: 'assistant', ...inner }, 'assistant');
      if (!m) continue;
      const finish = normalizeFinishReason(typeof body.finish_reason === 'string' ? body.finish_reason : undefined);
      if (finish) m.finishReason = finish;
      output.push(m);
    } else {
      const system = attributes['gen_ai.system_instructions'];
      if (system !== undefined) input.push(...systemMessages(system));
      const inMessages = attributes['gen_ai.input.messages'] ?? attributes['gen_ai.prompt'];
      if (inMessages !== undefined) input.push(...toMessages(inMessages, 'user'));
      const outMessages = attributes['gen_ai.output.messages'] ?? attributes['gen_ai.completion'];
      if (outMessages !== undefined) output.push(...toMessages(outMessages, 'assistant'));
    }
  }
  return { input, output };
}

/**
 * Messages from gen_ai events: the older per-message events (`gen_ai.user.message`, `gen_ai.choice`…),
 * `gen_ai.client.inference.operation.details`, and `gen_ai.content.prompt` / `.completion` span events.
 */
export function eventMessages(events: readonly GenAiEvent[]): { input: Message[]; output: Message[] } {
  return readEvents([...events].sort(compareTime).map(plainEvent));
}

/**
 * The same events written into one JSON attribute as a list of objects with an `event.name` key
 * (Pydantic AI's `events` / `all_messages_events`), or undefined when the value is not such a list.
 */
export function eventListMessages(value: unknown): { input: Message[]; output: Message[] } | undefined {
  const list = parsed(value);
  if (!Array.isArray(list) || !list.some((item) => isRecord(item) && typeof item['event.name'] === 'string')) return undefined;
  const events = list.filter(isRecord).map((item) => {
    const { 'event.name': name, ...body } = item;
    return { name: typeof name === 'string' ? name : undefined, body, attributes: body };
  });
  return readEvents(events);
}

/** `gen_ai.system_instructions`: a string, or a list of parts as JSON or structured value. */
export function systemMessages(value: unknown): Message[] {
  if (value === null || value === undefined || value === '') return [];
  const messages = toMessages(value, 'system');
  if (messages.length === 0) return [];
  // A list of parts comes back as one message; make sure it is a system one.
  if (messages.every((m) => m.role === 'system')) return messages;
  return [{ role: 'system', parts: messages.flatMap((m) => m.parts) }];
}
