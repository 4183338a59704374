import type { SpanKind } from '../../model/traceTypes';
import type { AttributeMap } from './attributeMap';

const FINISH_REASONS: Record<string, string> = {
  tool_call: 'tool_calls',
  'tool-calls': 'tool_calls',
  'tool-call': 'tool_calls',
  tool_use: 'tool_calls',
  function_call: 'tool_calls',
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  'content-filter': 'content_filter',
  safety: 'content_filter',
};

/** One spelling per finish reason: `tool_calls` / `tool_call` / `tool-calls` / `tool_use` are one. */
export function normalizeFinishReason(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const id = raw.trim().toLowerCase();
  if (!id) return undefined;
  return FINISH_REASONS[id] ?? id;
}

export interface CallDetails {
  finishReason?: string;
  streaming?: boolean;
  timeToFirstTokenMs?: number;
  toolName?: string;
  toolCallId?: string;
}

const TOOL_NAME_KEYS = ['gen_ai.tool.name', 'ai.toolCall.name', 'tool.name', 'tool_call.function.name'];
const TOOL_ID_KEYS = ['gen_ai.tool.call.id', 'ai.toolCall.id', 'tool_call.id'];

function streamingOf(attrs: AttributeMap, operation: string | undefined): boolean | undefined {
  const flag = attrs.bool('gen_ai.request.stream') ?? attrs.bool('llm.is_streaming') ?? attrs.bool('gen_ai.is_streaming');
  if (flag !== undefined) return flag;
  if (operation && /^ai\.stream(Text|Object)/.test(operation)) return true;
  if (attrs.has('ai.response.msToFirstChunk')) return true;
  const params = attrs.string('llm.invocation_parameters');
  if (params && params.length < 16_384 && /"stream"\s*:\s*true/.test(params)) return true;
  return undefined;
}

export function toolNameFromSpanName(name: string): string | undefined {
  const stripped = name.replace(/^(execute_tool|running tool:?|tool:?)\s+/i, '').trim();
  return stripped.length > 0 && stripped.length <= 200 ? stripped : undefined;
}

/** Finish reason, streaming, time to first token, and the tool a tool span ran. */
export function readCallDetails(attrs: AttributeMap, kind: SpanKind, operation: string | undefined, spanName: string): CallDetails {
  const details: CallDetails = {
    finishReason: normalizeFinishReason(
      attrs.firstOfList('gen_ai.response.finish_reasons') ??
        attrs.firstString(['ai.response.finishReason', 'llm.finish_reason', 'gen_ai.completion.0.finish_reason']),
    ),
  };
  if (kind === 'llm' || kind === 'embedding') {
    details.streaming = streamingOf(attrs, operation);
    const ttft = attrs.number('ai.response.msToFirstChunk');
    if (ttft !== undefined && ttft >= 0) details.timeToFirstTokenMs = ttft;
  }
  if (kind === 'tool') {
    details.toolName =
      attrs.firstString(TOOL_NAME_KEYS) ??
      (attrs.has('traceloop.span.kind') ? attrs.string('traceloop.entity.name') : undefined) ??
      toolNameFromSpanName(spanName);
    details.toolCallId = attrs.firstString(TOOL_ID_KEYS);
  }
  return details;
}
