import type { KeyValue, OtlpLogRecord } from '../../model/otlpTypes';
import type { AttributeValue, TokenCounts } from '../../model/traceTypes';
import { AttributeMap, valueString } from '../genai/attributeMap';
import { anyValueToJson, nanosToMs } from '../otlp/values';

/**
 * Coding agents report their work as log events (Claude Code `claude_code.*`, Codex `codex.*`,
 * Gemini CLI `gemini_cli.*`): the user's prompt, each model request with its tokens and cost,
 * each tool call with its arguments and result. This reads one record into the event it reports,
 * so a session can be told from them when spans are missing, internal or incomplete.
 */
export type AgentLogEvent = PromptEvent | ModelCallEvent | ToolCallEvent;

interface EventBase {
  sessionId: string;
  /** `service.name` of the record's resource. */
  service?: string;
  /** Unix ms. */
  time: number;
  traceId?: string;
  spanId?: string;
  /** The agent's id for the prompt (turn) this belongs to, when it sends one. */
  promptId?: string;
}

export interface PromptEvent extends EventBase {
  type: 'prompt';
  text: string;
}

export interface ModelCallEvent extends EventBase {
  type: 'model_call';
  model?: string;
  tokens: TokenCounts;
  costUsd?: number;
  /** The provider's request or response id, to find the span of the same call. */
  requestId?: string;
  durationMs?: number;
  error?: string;
}

export interface ToolCallEvent extends EventBase {
  type: 'tool_call';
  name: string;
  callId?: string;
  arguments?: AttributeValue;
  result?: AttributeValue;
  durationMs?: number;
  error?: string;
}

/** Keys that carry the session (conversation) id on agent log records and their resources. */
const SESSION_KEYS = ['session.id', 'gen_ai.conversation.id', 'conversation.id'];

/**
 * The event name: the `event.name` attribute, else OTLP `event_name`. The attribute wins because
 * Codex's Rust exporter fills `event_name` with the tracing kind (`event`) and names the event in
 * the attribute.
 */
function eventNameOf(log: OtlpLogRecord, attrs: AttributeMap): string | undefined {
  return attrs.string('event.name') ?? (log.eventName || undefined);
}

/** Time of the record: its own time, the observed time, or an `event.timestamp` ISO string. */
function timeOf(log: OtlpLogRecord, attrs: AttributeMap): number {
  const stamp = attrs.string('event.timestamp');
  const parsed = stamp ? Date.parse(stamp) : NaN;
  if (Number.isFinite(parsed)) return parsed;
  return nanosToMs(log.timeUnixNano ?? log.observedTimeUnixNano);
}

function count(attrs: AttributeMap, key: string): number {
  const n = attrs.number(key);
  return n !== undefined && n > 0 ? n : 0;
}

function withTotal(t: Omit<TokenCounts, 'total'>): TokenCounts {
  return { ...t, total: t.input + t.output };
}

/** An event with text only when it has some: `{}` AnyValues (Gemini sends them) read as absent. */
function textOf(attrs: AttributeMap, key: string): string | undefined {
  return valueString(attrs.raw(key));
}

function jsonOf(attrs: AttributeMap, key: string): AttributeValue | undefined {
  const raw = attrs.raw(key);
  if (raw === undefined) return undefined;
  const value = anyValueToJson(raw);
  return value === null ? undefined : value;
}

function failed(attrs: AttributeMap): boolean {
  return attrs.bool('success') === false;
}

/** Reads one log record; `resource` supplies the session id when the record lacks it (Gemini CLI). */
export function readAgentLogEvent(log: OtlpLogRecord, resource: readonly KeyValue[] | undefined): AgentLogEvent | undefined {
  const attrs = new AttributeMap(log.attributes);
  let name = eventNameOf(log, attrs);
  if (!name) {
    // Claude Code puts `claude_code.<event>` in the body and `<event>` in `event.name`; a body alone also names it.
    const body = log.body?.stringValue;
    if (body && /^claude_code\.[a-z_]+$/.test(body)) name = body;
    else return undefined;
  }
  if (!name.includes('.') && log.body?.stringValue?.startsWith('claude_code.')) name = `claude_code.${name}`;
  const resourceAttrs = resource ? new AttributeMap(resource) : undefined;
  const sessionId = attrs.firstString(SESSION_KEYS) ?? resourceAttrs?.firstString(SESSION_KEYS);
  if (!sessionId) return undefined;
  const base: EventBase = { sessionId, time: timeOf(log, attrs) };
  const service = resourceAttrs?.string('service.name');
  if (service) base.service = service;
  if (log.traceId) base.traceId = log.traceId;
  if (log.spanId) base.spanId = log.spanId;
  const promptId = attrs.firstString(['prompt.id', 'prompt_id']);
  if (promptId) base.promptId = promptId;

  switch (name) {
    case 'claude_code.user_prompt':
    case 'codex.user_prompt':
    case 'gemini_cli.user_prompt': {
      const text = textOf(attrs, 'prompt') ?? textOf(attrs, 'prompt_text');
      return text === undefined ? undefined : { ...base, type: 'prompt', text };
    }
    case 'claude_code.api_request': {
      // Anthropic's input_tokens excludes cache reads and writes; Loupe's input includes them.
      const cacheRead = count(attrs, 'cache_read_tokens');
      const cacheWrite = count(attrs, 'cache_creation_tokens');
      const event: ModelCallEvent = {
        ...base,
        type: 'model_call',
        tokens: withTotal({
          input: count(attrs, 'input_tokens') + cacheRead + cacheWrite,
          output: count(attrs, 'output_tokens'),
          cacheRead,
          cacheWrite,
          reasoning: 0,
        }),
      };
      return completeCall(event, attrs, 'cost_usd');
    }
    case 'claude_code.api_error': {
      const event: ModelCallEvent = {
        ...base,
        type: 'model_call',
        tokens: withTotal({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 }),
      };
      event.error = textOf(attrs, 'error') ?? 'the model request failed';
      return completeCall(event, attrs, 'cost_usd');
    }
    case 'codex.sse_event': {
      // Only the completed response carries usage; Codex sends a second `response.completed` without it.
      if (attrs.string('event.kind') !== 'response.completed' || !attrs.has('input_token_count')) return undefined;
      const reasoning = count(attrs, 'reasoning_token_count');
      const event: ModelCallEvent = {
        ...base,
        type: 'model_call',
        tokens: withTotal({
          input: count(attrs, 'input_token_count'),
          output: count(attrs, 'output_token_count'),
          cacheRead: count(attrs, 'cached_token_count'),
          cacheWrite: count(attrs, 'cache_write_token_count'),
          reasoning,
        }),
      };
      return completeCall(event, attrs, undefined);
    }
    case 'gemini_cli.api_response': {
      // Gemini counts thoughts apart from candidates; cached tokens are part of the input.
      const reasoning = count(attrs, 'thoughts_token_count');
      const event: ModelCallEvent = {
        ...base,
        type: 'model_call',
        tokens: withTotal({
          input: count(attrs, 'input_token_count'),
          output: count(attrs, 'output_token_count') + reasoning,
          cacheRead: count(attrs, 'cached_content_token_count'),
          cacheWrite: 0,
          reasoning,
        }),
      };
      return completeCall(event, attrs, undefined);
    }
    case 'gemini_cli.api_error': {
      const event: ModelCallEvent = {
        ...base,
        type: 'model_call',
        tokens: withTotal({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 }),
      };
      event.error = textOf(attrs, 'error') ?? textOf(attrs, 'error.message') ?? 'the model request failed';
      return completeCall(event, attrs, undefined);
    }
    case 'claude_code.tool_result':
    case 'codex.tool_result':
    case 'gemini_cli.tool_call': {
      const toolName = attrs.firstString(['tool_name', 'function_name']);
      if (!toolName) return undefined;
      const event: ToolCallEvent = { ...base, type: 'tool_call', name: toolName };
      const callId = attrs.firstString(['tool_use_id', 'call_id', 'callId']);
      if (callId) event.callId = callId;
      const args = jsonOf(attrs, 'tool_input') ?? jsonOf(attrs, 'arguments') ?? jsonOf(attrs, 'function_args');
      if (args !== undefined) event.arguments = args;
      const result = jsonOf(attrs, 'output') ?? jsonOf(attrs, 'tool_result');
      if (result !== undefined) event.result = result;
      const duration = attrs.number('duration_ms');
      if (duration !== undefined) event.durationMs = duration;
      if (failed(attrs)) event.error = textOf(attrs, 'error') ?? 'the tool call failed';
      return event;
    }
    default:
      return undefined;
  }
}

function completeCall(event: ModelCallEvent, attrs: AttributeMap, costKey: string | undefined): ModelCallEvent {
  const model = attrs.string('model');
  if (model) event.model = model;
  if (costKey) {
    const cost = attrs.number(costKey);
    if (cost !== undefined && cost >= 0) event.costUsd = cost;
  }
  const requestId = attrs.firstString(['request_id', 'gen_ai.response.id', 'response_id']);
  if (requestId) event.requestId = requestId;
  const duration = attrs.number('duration_ms');
  if (duration !== undefined) event.durationMs = duration;
  return event;
}
