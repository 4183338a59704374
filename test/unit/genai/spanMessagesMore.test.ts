import { strict as assert } from 'node:assert';
import { spanDetail } from '../../../src/core/genai/spanDetail';
import type { Message } from '../../../src/model/traceTypes';
import { truncationMarker } from '../../../src/core/engine/ingestPolicy';
import { makeSpan, NO_CONTEXT, type SpanSpec } from './spanBuilder';

const detail = (spec: SpanSpec) => spanDetail(makeSpan(spec), [], NO_CONTEXT);
const text = (role: string, content: string, extra: Partial<Message> = {}): Message => ({
  role,
  parts: [{ type: 'text', content }],
  ...extra,
});
const WEATHER_CALL = { type: 'tool_call' as const, id: 'call-1', name: 'get_weather', arguments: { city: 'Paris' } };

describe('messages: Vercel AI SDK', () => {
  it('reads ai.prompt.messages with tool-call and tool-result parts, and the response', () => {
    const d = detail({
      name: 'ai.generateText.doGenerate',
      attributes: {
        'ai.prompt.messages': JSON.stringify([
          { role: 'system', content: 'You are a weather bot.' },
          { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
          { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call-1', toolName: 'get_weather', input: { city: 'Paris' } }] },
          {
            role: 'tool',
            content: [
              { type: 'tool-result', toolCallId: 'call-1', toolName: 'get_weather', output: { type: 'json', value: { temp_c: 22 } } },
            ],
          },
        ]),
        'ai.response.text': 'Sunny.',
        'ai.response.reasoning': 'The tool said 22.',
        'ai.response.finishReason': 'stop',
      },
    });
    assert.deepEqual(d.messages.input, [
      text('system', 'You are a weather bot.'),
      text('user', 'Weather?'),
      { role: 'assistant', parts: [WEATHER_CALL] },
      { role: 'tool', parts: [{ type: 'tool_result', id: 'call-1', result: { temp_c: 22 } }] },
    ]);
    assert.deepEqual(d.messages.output, [
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'The tool said 22.' },
          { type: 'text', content: 'Sunny.' },
        ],
        finishReason: 'stop',
      },
    ]);
  });

  it('reads ai.prompt on top-level calls and ai.response.toolCalls (v4 args, v5+ input)', () => {
    const d = detail({
      name: 'ai.generateText',
      attributes: {
        'ai.prompt': JSON.stringify({ system: 'Be brief.', prompt: 'Weather?' }),
        'ai.response.toolCalls': JSON.stringify([
          { toolCallId: 'call-1', toolName: 'get_weather', input: '{"city":"Paris"}' },
          { toolCallId: 'call-2', toolName: 'get_time', args: { tz: 'CET' } },
        ]),
        'ai.response.finishReason': 'tool-calls',
      },
    });
    assert.deepEqual(d.messages.input, [text('system', 'Be brief.'), text('user', 'Weather?')]);
    assert.deepEqual(d.messages.output, [
      {
        role: 'assistant',
        parts: [WEATHER_CALL, { type: 'tool_call', id: 'call-2', name: 'get_time', arguments: { tz: 'CET' } }],
        finishReason: 'tool_calls',
      },
    ]);
  });

  it('reads AI SDK v7 (@ai-sdk/otel) chat spans through the OTel keys', () => {
    const d = detail({
      name: 'chat gpt-4o-mini',
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }]),
        'gen_ai.output.messages': JSON.stringify([
          {
            role: 'assistant',
            parts: [{ type: 'tool_call', id: 'call-1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
            finish_reason: 'tool_calls',
          },
        ]),
      },
    });
    assert.deepEqual(d.messages.output, [{ role: 'assistant', parts: [WEATHER_CALL], finishReason: 'tool_calls' }]);
  });
});

describe('messages: LangSmith, Langfuse and provider shapes', () => {
  it('reads LangSmith gen_ai.prompt / gen_ai.completion JSON with serialized LangChain messages', () => {
    const human = { lc: 1, type: 'constructor', id: ['langchain', 'schema', 'messages', 'HumanMessage'], kwargs: { content: 'Hi' } };
    const ai = {
      lc: 1,
      type: 'constructor',
      id: ['langchain', 'schema', 'messages', 'AIMessage'],
      kwargs: { content: 'Hello', tool_calls: [{ id: 'call-1', name: 'get_weather', args: { city: 'Paris' } }] },
    };
    const d = detail({
      attributes: {
        'langsmith.span.kind': 'llm',
        'gen_ai.prompt': JSON.stringify({ messages: [[human]] }),
        'gen_ai.completion': JSON.stringify({ generations: [[{ text: 'Hello', message: ai }]] }),
      },
    });
    assert.deepEqual(d.messages.input, [text('user', 'Hi')]);
    assert.deepEqual(d.messages.output, [{ role: 'assistant', parts: [{ type: 'text', content: 'Hello' }, WEATHER_CALL] }]);
  });

  it('reads Langfuse observation input/output', () => {
    const d = detail({
      attributes: {
        'langfuse.observation.type': 'generation',
        'langfuse.observation.input': JSON.stringify([{ role: 'user', content: 'Hi' }]),
        'langfuse.observation.output': JSON.stringify({ role: 'assistant', content: 'Hello' }),
      },
    });
    assert.deepEqual(d.messages.input, [text('user', 'Hi')]);
    assert.deepEqual(d.messages.output, [text('assistant', 'Hello')]);
  });

  it('reads Anthropic content blocks (tool_use, tool_result, thinking)', () => {
    const d = detail({
      attributes: {
        'openinference.span.kind': 'LLM',
        'input.value': JSON.stringify({
          system: 'Be brief.',
          messages: [
            { role: 'user', content: 'Weather?' },
            { role: 'assistant', content: [{ type: 'tool_use', id: 'call-1', name: 'get_weather', input: { city: 'Paris' } }] },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call-1', content: '{"temp_c":22}' }] },
          ],
        }),
        'output.value': JSON.stringify({
          type: 'message',
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Hmm.' },
            { type: 'text', text: 'Sunny.' },
          ],
          stop_reason: 'end_turn',
        }),
      },
    });
    assert.deepEqual(d.messages.input, [
      text('system', 'Be brief.'),
      text('user', 'Weather?'),
      { role: 'assistant', parts: [WEATHER_CALL] },
      { role: 'user', parts: [{ type: 'tool_result', id: 'call-1', result: { temp_c: 22 } }] },
    ]);
    assert.deepEqual(d.messages.output, [
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'Hmm.' },
          { type: 'text', content: 'Sunny.' },
        ],
        finishReason: 'stop',
      },
    ]);
  });

  it('reads Gemini contents (model role, functionCall, functionResponse)', () => {
    const d = detail({
      attributes: {
        'openinference.span.kind': 'LLM',
        'input.value': JSON.stringify([
          { role: 'user', parts: [{ text: 'Weather?' }] },
          { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
          { role: 'function', parts: [{ functionResponse: { name: 'get_weather', response: { temp_c: 22 } } }] },
        ]),
      },
    });
    assert.deepEqual(d.messages.input, [
      text('user', 'Weather?'),
      { role: 'assistant', parts: [{ type: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { role: 'tool', parts: [{ type: 'tool_result', id: 'get_weather', result: { temp_c: 22 } }] },
    ]);
  });

  it('reads Responses API requests and responses', () => {
    const d = detail({
      attributes: {
        'openinference.span.kind': 'LLM',
        'input.value': JSON.stringify({ model: 'gpt-4o-mini', instructions: 'Be brief.', input: 'Say hi' }),
        'output.value': JSON.stringify({
          object: 'response',
          output: [
            { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Greeting.' }] },
            { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hi!' }] },
            { type: 'function_call', call_id: 'call-1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          ],
        }),
      },
    });
    assert.deepEqual(d.messages.input, [text('system', 'Be brief.'), text('user', 'Say hi')]);
    assert.deepEqual(d.messages.output, [
      { role: 'assistant', parts: [{ type: 'reasoning', content: 'Greeting.' }] },
      text('assistant', 'Hi!'),
      { role: 'assistant', parts: [WEATHER_CALL] },
    ]);
  });
});

describe('messages: bad input', () => {
  it('keeps the whole messages of a list Loupe shortened at ingest', () => {
    const full = JSON.stringify([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Hi "there" [1]' }] },
      { role: 'assistant', parts: [{ type: 'text', content: 'x'.repeat(500) }] },
    ]);
    const cut = `${full.slice(0, full.length - 300)}${truncationMarker(Buffer.byteLength(full))}`;
    const d = detail({ attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': cut } });
    assert.deepEqual(d.messages.input.slice(0, 2), [text('system', 'Be brief.'), text('user', 'Hi "there" [1]')]);
    assert.equal(d.messages.input.length, 3);
    const tail = d.messages.input[2].parts[0];
    assert.ok(
      tail.type === 'other' && typeof tail.content === 'string' && tail.content.endsWith(truncationMarker(Buffer.byteLength(full))),
    );
  });

  it('keeps broken JSON as text', () => {
    const d = detail({ attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': '[{"role": "user", "parts": [' } });
    assert.deepEqual(d.messages.input, [text('user', '[{"role": "user", "parts": [')]);
  });

  it('does not parse a message list beyond the size limit, and does not stall', () => {
    const huge = JSON.stringify([{ role: 'user', content: 'x'.repeat(3_000_000) }]);
    const start = performance.now();
    const d = detail({ attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': huge } });
    assert.equal(d.messages.input.length, 1);
    assert.equal(d.messages.input[0].parts[0].type, 'text');
    assert.ok(performance.now() - start < 3000, 'a refused parse returns at once; only a stall (seconds) fails this');
  });

  it('survives deeply nested JSON and odd shapes', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    assert.doesNotThrow(() =>
      detail({ attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': deep, 'gen_ai.output.messages': '42' } }),
    );
    assert.doesNotThrow(() =>
      detail({
        attributes: { 'llm.input_messages.99999999.message.role': 'user', 'llm.input_messages.x.y': 1, 'llm.input_messages.0': 'z' },
      }),
    );
    const odd = detail({
      attributes: {
        'openinference.span.kind': 'LLM',
        'llm.input_messages.0.message.role': 'user',
        'llm.input_messages.0.message.content': 'Hi',
      },
    });
    assert.deepEqual(odd.messages.input, [text('user', 'Hi')]);
  });
});
