import { strict as assert } from 'node:assert';
import { spanDetail } from '../../../src/core/genai/spanDetail';
import type { Message } from '../../../src/model/traceTypes';
import { makeLog, makeSpan, NO_CONTEXT, type LogSpec, type SpanSpec } from './spanBuilder';

function detail(spec: SpanSpec, logs: LogSpec[] = []) {
  return spanDetail(makeSpan(spec), logs.map(makeLog), NO_CONTEXT);
}

const text = (role: string, content: string, extra: Partial<Message> = {}): Message => ({
  role,
  parts: [{ type: 'text', content }],
  ...extra,
});

const WEATHER_CALL = { type: 'tool_call' as const, id: 'call-1', name: 'get_weather', arguments: { city: 'Paris' } };
const WEATHER_RESULT = { type: 'tool_result' as const, id: 'call-1', result: { temp_c: 22 } };

describe('messages: OpenTelemetry GenAI', () => {
  it('reads gen_ai.input/output.messages as JSON strings, with system instructions', () => {
    const d = detail({
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be brief.' }]),
        'gen_ai.input.messages': JSON.stringify([
          { role: 'user', parts: [{ type: 'text', content: 'Weather?' }] },
          { role: 'assistant', parts: [{ type: 'tool_call', id: 'call-1', name: 'get_weather', arguments: { city: 'Paris' } }] },
          { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call-1', result: '{"temp_c":22}' }] },
        ]),
        'gen_ai.output.messages': JSON.stringify([
          {
            role: 'assistant',
            parts: [
              { type: 'reasoning', content: 'Use the tool result.' },
              { type: 'text', content: 'Sunny.' },
            ],
            finish_reason: 'stop',
          },
        ]),
      },
    });
    assert.deepEqual(d.messages.input, [
      text('system', 'Be brief.'),
      text('user', 'Weather?'),
      { role: 'assistant', parts: [WEATHER_CALL] },
      { role: 'tool', parts: [WEATHER_RESULT] },
    ]);
    assert.deepEqual(d.messages.output, [
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'Use the tool result.' },
          { type: 'text', content: 'Sunny.' },
        ],
        finishReason: 'stop',
      },
    ]);
  });

  it('reads every message of a conversation of several MB, as long sessions resend it', () => {
    const messages = Array.from({ length: 800 }, (_, i) => ({
      role: i % 2 ? 'assistant' : 'user',
      parts: [{ type: 'text', content: `message ${i} ${'ü'.repeat(5000)}` }],
    }));
    const input = JSON.stringify(messages);
    assert.ok(input.length > 3 * 1024 * 1024, `${input.length} characters`);
    const d = detail({ attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': input } });
    assert.equal(d.messages.input.length, 800);
    assert.deepEqual(d.messages.input[799], text('assistant', `message 799 ${'ü'.repeat(5000)}`));
  });

  it('reads structured (kvlist) message values and a plain-string system instruction', () => {
    const d = detail({
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.system_instructions': 'You are terse.',
        'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }],
        'gen_ai.output.messages': [{ role: 'assistant', parts: [{ type: 'text', content: 'Hello' }], finish_reason: 'length' }],
      },
    });
    assert.deepEqual(d.messages.input, [text('system', 'You are terse.'), text('user', 'Hi')]);
    assert.deepEqual(d.messages.output, [text('assistant', 'Hello', { finishReason: 'length' })]);
  });

  it('reads the older gen_ai log events, ordered by time, event name in either place', () => {
    const d = detail({ attributes: { 'gen_ai.operation.name': 'chat' } }, [
      {
        attributes: { 'event.name': 'gen_ai.choice' },
        timeMs: 9,
        body: {
          index: 0,
          finish_reason: 'tool_calls',
          message: { tool_calls: [{ id: 'call-2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }] },
        },
      },
      { eventName: 'gen_ai.system.message', timeMs: 1, body: { content: 'You are terse.' } },
      { attributes: { 'event.name': 'gen_ai.user.message' }, timeMs: 2, body: { content: 'Weather?' } },
      {
        eventName: 'gen_ai.assistant.message',
        timeMs: 3,
        body: { tool_calls: [{ id: 'call-1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
      },
      { eventName: 'gen_ai.tool.message', timeMs: 4, body: { id: 'call-1', content: '{"temp_c":22}' } },
    ]);
    assert.deepEqual(d.messages.input, [
      text('system', 'You are terse.'),
      text('user', 'Weather?'),
      { role: 'assistant', parts: [WEATHER_CALL] },
      { role: 'tool', parts: [WEATHER_RESULT] },
    ]);
    assert.deepEqual(d.messages.output, [
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: 'call-2', name: 'get_weather', arguments: { city: 'Rome' } }],
        finishReason: 'tool_calls',
      },
    ]);
  });

  it('reads gen_ai.client.inference.operation.details log records', () => {
    const d = detail({ attributes: { 'gen_ai.operation.name': 'chat' } }, [
      {
        eventName: 'gen_ai.client.inference.operation.details',
        attributes: { 'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }] },
      },
      {
        eventName: 'gen_ai.client.inference.operation.details',
        timeMs: 5,
        attributes: {
          'gen_ai.output.messages': JSON.stringify([
            { role: 'assistant', parts: [{ type: 'text', content: 'Yo' }], finish_reason: 'stop' },
          ]),
        },
      },
    ]);
    assert.deepEqual(d.messages.input, [text('user', 'Hi')]);
    assert.deepEqual(d.messages.output, [text('assistant', 'Yo', { finishReason: 'stop' })]);
  });

  it('reads gen_ai.content.prompt / completion span events (older instrumentations)', () => {
    const d = detail({
      attributes: { 'gen_ai.operation.name': 'chat' },
      events: [
        { name: 'gen_ai.content.prompt', attributes: { 'gen_ai.prompt': JSON.stringify([{ role: 'user', content: 'Ping' }]) } },
        {
          name: 'gen_ai.content.completion',
          timeMs: 3,
          attributes: { 'gen_ai.completion': JSON.stringify([{ role: 'assistant', content: 'Pong' }]) },
        },
      ],
    });
    assert.deepEqual(d.messages.input, [text('user', 'Ping')]);
    assert.deepEqual(d.messages.output, [text('assistant', 'Pong')]);
  });
});

describe('messages: events on the span', () => {
  it('reads gen_ai span events carrying gen_ai.event.content (Azure AI Inference and other older SDKs)', () => {
    const d = detail({
      attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.system': 'az.ai.inference' },
      events: [
        { name: 'gen_ai.user.message', timeMs: 1, attributes: { 'gen_ai.event.content': '{"role":"user","content":"Ping"}' } },
        {
          name: 'gen_ai.choice',
          timeMs: 2,
          attributes: { 'gen_ai.event.content': '{"finish_reason":"stop","index":0,"message":{"content":"Pong"}}' },
        },
      ],
    });
    assert.deepEqual(d.messages.input, [text('user', 'Ping')]);
    assert.deepEqual(d.messages.output, [text('assistant', 'Pong', { finishReason: 'stop' })]);
  });

  it('reads Pydantic AI event lists kept in one JSON attribute', () => {
    const d = detail({
      name: 'chat gpt-4o',
      attributes: {
        'gen_ai.operation.name': 'chat',
        events: JSON.stringify([
          { 'event.name': 'gen_ai.system.message', role: 'system', content: 'Be brief.' },
          { 'event.name': 'gen_ai.user.message', role: 'user', content: 'Hi' },
          { 'event.name': 'gen_ai.choice', index: 0, message: { role: 'assistant', content: 'Hello' } },
        ]),
      },
    });
    assert.deepEqual(d.messages.input, [text('system', 'Be brief.'), text('user', 'Hi')]);
    assert.deepEqual(d.messages.output, [text('assistant', 'Hello')]);
  });
});

describe('messages: OpenInference', () => {
  it('reads completions-API prompts flattened as llm.prompts.N.prompt.text', () => {
    const d = detail({ attributes: { 'openinference.span.kind': 'LLM', 'llm.prompts.0.prompt.text': 'Once upon a time' } });
    assert.deepEqual(d.messages.input, [text('user', 'Once upon a time')]);
  });

  it('reads flattened llm.input_messages / llm.output_messages with contents and tool calls', () => {
    const d = detail({
      attributes: {
        'openinference.span.kind': 'LLM',
        'llm.input_messages.0.message.role': 'user',
        'llm.input_messages.0.message.contents.0.message_content.type': 'text',
        'llm.input_messages.0.message.contents.0.message_content.text': 'Weather?',
        'llm.input_messages.1.message.role': 'assistant',
        'llm.input_messages.1.message.tool_calls.0.tool_call.id': 'call-1',
        'llm.input_messages.1.message.tool_calls.0.tool_call.function.name': 'get_weather',
        'llm.input_messages.1.message.tool_calls.0.tool_call.function.arguments': '{"city":"Paris"}',
        'llm.input_messages.2.message.role': 'tool',
        'llm.input_messages.2.message.content': '{"temp_c":22}',
        'llm.input_messages.2.message.tool_call_id': 'call-1',
        'llm.output_messages.0.message.role': 'assistant',
        'llm.output_messages.0.message.content': 'Sunny.',
        'llm.finish_reason': 'stop',
        'input.value': '{"messages":[]}',
      },
    });
    assert.deepEqual(d.messages.input, [
      text('user', 'Weather?'),
      { role: 'assistant', parts: [WEATHER_CALL] },
      { role: 'tool', parts: [WEATHER_RESULT] },
    ]);
    assert.deepEqual(d.messages.output, [text('assistant', 'Sunny.', { finishReason: 'stop' })]);
  });

  it('falls back to input.value / output.value by mime type (chain and agent spans)', () => {
    const d = detail({
      attributes: {
        'openinference.span.kind': 'CHAIN',
        'input.value': '{"messages":[{"role":"user","content":"Plan a trip"}]}',
        'input.mime_type': 'application/json',
        'output.value': '{"not": "json',
        'output.mime_type': 'text/plain',
      },
    });
    assert.deepEqual(d.messages.input, [text('user', 'Plan a trip')]);
    assert.deepEqual(d.messages.output, [text('assistant', '{"not": "json')]);
  });

  it('reads a Chat Completions response body in output.value', () => {
    const body = { choices: [{ index: 0, message: { role: 'assistant', content: 'Hi there' }, finish_reason: 'stop' }] };
    const d = detail({
      attributes: { 'openinference.span.kind': 'LLM', 'output.value': JSON.stringify(body), 'output.mime_type': 'application/json' },
    });
    assert.deepEqual(d.messages.output, [text('assistant', 'Hi there', { finishReason: 'stop' })]);
  });
});

describe('messages: Traceloop / OpenLLMetry', () => {
  it('reads ≤0.22 flattened gen_ai.prompt.N / gen_ai.completion.N, content blocks as JSON', () => {
    const d = detail({
      attributes: {
        'llm.request.type': 'chat',
        'gen_ai.prompt.0.role': 'system',
        'gen_ai.prompt.0.content': 'Be brief.',
        'gen_ai.prompt.1.role': 'user',
        'gen_ai.prompt.1.content': JSON.stringify([{ type: 'text', text: 'Weather?' }]),
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.finish_reason': 'tool_use',
        'gen_ai.completion.0.tool_calls.0.id': 'call-1',
        'gen_ai.completion.0.tool_calls.0.name': 'get_weather',
        'gen_ai.completion.0.tool_calls.0.arguments': '{"city":"Paris"}',
      },
    });
    assert.deepEqual(d.messages.input, [text('system', 'Be brief.'), text('user', 'Weather?')]);
    assert.deepEqual(d.messages.output, [{ role: 'assistant', parts: [WEATHER_CALL], finishReason: 'tool_calls' }]);
  });

  it('reads traceloop.entity.input / output of workflow and task spans', () => {
    const d = detail({
      attributes: {
        'traceloop.span.kind': 'workflow',
        'traceloop.entity.input': JSON.stringify({ inputs: { question: 'What is 2+2?' } }),
        'traceloop.entity.output': JSON.stringify({ outputs: '4' }),
      },
    });
    assert.deepEqual(d.messages.input, [{ role: 'user', parts: [{ type: 'other', content: { question: 'What is 2+2?' } }] }]);
    assert.deepEqual(d.messages.output, [text('assistant', '4')]);
  });
});
