import type { AttributeValue, Message, MessagePart } from '../../model/traceTypes';
import type { ReplayDraft } from '../../model/replayTypes';

/** The HTTP request a replay sends: exactly what the provider's official SDK puts on the wire. */
export interface WireRequest {
  url: string;
  /** Without credentials; the runner adds the key header (`secretHeader`). */
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export const ANTHROPIC_VERSION = '2023-06-01';
/** Anthropic requires max_tokens; used when the recording did not say. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 1024;

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}

function textOf(parts: readonly MessagePart[]): string {
  return parts.flatMap((p) => (p.type === 'text' || p.type === 'reasoning' ? [p.content] : [])).join('');
}

function asJsonText(value: AttributeValue | undefined): string {
  if (value === undefined) return '{}';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function asObject(value: AttributeValue | undefined): unknown {
  if (typeof value !== 'string') return value ?? {};
  try {
    return JSON.parse(value);
  } catch {
    return { input: value };
  }
}

function resultText(value: AttributeValue | undefined): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? '');
}

/** The tool-call id a part refers to, or one made up from its position (every call needs one on the wire). */
function callId(id: string | undefined, index: number): string {
  return id && id !== '' ? id : `call_${index}`;
}

function chatMessages(draft: ReplayDraft): unknown[] {
  const out: unknown[] = [];
  if (draft.system !== '') out.push({ role: 'system', content: draft.system });
  let calls = 0;
  for (const message of draft.messages) {
    const text = textOf(message.parts);
    if (message.role === 'tool' || message.parts.some((p) => p.type === 'tool_result')) {
      for (const part of message.parts) {
        if (part.type === 'tool_result')
          out.push({ role: 'tool', tool_call_id: callId(part.id, calls++), content: resultText(part.result) });
      }
      if (!message.parts.some((p) => p.type === 'tool_result'))
        out.push({ role: 'tool', tool_call_id: callId(undefined, calls++), content: text });
      continue;
    }
    const toolCalls = message.parts.flatMap((p) =>
      p.type === 'tool_call'
        ? [{ id: callId(p.id, calls++), type: 'function', function: { name: p.name, arguments: asJsonText(p.arguments) } }]
        : [],
    );
    if (message.role === 'assistant') {
      out.push({
        role: 'assistant',
        content: text === '' && toolCalls.length > 0 ? null : text,
        ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
      });
    } else {
      out.push({ role: message.role, content: text });
    }
  }
  return out;
}

function responsesInput(draft: ReplayDraft): unknown[] {
  const out: unknown[] = [];
  let calls = 0;
  for (const message of draft.messages) {
    const text = textOf(message.parts);
    const role = message.role === 'tool' ? 'user' : message.role;
    if (text !== '' && message.role !== 'tool') out.push({ role, content: text });
    for (const part of message.parts) {
      if (part.type === 'tool_call') {
        out.push({ type: 'function_call', call_id: callId(part.id, calls++), name: part.name, arguments: asJsonText(part.arguments) });
      } else if (part.type === 'tool_result') {
        out.push({ type: 'function_call_output', call_id: callId(part.id, calls++), output: resultText(part.result) });
      }
    }
    if (message.role === 'tool' && !message.parts.some((p) => p.type === 'tool_result')) {
      out.push({ type: 'function_call_output', call_id: callId(undefined, calls++), output: text });
    }
  }
  return out;
}

function anthropicMessages(draft: ReplayDraft): unknown[] {
  const out: { role: 'user' | 'assistant'; content: unknown[] }[] = [];
  let calls = 0;
  for (const message of draft.messages) {
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const content: unknown[] = [];
    for (const part of message.parts) {
      if (part.type === 'text' && part.content !== '') content.push({ type: 'text', text: part.content });
      else if (part.type === 'tool_call')
        content.push({ type: 'tool_use', id: callId(part.id, calls++), name: part.name, input: asObject(part.arguments) });
      else if (part.type === 'tool_result')
        content.push({ type: 'tool_result', tool_use_id: callId(part.id, calls++), content: resultText(part.result) });
    }
    if (content.length === 0) continue;
    // Anthropic wants user and assistant turns to alternate; consecutive turns of one role are merged.
    const last = out[out.length - 1];
    if (last && last.role === role) last.content.push(...content);
    else out.push({ role, content });
  }
  return out;
}

/** The request of a draft for its API (not for the editor's own models, which take no HTTP request). */
export function wireRequest(draft: ReplayDraft): WireRequest {
  const p = draft.parameters;
  switch (draft.api) {
    case 'openai-chat':
      return {
        url: joinUrl(draft.baseUrl, '/chat/completions'),
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: {
          model: draft.model,
          messages: chatMessages(draft),
          ...(draft.tools.length > 0
            ? {
                tools: draft.tools.map((t) => ({
                  type: 'function',
                  function: {
                    name: t.name,
                    ...(t.description ? { description: t.description } : {}),
                    parameters: t.parameters ?? { type: 'object', properties: {} },
                  },
                })),
              }
            : {}),
          ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
          ...(p.maxTokens !== undefined ? { max_tokens: p.maxTokens } : {}),
          ...(p.topP !== undefined ? { top_p: p.topP } : {}),
          ...(p.stop && p.stop.length > 0 ? { stop: p.stop } : {}),
        },
      };
    case 'openai-responses':
      return {
        url: joinUrl(draft.baseUrl, '/responses'),
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: {
          model: draft.model,
          ...(draft.system !== '' ? { instructions: draft.system } : {}),
          input: responsesInput(draft),
          ...(draft.tools.length > 0
            ? {
                tools: draft.tools.map((t) => ({
                  type: 'function',
                  name: t.name,
                  ...(t.description ? { description: t.description } : {}),
                  parameters: t.parameters ?? { type: 'object', properties: {} },
                })),
              }
            : {}),
          ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
          ...(p.maxTokens !== undefined ? { max_output_tokens: p.maxTokens } : {}),
          ...(p.topP !== undefined ? { top_p: p.topP } : {}),
        },
      };
    case 'anthropic':
      return {
        url: joinUrl(draft.baseUrl, '/v1/messages'),
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'anthropic-version': ANTHROPIC_VERSION },
        body: {
          model: draft.model,
          max_tokens: p.maxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS,
          ...(draft.system !== '' ? { system: draft.system } : {}),
          messages: anthropicMessages(draft),
          ...(draft.tools.length > 0
            ? {
                tools: draft.tools.map((t) => ({
                  name: t.name,
                  ...(t.description ? { description: t.description } : {}),
                  input_schema: t.parameters ?? { type: 'object', properties: {} },
                })),
              }
            : {}),
          ...(p.temperature !== undefined ? { temperature: p.temperature } : {}),
          ...(p.topP !== undefined ? { top_p: p.topP } : {}),
          ...(p.stop && p.stop.length > 0 ? { stop_sequences: p.stop } : {}),
        },
      };
    case 'vscode-lm':
      throw new Error("The editor's language models are called through VS Code, not over HTTP.");
  }
}

/** The header that carries the key for an API. */
export function keyHeader(api: ReplayDraft['api'], key: string): Record<string, string> {
  return api === 'anthropic' ? { 'x-api-key': key } : { Authorization: `Bearer ${key}` };
}

export type { Message };
