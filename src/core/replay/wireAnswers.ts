import type { AttributeValue, Message, MessagePart, TokenCounts } from '../../model/traceTypes';
import type { ReplayApi } from '../../model/replayTypes';
import { normalizeFinishReason } from '../genai/readCallDetails';

/** What a provider answered, in Loupe's shapes. */
export interface ParsedAnswer {
  output: Message[];
  tokens: TokenCounts;
  usageReported: boolean;
  finishReason?: string;
  responseModel?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function tokens(input: number, output: number, cacheRead = 0, cacheWrite = 0, reasoning = 0): TokenCounts {
  return { input, output, cacheRead, cacheWrite, reasoning, total: input + output };
}

function parsedArguments(raw: unknown): AttributeValue {
  if (typeof raw !== 'string') return (raw ?? {}) as AttributeValue;
  try {
    return JSON.parse(raw) as AttributeValue;
  } catch {
    return raw;
  }
}

function chatAnswer(body: Record<string, unknown>): ParsedAnswer {
  const choice = Array.isArray(body.choices) && isRecord(body.choices[0]) ? body.choices[0] : {};
  const message = isRecord(choice.message) ? choice.message : {};
  const parts: MessagePart[] = [];
  if (typeof message.content === 'string' && message.content !== '') parts.push({ type: 'text', content: message.content });
  for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
    if (!isRecord(call) || !isRecord(call.function)) continue;
    parts.push({
      type: 'tool_call',
      id: typeof call.id === 'string' ? call.id : undefined,
      name: String(call.function.name ?? ''),
      arguments: parsedArguments(call.function.arguments),
    });
  }
  const usage = isRecord(body.usage) ? body.usage : undefined;
  const cached = usage && isRecord(usage.prompt_tokens_details) ? num(usage.prompt_tokens_details.cached_tokens) : 0;
  const reasoning = usage && isRecord(usage.completion_tokens_details) ? num(usage.completion_tokens_details.reasoning_tokens) : 0;
  const finishReason = normalizeFinishReason(typeof choice.finish_reason === 'string' ? choice.finish_reason : undefined);
  return {
    output: [{ role: 'assistant', parts, ...(finishReason ? { finishReason } : {}) }],
    tokens: tokens(num(usage?.prompt_tokens), num(usage?.completion_tokens), cached, 0, reasoning),
    usageReported: usage !== undefined,
    ...(finishReason ? { finishReason } : {}),
    ...(typeof body.model === 'string' ? { responseModel: body.model } : {}),
  };
}

function responsesAnswer(body: Record<string, unknown>): ParsedAnswer {
  const parts: MessagePart[] = [];
  for (const item of Array.isArray(body.output) ? body.output : []) {
    if (!isRecord(item)) continue;
    if (item.type === 'message' && Array.isArray(item.content)) {
      for (const content of item.content) {
        if (isRecord(content) && (content.type === 'output_text' || content.type === 'text') && typeof content.text === 'string') {
          parts.push({ type: 'text', content: content.text });
        }
      }
    } else if (item.type === 'function_call') {
      parts.push({
        type: 'tool_call',
        id: typeof item.call_id === 'string' ? item.call_id : undefined,
        name: String(item.name ?? ''),
        arguments: parsedArguments(item.arguments),
      });
    } else if (item.type === 'reasoning' && Array.isArray(item.summary)) {
      const text = item.summary.flatMap((s) => (isRecord(s) && typeof s.text === 'string' ? [s.text] : [])).join('\n');
      if (text !== '') parts.push({ type: 'reasoning', content: text });
    }
  }
  const usage = isRecord(body.usage) ? body.usage : undefined;
  const cached = usage && isRecord(usage.input_tokens_details) ? num(usage.input_tokens_details.cached_tokens) : 0;
  const reasoning = usage && isRecord(usage.output_tokens_details) ? num(usage.output_tokens_details.reasoning_tokens) : 0;
  const finishReason = parts.some((p) => p.type === 'tool_call') ? 'tool_calls' : body.status === 'incomplete' ? 'length' : 'stop';
  return {
    output: [{ role: 'assistant', parts, finishReason }],
    tokens: tokens(num(usage?.input_tokens), num(usage?.output_tokens), cached, 0, reasoning),
    usageReported: usage !== undefined,
    finishReason,
    ...(typeof body.model === 'string' ? { responseModel: body.model } : {}),
  };
}

function anthropicAnswer(body: Record<string, unknown>): ParsedAnswer {
  const parts: MessagePart[] = [];
  for (const block of Array.isArray(body.content) ? body.content : []) {
    if (!isRecord(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') parts.push({ type: 'text', content: block.text });
    else if (block.type === 'thinking' && typeof block.thinking === 'string') parts.push({ type: 'reasoning', content: block.thinking });
    else if (block.type === 'tool_use') {
      parts.push({
        type: 'tool_call',
        id: typeof block.id === 'string' ? block.id : undefined,
        name: String(block.name ?? ''),
        arguments: (block.input ?? {}) as AttributeValue,
      });
    }
  }
  const usage = isRecord(body.usage) ? body.usage : undefined;
  const cacheRead = num(usage?.cache_read_input_tokens);
  const cacheWrite = num(usage?.cache_creation_input_tokens);
  // Anthropic counts cached input apart; Loupe's input counts all input tokens, as other providers do.
  const input = num(usage?.input_tokens) + cacheRead + cacheWrite;
  const finishReason = normalizeFinishReason(typeof body.stop_reason === 'string' ? body.stop_reason : undefined);
  return {
    output: [{ role: 'assistant', parts, ...(finishReason ? { finishReason } : {}) }],
    tokens: tokens(input, num(usage?.output_tokens), cacheRead, cacheWrite),
    usageReported: usage !== undefined,
    ...(finishReason ? { finishReason } : {}),
    ...(typeof body.model === 'string' ? { responseModel: body.model } : {}),
  };
}

/** Reads a provider's JSON answer; throws with a plain message when it is not the expected shape. */
export function parseWireAnswer(api: Exclude<ReplayApi, 'vscode-lm'>, body: unknown): ParsedAnswer {
  if (!isRecord(body)) throw new Error('The answer is not a JSON object.');
  switch (api) {
    case 'openai-chat':
      if (!Array.isArray(body.choices))
        throw new Error('The answer has no "choices": is this an OpenAI-compatible Chat Completions endpoint?');
      return chatAnswer(body);
    case 'openai-responses':
      if (!Array.isArray(body.output)) throw new Error('The answer has no "output": is this an OpenAI Responses endpoint?');
      return responsesAnswer(body);
    case 'anthropic':
      if (!Array.isArray(body.content)) throw new Error('The answer has no "content": is this an Anthropic Messages endpoint?');
      return anthropicAnswer(body);
  }
}

/** The error message a provider put in its error body (`{error:{message}}` for both OpenAI and Anthropic). */
export function providerErrorMessage(text: string): string | undefined {
  try {
    const body: unknown = JSON.parse(text);
    if (isRecord(body)) {
      if (isRecord(body.error) && typeof body.error.message === 'string') return body.error.message;
      if (typeof body.error === 'string') return body.error;
      if (typeof body.message === 'string') return body.message;
    }
  } catch {
    // Not JSON: the text itself is the best message there is.
  }
  const trimmed = text.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, 500);
}
