import type { AttributeValue, Message, MessagePart } from '../../../model/traceTypes';
import { DETAIL_JSON_LIMIT, isRecord, parseJsonText, parseTruncatedJsonArray } from '../jsonText';
import { normalizeFinishReason } from '../readCallDetails';
import { setEntry } from '../../../model/plainRecord';

/** Message lists beyond this length are cut; nobody reads the 10,001st message of one call. */
const MAX_MESSAGES = 10_000;
const MAX_DEPTH = 6;

const ROLES: Record<string, string> = {
  human: 'user',
  humanmessage: 'user',
  ai: 'assistant',
  aimessage: 'assistant',
  aimessagechunk: 'assistant',
  model: 'assistant',
  bot: 'assistant',
  systemmessage: 'system',
  developer: 'system',
  toolmessage: 'tool',
  functionmessage: 'tool',
  function: 'tool',
  ipython: 'tool',
};

/** LangChain message dicts say `type: 'human'` where others say `role: 'user'`. */
const LANGCHAIN_TYPES = new Set(['human', 'ai', 'system', 'tool']);

export function normalizeRole(raw: unknown, fallback: string): string {
  if (typeof raw !== 'string' || raw.length === 0) return fallback;
  const id = raw.toLowerCase();
  return ROLES[id] ?? id;
}

/** Nesting deeper than this is cut (JSON can nest far deeper than the stack allows recursion). */
const MAX_VALUE_DEPTH = 64;

/** A JSON value as Loupe's attribute value (what the protocol can carry). */
export function asAttributeValue(value: unknown, depth = 0): AttributeValue {
  if (value === undefined) return null;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (depth >= MAX_VALUE_DEPTH) return '…';
  if (Array.isArray(value)) return value.map((v) => asAttributeValue(v, depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, AttributeValue> = {};
    for (const [k, v] of Object.entries(value)) setEntry(out, k, asAttributeValue(v, depth + 1));
    return out;
  }
  return String(value);
}

/** Tool arguments and results often arrive as JSON strings; parse them when they are. */
export function payload(value: unknown): AttributeValue {
  if (typeof value === 'string') {
    const parsed = parseJsonText(value, DETAIL_JSON_LIMIT);
    return parsed === undefined ? value : asAttributeValue(parsed);
  }
  return asAttributeValue(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function firstDefined(record: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const key of keys) if (record[key] !== undefined && record[key] !== null) return record[key];
  return undefined;
}

function toolCallPart(record: Record<string, unknown>): MessagePart | undefined {
  // OpenAI {id, function:{name, arguments}}; OpenInference {tool_call:{…}}; AI SDK {toolCallId, toolName, input|args}.
  const inner = isRecord(record.tool_call) ? record.tool_call : record;
  const fn = isRecord(inner.function) ? inner.function : isRecord(inner.functionCall) ? inner.functionCall : inner;
  const name = str(fn.name) ?? str(inner.toolName) ?? str(inner.name);
  if (!name) return undefined;
  const id = str(inner.id) ?? str(inner.toolCallId) ?? str(inner.call_id) ?? str(fn.id);
  const args = firstDefined(fn, ['arguments', 'args', 'input', 'parameters']) ?? firstDefined(inner, ['arguments', 'args', 'input']);
  const part: MessagePart = { type: 'tool_call', name };
  if (id !== undefined) part.id = id;
  if (args !== undefined) part.arguments = payload(args);
  return part;
}

/** AI SDK wraps tool outputs as {type:'json'|'text', value}. */
function unwrapOutput(result: unknown): unknown {
  if (isRecord(result) && typeof result.type === 'string' && 'value' in result && Object.keys(result).length === 2) return result.value;
  return result;
}

function toolResultPart(id: unknown, result: unknown): MessagePart {
  const part: MessagePart = { type: 'tool_result' };
  if (typeof id === 'string') part.id = id;
  if (result !== undefined) part.result = payload(unwrapOutput(result));
  return part;
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isRecord(value) && typeof value.value === 'string') return value.value;
  return undefined;
}

/** Responses API reasoning items carry `summary: [{type:'summary_text', text}]`. */
function summaryText(summary: unknown): string | undefined {
  if (!Array.isArray(summary)) return undefined;
  const texts = summary.map((s) => (isRecord(s) ? textOf(s.text) : textOf(s))).filter((t): t is string => t !== undefined);
  return texts.length > 0 ? texts.join('\n') : undefined;
}

/** One content part in any of the shapes providers and conventions use. */
function partOf(item: unknown): MessagePart | undefined {
  if (item === null || item === undefined) return undefined;
  if (typeof item === 'string') return { type: 'text', content: item };
  if (!isRecord(item)) return { type: 'other', content: asAttributeValue(item) };
  // OpenInference flattened contents: {message_content: {type, text}}.
  if (isRecord(item.message_content)) return partOf(item.message_content);
  const type = typeof item.type === 'string' ? item.type.toLowerCase() : undefined;
  switch (type) {
    case 'text':
    case 'input_text':
    case 'output_text': {
      const text = textOf(item.content) ?? textOf(item.text);
      return text !== undefined ? { type: 'text', content: text } : { type: 'other', content: asAttributeValue(item) };
    }
    case 'tool_call':
    case 'tool-call':
    case 'tool_use':
    case 'function_call':
    case 'function':
      return toolCallPart(item) ?? { type: 'other', content: asAttributeValue(item) };
    case 'reasoning':
    case 'thinking': {
      const text = textOf(item.content) ?? textOf(item.text) ?? textOf(item.thinking) ?? summaryText(item.summary);
      return text !== undefined ? { type: 'reasoning', content: text } : { type: 'other', content: asAttributeValue(item) };
    }
    case 'tool_call_response':
    case 'tool_result':
    case 'tool-result':
    case 'function_call_output':
      return toolResultPart(
        item.id ?? item.toolCallId ?? item.tool_use_id ?? item.call_id,
        firstDefined(item, ['result', 'response', 'output', 'content']),
      );
    default:
      break;
  }
  if (type === undefined) {
    if (typeof item.text === 'string') return { type: 'text', content: item.text };
    if (isRecord(item.functionCall)) return toolCallPart(item.functionCall);
    if (isRecord(item.functionResponse)) {
      const fr = item.functionResponse;
      return toolResultPart(fr.id ?? fr.name, fr.response);
    }
  }
  return { type: 'other', content: asAttributeValue(item) };
}

function partsOf(content: unknown): MessagePart[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return content.length > 0 ? [{ type: 'text', content }] : [];
  if (Array.isArray(content)) {
    const parts: MessagePart[] = [];
    for (const item of content) {
      const part = partOf(item);
      if (part) parts.push(part);
    }
    return parts;
  }
  const part = partOf(content);
  return part ? [part] : [];
}

function toolCallsOf(list: unknown): MessagePart[] {
  if (!Array.isArray(list)) return [];
  const parts: MessagePart[] = [];
  for (const item of list) {
    if (!isRecord(item)) continue;
    const part = toolCallPart(item);
    if (part) parts.push(part);
  }
  return parts;
}

/** LangChain serialized messages: {lc, type:'constructor', id:[…,'HumanMessage'], kwargs:{…}}. */
function unwrapLangChain(record: Record<string, unknown>): { record: Record<string, unknown>; role?: string } {
  if (record.lc !== undefined && Array.isArray(record.id) && isRecord(record.kwargs)) {
    const cls = record.id[record.id.length - 1];
    return { record: record.kwargs, role: typeof cls === 'string' ? cls : undefined };
  }
  return { record };
}

/** True when an object looks like a chat message in some convention. */
export function isMessageLike(value: unknown): boolean {
  if (!isRecord(value)) return false;
  if (typeof value.role === 'string') return true;
  if (isRecord(value.message)) return true;
  if (value.lc !== undefined && isRecord(value.kwargs)) return true;
  if (Array.isArray(value.parts)) return true;
  return typeof value.type === 'string' && LANGCHAIN_TYPES.has(value.type);
}

/** One message from any convention's message object. */
export function messageOf(value: unknown, fallbackRole: string): Message | undefined {
  if (typeof value === 'string') return { role: fallbackRole, parts: [{ type: 'text', content: value }] };
  if (!isRecord(value)) return undefined;
  const unwrapped = unwrapLangChain(isRecord(value.message) && !value.role ? value.message : value);
  const record = unwrapped.record;
  const langChainType = typeof record.type === 'string' && LANGCHAIN_TYPES.has(record.type) ? record.type : undefined;
  const role = normalizeRole(unwrapped.role ?? record.role ?? langChainType, fallbackRole);
  // OpenInference completions-API prompts are flattened as {prompt: {text}}.
  const promptText = isRecord(record.prompt) ? record.prompt.text : undefined;
  let parts = partsOf(record.parts ?? record.content ?? record.contents ?? record.text ?? promptText);
  const toolCallId = str(record.tool_call_id) ?? str(record.toolCallId) ?? (role === 'tool' ? str(record.id) : undefined);
  // An OpenAI tool message: its content is the tool's result.
  if (role === 'tool' && parts.every((p) => p.type === 'text')) {
    const content = record.content;
    parts =
      content === undefined || content === null
        ? []
        : [toolResultPart(toolCallId, typeof content === 'string' ? content : asAttributeValue(content))];
    if (parts.length === 0 && toolCallId) parts = [toolResultPart(toolCallId, undefined)];
  }
  parts.push(...toolCallsOf(record.tool_calls ?? record.toolCalls));
  if (isRecord(record.function_call)) {
    const legacy = toolCallPart(record.function_call);
    if (legacy) parts.push(legacy);
  }
  const message: Message = { role, parts };
  const finish = normalizeFinishReason(str(record.finish_reason) ?? str(record.finishReason) ?? str(record.stop_reason));
  if (finish) message.finishReason = finish;
  const name = str(record.name);
  if (name) message.name = name;
  return message;
}

/** Reads the messages out of a request or response body of a known API shape, if it is one. */
function messagesOfBody(record: Record<string, unknown>, fallbackRole: string, depth: number): Message[] | undefined {
  // Chat Completions response: {choices:[{message, finish_reason}]}.
  if (Array.isArray(record.choices)) {
    const out: Message[] = [];
    for (const choice of record.choices) {
      if (!isRecord(choice)) continue;
      const m = messageOf(choice.message ?? choice.delta ?? { role: 'assistant', content: choice.text }, 'assistant');
      if (!m) continue;
      const finish = normalizeFinishReason(str(choice.finish_reason));
      if (finish) m.finishReason = finish;
      out.push(m);
    }
    return out;
  }
  // Responses API: request {instructions, input}, response {output:[…]}.
  if (record.object === 'response' && Array.isArray(record.output)) return responseItems(record.output, 'assistant');
  if (Array.isArray(record.messages) || record.instructions !== undefined || record.system !== undefined) {
    const out: Message[] = [];
    const system = record.instructions ?? record.system;
    if (typeof system === 'string') out.push({ role: 'system', parts: [{ type: 'text', content: system }] });
    else if (Array.isArray(system)) out.push({ role: 'system', parts: partsOf(system) });
    if (Array.isArray(record.messages)) out.push(...toMessages(record.messages, fallbackRole, depth + 1));
    if (record.input !== undefined) out.push(...responseInput(record.input, depth));
    if (record.prompt !== undefined) out.push(...toMessages(record.prompt, fallbackRole, depth + 1));
    return out;
  }
  if (record.input !== undefined && record.model !== undefined) return responseInput(record.input, depth);
  // Anthropic response: {role:'assistant', content:[…], stop_reason}.
  if (record.type === 'message' && record.role !== undefined) {
    const m = messageOf(record, 'assistant');
    return m ? [m] : [];
  }
  // LangChain LLMResult: {generations:[[{text, message}]]}.
  if (Array.isArray(record.generations)) {
    const out: Message[] = [];
    for (const group of record.generations) {
      for (const gen of Array.isArray(group) ? group : [group]) {
        if (!isRecord(gen)) continue;
        const m = messageOf(gen.message ?? { role: 'assistant', content: gen.text }, 'assistant');
        if (m) out.push(m);
      }
    }
    return out;
  }
  return undefined;
}

function responseInput(input: unknown, depth: number): Message[] {
  if (typeof input === 'string') return [{ role: 'user', parts: [{ type: 'text', content: input }] }];
  return Array.isArray(input) ? responseItems(input, 'user') : toMessages(input, 'user', depth + 1);
}

/** Responses API items: messages, function calls and their outputs. */
function responseItems(items: readonly unknown[], fallbackRole: string): Message[] {
  const out: Message[] = [];
  for (const item of items) {
    if (!isRecord(item)) continue;
    if (item.type === 'function_call') {
      const part = toolCallPart(item);
      if (part) out.push({ role: 'assistant', parts: [part] });
    } else if (item.type === 'function_call_output') {
      out.push({ role: 'tool', parts: [toolResultPart(item.call_id, item.output)] });
    } else if (item.type === 'reasoning') {
      const part = partOf(item);
      if (part) out.push({ role: 'assistant', parts: [part] });
    } else {
      const m = messageOf(item, fallbackRole);
      if (m) out.push(m);
    }
    if (out.length >= MAX_MESSAGES) break;
  }
  return out;
}

/**
 * Messages from any value a convention stores them in: a message list, a request or response body,
 * a wrapper object (`{messages}`, `{inputs}`, `{outputs}`), a JSON string of any of those, or plain
 * text. Values that hold no messages become one message with the value as its content.
 */
export function toMessages(value: unknown, fallbackRole: string, depth = 0): Message[] {
  if (value === undefined || value === null) return [];
  if (depth > MAX_DEPTH) return [{ role: fallbackRole, parts: [{ type: 'other', content: asAttributeValue(value) }] }];
  if (typeof value === 'string') {
    const parsed = parseJsonText(value, DETAIL_JSON_LIMIT);
    if (parsed !== undefined) return toMessages(parsed, fallbackRole, depth + 1);
    // A message list cut short (e.g. by Loupe's value size limit): keep the messages that survived whole.
    const partial = parseTruncatedJsonArray(value, DETAIL_JSON_LIMIT);
    if (partial && partial.some(isMessageLike)) {
      const rest = value.length > 200 ? `…${value.slice(-200)}` : value;
      return [...toMessages(partial, fallbackRole, depth + 1), { role: fallbackRole, parts: [{ type: 'other', content: rest }] }];
    }
    return value.length > 0 ? [{ role: fallbackRole, parts: [{ type: 'text', content: value }] }] : [];
  }
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => isMessageLike(v) || Array.isArray(v))) {
      const out: Message[] = [];
      for (const item of value) {
        if (Array.isArray(item)) out.push(...toMessages(item, fallbackRole, depth + 1));
        else {
          const m = messageOf(item, fallbackRole);
          if (m) out.push(m);
        }
        if (out.length >= MAX_MESSAGES) break;
      }
      return out;
    }
    if (value.length > 0 && value.some((v) => isRecord(v) && (v.type === 'function_call' || v.type === 'message'))) {
      return responseItems(value, fallbackRole);
    }
    const parts = partsOf(value);
    return parts.length > 0 ? [{ role: fallbackRole, parts }] : [];
  }
  if (!isRecord(value)) return [{ role: fallbackRole, parts: [{ type: 'other', content: asAttributeValue(value) }] }];
  if (isMessageLike(value)) {
    const m = messageOf(value, fallbackRole);
    return m ? [m] : [];
  }
  const body = messagesOfBody(value, fallbackRole, depth);
  if (body) return body;
  // Wrappers written by tracing SDKs around a function's inputs or outputs.
  for (const key of ['messages', 'inputs', 'outputs', 'input', 'output', 'prompt', 'completion']) {
    const inner = value[key];
    if (inner === undefined || inner === null) continue;
    if (Object.keys(value).length === 1 || (key === 'messages' && Array.isArray(inner))) return toMessages(inner, fallbackRole, depth + 1);
  }
  return [{ role: fallbackRole, parts: [{ type: 'other', content: asAttributeValue(value) }] }];
}
