import type { AttributeValue, Message, MessagePart, Span } from '../traceTypes';

/** The parts of a span a run diff compares besides timing. */
export type ContentSpan = Pick<Span, 'status' | 'model' | 'requestModel' | 'messages' | 'tool' | 'attributes'>;

export interface LabelledText {
  label: string;
  text: string;
}

/** What was asked and answered in one span, as comparable text. */
export interface CallContent {
  model?: string;
  /** Request parameters by key, each value as JSON text. */
  parameters: Map<string, string>;
  system: string;
  messages: LabelledText[];
  outputs: LabelledText[];
  tools: string;
  toolCall: string;
}

function json(value: AttributeValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2);
}

/** Attribute values arrive as JSON inside strings as often as structured; show both alike. */
function jsonOrText(value: AttributeValue | undefined): string {
  if (typeof value === 'string') {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return json(value);
}

function partText(part: MessagePart): string {
  switch (part.type) {
    case 'text':
      return part.content;
    case 'reasoning':
      return `[reasoning] ${part.content}`;
    case 'tool_call':
      return `→ ${part.name}(${part.arguments === undefined ? '' : jsonOrText(part.arguments)})`;
    case 'tool_result':
      return `← ${jsonOrText(part.result)}`;
    default:
      return json(part.content);
  }
}

export function messageText(message: Message): string {
  return message.parts.map(partText).join('\n');
}

const PARAMETER_PREFIXES = ['gen_ai.request.', 'llm.request.'];
const NOT_PARAMETERS = new Set(['gen_ai.request.model', 'llm.request.model']);

function parameters(attributes: Span['attributes']): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(attributes)) {
    if (NOT_PARAMETERS.has(key) || !PARAMETER_PREFIXES.some((p) => key.startsWith(p))) continue;
    out.set(key, JSON.stringify(value));
  }
  // OpenInference puts the parameters into one JSON string.
  const invocation = attributes['llm.invocation_parameters'];
  if (typeof invocation === 'string') {
    try {
      const parsed: unknown = JSON.parse(invocation);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        for (const [key, value] of Object.entries(parsed)) if (key !== 'model') out.set(key, JSON.stringify(value));
      }
    } catch {
      out.set('llm.invocation_parameters', JSON.stringify(invocation));
    }
  }
  return out;
}

function toolDefinitions(attributes: Span['attributes']): string {
  const parts: string[] = [];
  const definitions = attributes['gen_ai.tool.definitions'];
  if (definitions !== undefined) parts.push(jsonOrText(definitions));
  // OpenInference: llm.tools.<i>.tool.json_schema, in index order.
  const indexed: [number, string][] = [];
  for (const [key, value] of Object.entries(attributes)) {
    const match = /^llm\.tools\.(\d+)\.tool\.json_schema$/.exec(key);
    if (match) indexed.push([Number(match[1]), jsonOrText(value)]);
  }
  indexed.sort((x, y) => x[0] - y[0]);
  for (const [, text] of indexed) parts.push(text);
  return parts.join('\n');
}

export function callContent(span: ContentSpan): CallContent {
  const system: string[] = [];
  const messages: LabelledText[] = [];
  for (const message of span.messages.input) {
    if (message.role === 'system') system.push(messageText(message));
    else messages.push({ label: `message ${messages.length + 1} (${message.role})`, text: messageText(message) });
  }
  const outputs = span.messages.output.map((message, i) => ({ label: `output ${i + 1} (${message.role})`, text: messageText(message) }));
  const tool = span.tool;
  const toolCall = tool ? [tool.name ?? '', jsonOrText(tool.arguments), jsonOrText(tool.result)].join('\n') : '';
  return {
    model: span.requestModel ?? span.model,
    parameters: parameters(span.attributes),
    system: system.join('\n'),
    messages,
    outputs,
    tools: toolDefinitions(span.attributes),
    toolCall,
  };
}

function sameTexts(x: readonly LabelledText[], y: readonly LabelledText[]): boolean {
  return x.length === y.length && x.every((t, i) => t.text === y[i].text);
}

function sameParameters(x: Map<string, string>, y: Map<string, string>): boolean {
  if (x.size !== y.size) return false;
  for (const [key, value] of x) if (y.get(key) !== value) return false;
  return true;
}

/** What differs between two matched spans, besides timing and usage; empty when nothing does. */
export function contentChanges(a: ContentSpan, b: ContentSpan): string[] {
  const changes: string[] = [];
  if (a.status !== b.status) changes.push('status');
  const ca = callContent(a);
  const cb = callContent(b);
  if (ca.model !== cb.model) changes.push('model');
  if (!sameParameters(ca.parameters, cb.parameters)) changes.push('parameters');
  if (ca.system !== cb.system) changes.push('system prompt');
  if (!sameTexts(ca.messages, cb.messages)) changes.push('messages');
  if (!sameTexts(ca.outputs, cb.outputs)) changes.push('output');
  if (ca.tools !== cb.tools) changes.push('tools');
  if (ca.toolCall !== cb.toolCall) changes.push('tool call');
  return changes;
}
