import { strict as assert } from 'node:assert';
import { spanDetail } from '../../../src/core/genai/spanDetail';
import type { Span } from '../../../src/model/traceTypes';
import { makeSpan, NO_CONTEXT, type SpanSpec } from './spanBuilder';

const cases: Array<[string, SpanSpec, Span['tool']]> = [
  [
    'OTel execute_tool',
    {
      name: 'execute_tool get_weather',
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'get_weather',
        'gen_ai.tool.call.id': 'c1',
        'gen_ai.tool.call.arguments': '{"city":"Paris"}',
        'gen_ai.tool.call.result': '{"temp_c":22}',
      },
    },
    { name: 'get_weather', callId: 'c1', arguments: { city: 'Paris' }, result: { temp_c: 22 } },
  ],
  [
    'OTel structured arguments',
    {
      name: 'execute_tool add',
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.call.arguments': { a: 1, b: 2 }, 'gen_ai.tool.call.result': 3 },
    },
    { name: 'add', arguments: { a: 1, b: 2 }, result: 3 },
  ],
  [
    'OpenInference TOOL (input.value / output.value)',
    { name: 'get_weather', attributes: { 'openinference.span.kind': 'TOOL', 'input.value': '{"city":"Paris"}', 'output.value': 'sunny' } },
    { name: 'get_weather', arguments: { city: 'Paris' }, result: 'sunny' },
  ],
  [
    'AI SDK v5/v6 ai.toolCall',
    {
      name: 'ai.toolCall',
      attributes: {
        'ai.operationId': 'ai.toolCall',
        'ai.toolCall.name': 'get_weather',
        'ai.toolCall.id': 'call-1',
        'ai.toolCall.args': '{"city":"Paris"}',
        'ai.toolCall.result': '{"temp_c":22}',
      },
    },
    { name: 'get_weather', callId: 'call-1', arguments: { city: 'Paris' }, result: { temp_c: 22 } },
  ],
  [
    'AI SDK ai.toolCall.input / output',
    { name: 'ai.toolCall', attributes: { 'ai.toolCall.name': 'now', 'ai.toolCall.input': '{}', 'ai.toolCall.output': '"12:00"' } },
    { name: 'now', arguments: {}, result: '"12:00"' },
  ],
  [
    'Traceloop tool entity',
    {
      name: 'fetch_page.tool',
      attributes: {
        'traceloop.span.kind': 'tool',
        'traceloop.entity.name': 'fetch_page',
        'traceloop.entity.input': '{"args":["https://x"],"kwargs":{}}',
        'traceloop.entity.output': '"<html>"',
      },
    },
    { name: 'fetch_page', arguments: { args: ['https://x'], kwargs: {} }, result: '"<html>"' },
  ],
  [
    'Langfuse tool observation',
    {
      name: 'search',
      attributes: {
        'langfuse.observation.type': 'tool',
        'langfuse.observation.input': '{"q":"loupe"}',
        'langfuse.observation.output': '["a","b"]',
      },
    },
    { name: 'search', arguments: { q: 'loupe' }, result: ['a', 'b'] },
  ],
  [
    'broken JSON arguments stay text',
    { name: 'execute_tool x', attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.call.arguments': '{"a":' } },
    { name: 'x', arguments: '{"a":' },
  ],
];

describe('tool calls', () => {
  for (const [label, spec, tool] of cases) {
    it(label, () => {
      const d = spanDetail(makeSpan(spec), [], NO_CONTEXT);
      assert.deepEqual(d.tool, tool);
      assert.deepEqual(d.messages, { input: [], output: [] }, 'tool payloads are not repeated as messages');
    });
  }

  it('gives no tool to spans that are not tool calls', () => {
    assert.equal(spanDetail(makeSpan({ attributes: { 'gen_ai.operation.name': 'chat' } }), [], NO_CONTEXT).tool, undefined);
  });
});
