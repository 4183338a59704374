import type { Message } from '../../../protocol/model';
import type { AnyValue, KeyValue } from '../../otlp/model';
import { anyValueToJson } from '../../otlp/values';
import { isRecord } from '../jsonText';
import { normalizeFinishReason } from '../readCallDetails';
import { messageOf, toMessages } from './messageShapes';

/** A gen_ai event, whether sent as an OTLP log record or recorded as a span event. */
export interface GenAiEvent {
  name: string | undefined;
  time: string | undefined;
  body: AnyValue | undefined;
  attributes: readonly KeyValue[];
}

const ROLE_EVENTS: Record<string, string> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

function attribute(event: GenAiEvent, key: string): AnyValue | undefined {
  for (const kv of event.attributes) if (kv.key === key) return kv.value;
  return undefined;
}

function eventName(event: GenAiEvent): string | undefined {
  if (event.name) return event.name;
  const v = attribute(event, 'event.name');
  return v?.stringValue;
}

function bodyOf(event: GenAiEvent): unknown {
  return event.body === undefined ? undefined : anyValueToJson(event.body);
}

function compareTime(a: GenAiEvent, b: GenAiEvent): number {
  const ta = a.time ?? '';
  const tb = b.time ?? '';
  if (ta.length !== tb.length) return ta.length - tb.length;
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

/**
 * Messages from gen_ai events: the older per-message events (`gen_ai.user.message`, `gen_ai.choice`…),
 * `gen_ai.client.inference.operation.details`, and `gen_ai.content.prompt` / `.completion` span events.
 */
export function eventMessages(events: readonly GenAiEvent[]): { input: Message[]; output: Message[] } {
  const input: Message[] = [];
  const output: Message[] = [];
  const ordered = [...events].sort(compareTime);
  for (const event of ordered) {
    const name = eventName(event);
    if (!name) continue;
    const role = ROLE_EVENTS[name];
    if (role) {
      const body = bodyOf(event);
      const m = messageOf(isRecord(body) ? { role, ...body } : { role, content: body }, role);
      if (m) input.push(m);
    } else if (name === 'gen_ai.choice') {
      const body = bodyOf(event);
      if (!isRecord(body)) continue;
      const inner = isRecord(body.message) ? body.message : {};
      const m = messageOf({ role: 'assistant', ...inner }, 'assistant');
      if (!m) continue;
      const finish = normalizeFinishReason(typeof body.finish_reason === 'string' ? body.finish_reason : undefined);
      if (finish) m.finishReason = finish;
      output.push(m);
    } else {
      const system = attribute(event, 'gen_ai.system_instructions');
      if (system) input.push(...systemMessages(anyValueToJson(system)));
      const inMessages = attribute(event, 'gen_ai.input.messages') ?? attribute(event, 'gen_ai.prompt');
      if (inMessages) input.push(...toMessages(anyValueToJson(inMessages), 'user'));
      const outMessages = attribute(event, 'gen_ai.output.messages') ?? attribute(event, 'gen_ai.completion');
      if (outMessages) output.push(...toMessages(anyValueToJson(outMessages), 'assistant'));
    }
  }
  return { input, output };
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
