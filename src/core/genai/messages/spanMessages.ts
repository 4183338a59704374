import type { Message, MessagePart, SpanKind } from '../../../model/traceTypes';
import { anyValueToJson } from '../../otlp/values';
import type { AttributeMap } from '../attributeMap';
import { DETAIL_JSON_LIMIT, parseJsonText } from '../jsonText';
import { normalizeFinishReason } from '../readCallDetails';
import { eventListMessages, eventMessages, systemMessages, type GenAiEvent } from './eventMessages';
import { flattenedMessages, unflattenList } from './flattenedMessages';
import { payload, toMessages } from './messageShapes';

export interface SpanMessages {
  input: Message[];
  output: Message[];
}

function structured(attrs: AttributeMap, key: string, fallbackRole: string): Message[] | undefined {
  const raw = attrs.raw(key);
  if (!raw) return undefined;
  return toMessages(anyValueToJson(raw), fallbackRole);
}

/** `gen_ai.prompt` is Traceloop's indexed prefix, or (LangSmith) one JSON string of the run's inputs. */
function wholeValue(attrs: AttributeMap, key: string, fallbackRole: string): Message[] | undefined {
  const text = attrs.string(key);
  return text ? toMessages(text, fallbackRole) : undefined;
}

/** AI SDK embedding values are JSON texts of each value (`"\"hello\""`). */
function embeddedValuePart(text: string): MessagePart {
  let value: unknown;
  if (text.startsWith('"') && text.length <= DETAIL_JSON_LIMIT) {
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
  } else value = payload(text);
  return typeof value === 'string' ? { type: 'text', content: value } : { type: 'other', content: payload(value) };
}

function aiSdkInput(attrs: AttributeMap): Message[] | undefined {
  const messages = attrs.string('ai.prompt.messages');
  if (messages) return toMessages(messages, 'user');
  const prompt = attrs.string('ai.prompt');
  if (prompt) return toMessages(prompt, 'user');
  const values = attrs.raw('ai.values');
  if (values?.arrayValue) {
    const parts = values.arrayValue.values.map((v) =>
      v.stringValue !== undefined ? embeddedValuePart(v.stringValue) : ({ type: 'other', content: anyValueToJson(v) } as MessagePart),
    );
    return [{ role: 'user', parts }];
  }
  const value = attrs.string('ai.value');
  return value ? [{ role: 'user', parts: [embeddedValuePart(value)] }] : undefined;
}

function aiSdkOutput(attrs: AttributeMap): Message[] | undefined {
  const text = attrs.string('ai.response.text');
  const object = attrs.string('ai.response.object');
  const toolCalls = attrs.string('ai.response.toolCalls');
  const reasoning = attrs.string('ai.response.reasoning') ?? attrs.string('ai.response.reasoningText');
  if (text === undefined && object === undefined && toolCalls === undefined && reasoning === undefined) return undefined;
  const parts: MessagePart[] = [];
  if (reasoning) parts.push({ type: 'reasoning', content: reasoning });
  if (text) parts.push({ type: 'text', content: text });
  if (object) parts.push({ type: 'text', content: object });
  if (toolCalls) {
    const calls = parseJsonText(toolCalls, DETAIL_JSON_LIMIT);
    const message = toMessages({ role: 'assistant', tool_calls: Array.isArray(calls) ? calls : [] }, 'assistant')[0];
    if (message) parts.push(...message.parts);
  }
  const m: Message = { role: 'assistant', parts };
  const finish = normalizeFinishReason(attrs.string('ai.response.finishReason'));
  if (finish) m.finishReason = finish;
  return [m];
}

function embeddingInput(attrs: AttributeMap): Message[] | undefined {
  const items = unflattenList(attrs, 'embedding.embeddings.');
  const parts: MessagePart[] = [];
  for (const item of items) {
    const text = (item as { embedding?: { text?: unknown } })?.embedding?.text;
    if (typeof text === 'string') parts.push({ type: 'text', content: text });
  }
  return parts.length > 0 ? [{ role: 'user', parts }] : undefined;
}

/** OpenInference `input.value` / `output.value`: JSON or text according to the mime type. */
function valueMessages(attrs: AttributeMap, key: string, fallbackRole: string): Message[] | undefined {
  const text = attrs.string(key);
  if (!text) return undefined;
  const mime = attrs.string(`${key.slice(0, key.indexOf('.'))}.mime_type`);
  if (mime === 'text/plain') return [{ role: fallbackRole, parts: [{ type: 'text', content: text }] }];
  return toMessages(text, fallbackRole);
}

function first(...candidates: Array<() => Message[] | undefined>): Message[] | undefined {
  for (const candidate of candidates) {
    const found = candidate();
    if (found && found.length > 0) return found;
  }
  return undefined;
}

/**
 * Input and output messages of one span, from the most structured encoding present: OTel
 * `gen_ai.*.messages`, OpenInference and Traceloop flattened lists, AI SDK keys, gen_ai events
 * (log records or span events), then the generic input/output payloads of each convention.
 */
export function spanMessages(attrs: AttributeMap, kind: SpanKind, events: readonly GenAiEvent[]): SpanMessages {
  const eventList = attrs.raw('events') ?? attrs.raw('all_messages_events');
  const fromEvents =
    (eventList && eventListMessages(anyValueToJson(eventList))) || (events.length > 0 ? eventMessages(events) : { input: [], output: [] });
  // Tool spans carry arguments and results, shown as the tool call rather than as messages.
  const generic = kind !== 'tool';

  let input =
    first(
      () => structured(attrs, 'gen_ai.input.messages', 'user'),
      () => flattenedMessages(attrs, 'llm.input_messages.', 'user'),
      () => flattenedMessages(attrs, 'gen_ai.prompt.', 'user'),
      () => flattenedMessages(attrs, 'llm.prompts.', 'user'),
      () => aiSdkInput(attrs),
      () => fromEvents.input,
      () => (kind === 'embedding' ? embeddingInput(attrs) : undefined),
      () => (generic ? structured(attrs, 'langfuse.observation.input', 'user') : undefined),
      () => (generic ? valueMessages(attrs, 'input.value', 'user') : undefined),
      () => (generic ? wholeValue(attrs, 'traceloop.entity.input', 'user') : undefined),
      () => (generic ? wholeValue(attrs, 'gen_ai.prompt', 'user') : undefined),
    ) ?? [];
  const system = attrs.raw('gen_ai.system_instructions');
  if (system && !input.some((m) => m.role === 'system')) input = [...systemMessages(anyValueToJson(system)), ...input];

  const output =
    first(
      () => structured(attrs, 'gen_ai.output.messages', 'assistant'),
      () => flattenedMessages(attrs, 'llm.output_messages.', 'assistant'),
      () => flattenedMessages(attrs, 'gen_ai.completion.', 'assistant'),
      () => flattenedMessages(attrs, 'llm.completions.', 'assistant'),
      () => aiSdkOutput(attrs),
      () => fromEvents.output,
      () => (generic && kind !== 'embedding' ? structured(attrs, 'langfuse.observation.output', 'assistant') : undefined),
      () => (generic && kind !== 'embedding' ? valueMessages(attrs, 'output.value', 'assistant') : undefined),
      () => (generic ? wholeValue(attrs, 'traceloop.entity.output', 'assistant') : undefined),
      () => (generic ? wholeValue(attrs, 'gen_ai.completion', 'assistant') : undefined),
    ) ?? [];

  // A single reported finish reason belongs to the last output message when it did not say its own.
  const finish = normalizeFinishReason(attrs.firstOfList('gen_ai.response.finish_reasons') ?? attrs.string('llm.finish_reason'));
  const last = output[output.length - 1];
  if (finish && last && !last.finishReason && last.role === 'assistant') last.finishReason = finish;
  return { input, output };
}
