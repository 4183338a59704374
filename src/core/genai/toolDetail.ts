import type { Span } from '../../model/traceTypes';
import { anyValueToJson } from '../otlp/values';
import type { AttributeMap } from './attributeMap';
import { readCallDetails } from './readCallDetails';
import { payload } from './messages/messageShapes';

const ARGUMENT_KEYS = [
  'gen_ai.tool.call.arguments',
  'ai.toolCall.args',
  'ai.toolCall.input',
  'tool_call.function.arguments',
  'input.value',
  'traceloop.entity.input',
  'langfuse.observation.input',
  'gen_ai.prompt',
];
const RESULT_KEYS = [
  'gen_ai.tool.call.result',
  'ai.toolCall.result',
  'ai.toolCall.output',
  'output.value',
  'traceloop.entity.output',
  'langfuse.observation.output',
  'gen_ai.completion',
];

function firstPayload(attrs: AttributeMap, keys: readonly string[]) {
  for (const key of keys) {
    const raw = attrs.raw(key);
    if (raw === undefined) continue;
    const value = anyValueToJson(raw);
    if (value === null || value === '') continue;
    return payload(value);
  }
  return undefined;
}

/** Name, call id, arguments and result of a tool span (JSON strings parsed). */
export function toolDetail(attrs: AttributeMap, spanName: string): NonNullable<Span['tool']> {
  const call = readCallDetails(attrs, 'tool', undefined, spanName);
  const tool: NonNullable<Span['tool']> = {};
  if (call.toolName !== undefined) tool.name = call.toolName;
  if (call.toolCallId !== undefined) tool.callId = call.toolCallId;
  const args = firstPayload(attrs, ARGUMENT_KEYS);
  if (args !== undefined) tool.arguments = args;
  const result = firstPayload(attrs, RESULT_KEYS);
  if (result !== undefined) tool.result = result;
  return tool;
}
