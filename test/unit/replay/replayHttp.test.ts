import { strict as assert } from 'node:assert';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import { PriceBook } from '../../../src/core/genai/pricing';
import { replayDraftFromSpan } from '../../../src/model/replayDraft';
import { replayTarget, runHttpReplay } from '../../../src/core/replay/runReplay';
import { replayTraceRequest } from '../../../src/model/replayTrace';
import { wireRequest } from '../../../src/core/replay/wireRequests';
import type { ReplayDraft, ReplaySource } from '../../../src/model/replayTypes';
import type { Message } from '../../../src/model/traceTypes';
import { hexId, int, span, str, traceRequest } from '../../support/otlpBuilders';
import { FakeModelServer } from './fakeModelServer';

const WEATHER_TOOL = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather of a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('replay of a recorded model call', function () {
  this.timeout(20_000);
  const fake = new FakeModelServer();
  let engine: TraceEngine;
  let draft: ReplayDraft;
  let source: ReplaySource;
  const traceId = hexId(16);
  const spanId = hexId(8);

  before(async () => {
    const port = await fake.start();
    engine = await TraceEngine.open({ changeDelayMs: 0 });
    engine.ingestTraces(
      traceRequest([
        span(traceId, spanId, undefined, 'chat gpt-4o', 0, 800, [
          str('gen_ai.operation.name', 'chat'),
          str('gen_ai.provider.name', 'openai'),
          str('gen_ai.request.model', 'gpt-4o'),
          str('server.address', '127.0.0.1'),
          int('server.port', port),
          { key: 'gen_ai.request.temperature', value: { doubleValue: 0.2 } },
          int('gen_ai.request.max_tokens', 300),
          int('gen_ai.usage.input_tokens', 40),
          int('gen_ai.usage.output_tokens', 8),
          str('gen_ai.system_instructions', JSON.stringify([{ type: 'text', content: 'You are a weather bot.' }])),
          str('gen_ai.input.messages', JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Weather in Lyon?' }] }])),
          str('gen_ai.output.messages', JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Lyon is rainy.' }] }])),
          str('gen_ai.tool.definitions', JSON.stringify([WEATHER_TOOL])),
        ]),
      ]),
    );
    const recorded = await engine.span(traceId, spanId);
    const made = replayDraftFromSpan(recorded!);
    assert.ok(made);
    draft = made.draft;
    source = made.source;
  });

  after(async () => {
    await fake.stop();
    await engine.close();
  });

  it('reads the recorded system prompt, messages, tools, model, parameters and endpoint', () => {
    assert.equal(draft.api, 'openai-chat');
    assert.equal(draft.baseUrl, `http://127.0.0.1:${fake.port}/v1`);
    assert.equal(draft.model, 'gpt-4o');
    assert.equal(draft.system, 'You are a weather bot.');
    assert.deepEqual(draft.messages, [{ role: 'user', parts: [{ type: 'text', content: 'Weather in Lyon?' }] }]);
    assert.deepEqual(draft.tools, [{ name: 'get_weather', description: 'Current weather of a city', parameters: WEATHER_TOOL.parameters }]);
    assert.deepEqual(draft.parameters, { temperature: 0.2, maxTokens: 300 });
    assert.equal(answerOf(source.recordedOutput), 'Lyon is rainy.');
    assert.deepEqual(replayTarget(draft), { url: `http://127.0.0.1:${fake.port}/v1/chat/completions` });
  });

  it('sends the edited Chat Completions request as edited, and keeps the answer as a trace linked to the original', async () => {
    const edited: ReplayDraft = {
      ...draft,
      model: 'gpt-4o-mini',
      system: 'You are a terse weather bot.',
      messages: [{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }],
      parameters: { ...draft.parameters, temperature: 0.9 },
    };
    const outcome = await runHttpReplay(edited, { apiKey: 'sk-test-key', pricing: new PriceBook() });
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
    const sent = fake.last;
    assert.equal(sent.path, '/v1/chat/completions');
    assert.equal(sent.headers.authorization, 'Bearer sk-test-key');
    assert.deepEqual(sent.body, {
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are a terse weather bot.' },
        { role: 'user', content: 'Weather in Paris?' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Current weather of a city', parameters: WEATHER_TOOL.parameters },
        },
      ],
      temperature: 0.9,
      max_tokens: 300,
    });
    assert.equal(answerOf(outcome.output), 'Paris is sunny.\nHigh of 24 °C.');
    assert.deepEqual([outcome.tokens.input, outcome.tokens.output], [42, 9]);
    assert.ok(outcome.latencyMs > 0);
    assert.ok(outcome.costUsd !== null && outcome.costUsd > 0, 'gpt-4o-mini has a known price');

    // The official SDK sends the same body to the same path, and reads the fake's answer.
    const sdk = new OpenAI({ baseURL: edited.baseUrl, apiKey: 'sk-test-key', maxRetries: 0 });
    const viaSdk = await sdk.chat.completions.create(sent.body as never);
    assert.deepEqual(fake.last.body, sent.body);
    assert.equal(fake.last.path, sent.path);
    assert.equal(viaSdk.choices[0].message.content, 'Paris is sunny.\nHigh of 24 °C.');

    const tracesBefore = (await engine.listTraces()).length;
    const kept = replayTraceRequest(edited, source, outcome, Date.now(), { traceId: hexId(16), spanId: hexId(8) });
    assert.deepEqual(await engine.importOtlp(JSON.stringify(kept.request)), { traceIds: [kept.traceId] });
    assert.equal((await engine.listTraces()).length, tracesBefore + 1);
    const stored = await engine.span(kept.traceId, kept.spanId);
    assert.ok(stored);
    assert.equal(stored.kind, 'llm');
    assert.equal(stored.model, 'gpt-4o-mini-2026-01-01');
    assert.equal(stored.tokens.input, 42);
    assert.deepEqual(
      stored.links.map((l) => [l.traceId, l.spanId, l.attributes['loupe.link.type']]),
      [[traceId, spanId, 'replay_of']],
    );
    assert.equal(answerOf(stored.messages.output), 'Paris is sunny.\nHigh of 24 °C.');
    assert.equal(stored.messages.input[0].role, 'system');
  });

  it('sends the Responses form of the same edit', async () => {
    const edited: ReplayDraft = {
      ...draft,
      api: 'openai-responses',
      messages: [{ role: 'user', parts: [{ type: 'text', content: 'And Nice?' }] }],
    };
    const outcome = await runHttpReplay(edited, { apiKey: 'sk-test-key' });
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
    const sent = fake.last;
    assert.equal(sent.path, '/v1/responses');
    assert.deepEqual(sent.body, {
      model: 'gpt-4o',
      instructions: 'You are a weather bot.',
      input: [{ role: 'user', content: 'And Nice?' }],
      tools: [WEATHER_TOOL],
      temperature: 0.2,
      max_output_tokens: 300,
    });
    assert.equal(answerOf(outcome.output), 'Paris is sunny.');
    const sdk = new OpenAI({ baseURL: edited.baseUrl, apiKey: 'sk-test-key', maxRetries: 0 });
    const viaSdk = await sdk.responses.create(sent.body as never);
    assert.deepEqual(fake.last.body, sent.body);
    assert.equal(viaSdk.output_text, 'Paris is sunny.');
  });

  it('sends an Anthropic Messages request as edited, with the key in x-api-key', async () => {
    const edited: ReplayDraft = {
      ...draft,
      api: 'anthropic',
      baseUrl: `http://127.0.0.1:${fake.port}`,
      model: 'claude-sonnet-4-5',
      messages: [
        { role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] },
        { role: 'assistant', parts: [{ type: 'tool_call', id: 'toolu_0', name: 'get_weather', arguments: { city: 'Paris' } }] },
        { role: 'tool', parts: [{ type: 'tool_result', id: 'toolu_0', result: '{"sky":"clear"}' }] },
      ],
    };
    assert.deepEqual(replayTarget(edited), { url: `http://127.0.0.1:${fake.port}/v1/messages` });
    const outcome = await runHttpReplay(edited, { apiKey: 'sk-ant-test', pricing: new PriceBook() });
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
    const sent = fake.last;
    assert.equal(sent.path, '/v1/messages');
    assert.equal(sent.headers['x-api-key'], 'sk-ant-test');
    assert.equal(sent.headers['anthropic-version'], '2023-06-01');
    assert.equal(sent.headers.authorization, undefined);
    assert.deepEqual(sent.body, {
      model: 'claude-sonnet-4-5',
      max_tokens: 300,
      system: 'You are a weather bot.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_0', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_0', content: '{"sky":"clear"}' }] },
      ],
      tools: [{ name: 'get_weather', description: 'Current weather of a city', input_schema: WEATHER_TOOL.parameters }],
      temperature: 0.2,
    });
    assert.deepEqual(outcome.output[0].parts, [
      { type: 'text', content: 'Let me check.' },
      { type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: { city: 'Paris' } },
    ]);
    assert.equal(outcome.finishReason, 'tool_calls');
    assert.deepEqual([outcome.tokens.input, outcome.tokens.output], [30, 12]);

    const sdk = new Anthropic({ baseURL: edited.baseUrl, apiKey: 'sk-ant-test', maxRetries: 0 });
    const viaSdk = await sdk.messages.create(sent.body as never);
    assert.deepEqual(fake.last.body, sent.body);
    assert.equal(fake.last.path, sent.path);
    assert.equal(viaSdk.stop_reason, 'tool_use');

    const kept = replayTraceRequest(edited, source, outcome, Date.now(), { traceId: hexId(16), spanId: hexId(8) });
    await engine.importOtlp(JSON.stringify(kept.request));
    const stored = await engine.span(kept.traceId, kept.spanId);
    assert.equal(stored?.provider, 'anthropic');
    assert.equal(stored?.links[0].spanId, spanId);
  });

  describe('failures give a clear message and change nothing', () => {
    let tracesBefore: number;
    beforeEach(async () => (tracesBefore = (await engine.listTraces()).length));
    afterEach(async () => {
      fake.behaviour = 'answer';
      assert.equal((await engine.listTraces()).length, tracesBefore);
    });

    it('a server error', async () => {
      fake.behaviour = 'error500';
      const outcome = await runHttpReplay(draft, { apiKey: 'k' });
      assert.equal(outcome.ok, false);
      assert.equal(
        outcome.ok ? '' : outcome.message,
        `http://127.0.0.1:${fake.port}/v1/chat/completions answered HTTP 500: The server is overloaded.`,
      );
    });

    it('a timeout', async () => {
      fake.behaviour = 'hang';
      const started = Date.now();
      const outcome = await runHttpReplay(draft, { timeoutMs: 300 });
      assert.ok(Date.now() - started < 3_000);
      assert.equal(outcome.ok, false);
      assert.match(
        outcome.ok ? '' : outcome.message,
        /^No answer from http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions within 300 ms\. Nothing was kept\.$/,
      );
    });

    it('nothing listening, a wrong key, a body that is no answer, a bad URL', async () => {
      const closed = new FakeModelServer();
      const closedPort = await closed.start();
      await closed.stop();
      const refused = await runHttpReplay({ ...draft, baseUrl: `http://127.0.0.1:${closedPort}/v1` });
      assert.equal(
        refused.ok ? '' : refused.message,
        `Nothing answers at http://127.0.0.1:${closedPort}/v1/chat/completions (connection refused). Is the server running?`,
      );
      const wrongPath = await runHttpReplay({ ...draft, baseUrl: `http://127.0.0.1:${fake.port}/nope` });
      assert.match(wrongPath.ok ? '' : wrongPath.message, /answered HTTP 404: no route \/nope\/chat\/completions/);
      const badUrl = await runHttpReplay({ ...draft, baseUrl: 'localhost:11434' });
      assert.match(badUrl.ok ? '' : badUrl.message, /must start with http/);
      const noModel = await runHttpReplay({ ...draft, model: ' ' });
      assert.equal(noModel.ok ? '' : noModel.message, 'Name the model to call.');
    });
  });

  it('keeps a request free of credentials until the runner adds the key', () => {
    const request = wireRequest(draft);
    assert.deepEqual(Object.keys(request.headers).sort(), ['Accept', 'Content-Type']);
  });
});

function answerOf(messages: readonly Message[]): string {
  return messages.flatMap((m) => m.parts.flatMap((p) => (p.type === 'text' ? [p.content] : []))).join('\n');
}
