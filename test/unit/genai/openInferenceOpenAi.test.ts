import { strict as assert } from 'node:assert';
import { createRequire } from 'node:module';
import { context } from '@opentelemetry/api';
import { calcPrice } from '@pydantic/genai-prices';
import { OpenAIInstrumentation } from '@arizeai/openinference-instrumentation-openai';
import { setMetadata, setSession, setUser, traceAgent, traceTool } from '@arizeai/openinference-core';
import type OpenAIType from 'openai';
import type { Span } from '../../../src/model/traceTypes';
import { FakeOpenAiServer, GREETING, otherOpenAiCalls, RESPONSE_MODEL, TOOL_CALL_ID, USAGE, WEATHER_ANSWER } from './fakeOpenAiServer';
import { LiveLoupeTelemetry } from './liveLoupeTelemetry';

const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('real library: @arizeai/openinference-instrumentation-openai → Loupe gRPC receiver → engine', function () {
  this.timeout(60_000);
  const fake = new FakeOpenAiServer();
  const loupe = new LiveLoupeTelemetry('openinference-agent', 'grpc');
  let instrumentation: OpenAIInstrumentation;
  let openaiModule: { OpenAI: typeof OpenAIType };
  let spans: Span[] = [];
  let traceId = '';

  before(async () => {
    const baseURL = await fake.start();
    await loupe.start();
    instrumentation = new OpenAIInstrumentation({ tracerProvider: loupe.provider });
    openaiModule = createRequire(__filename)('openai') as { OpenAI: typeof OpenAIType };
    instrumentation.manuallyInstrument(openaiModule as never);
    const client = new openaiModule.OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0 });
    const tracer = loupe.tracer('weather-app');

    const getWeather = traceTool(async (args: { city: string }) => ({ city: args.city, temp_c: 22, sky: 'sunny' }), {
      name: 'get_weather',
      tracer,
    });
    const weatherAgent = traceAgent(
      async (question: string) => {
        const ask = { role: 'user' as const, content: question };
        const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [ask], tools: [WEATHER_TOOL] });
        const call = first.choices[0].message;
        const result = await getWeather(
          JSON.parse(call.tool_calls![0].type === 'function' ? call.tool_calls![0].function.arguments : '{}'),
        );
        const second = await client.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [ask, call, { role: 'tool', tool_call_id: TOOL_CALL_ID, content: JSON.stringify(result) }],
        });
        return second.choices[0].message.content;
      },
      { name: 'weather-agent', tracer },
    );

    traceId = await loupe.scenario('openinference-run', {}, () => {
      const ctx = setMetadata(setUser(setSession(context.active(), { sessionId: 'sess-oi' }), { userId: 'user-oi' }), { tenant: 'acme' });
      return context.with(ctx, async () => {
        await client.chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [
            { role: 'system', content: 'You are terse.' },
            { role: 'user', content: 'Say hello' },
          ],
        });
        assert.equal(await weatherAgent('What is the weather in Paris?'), WEATHER_ANSWER);
        await otherOpenAiCalls(client);
      });
    });
    spans = (await loupe.received(traceId, 9)).spans;
  });

  after(async () => {
    instrumentation.disable();
    await loupe.stop();
    await fake.stop();
  });

  const byName = (name: string) => spans.filter((s) => s.name === name);
  const llmCalls = () => spans.filter((s) => s.kind === 'llm');

  it('receives every finished span and classifies it, INTERNAL kind notwithstanding', () => {
    // The failed call's span is never ended by this instrumentation, so the SDK never exports it.
    assert.equal(loupe.sentFor(traceId).length, 9);
    assert.equal(spans.length, 9);
    for (const span of spans) assert.equal(span.otelKind, 'internal');
    assert.deepEqual(
      spans.map((s) => `${s.name}:${s.kind}`),
      [
        'openinference-run:other',
        'OpenAI Chat Completions:llm',
        'weather-agent:agent',
        'OpenAI Chat Completions:llm',
        'get_weather:tool',
        'OpenAI Chat Completions:llm',
        'OpenAI Chat Completions:llm',
        'OpenAI Embeddings:embedding',
        'OpenAI Responses:llm',
      ],
    );
  });

  it('reads tokens with cached input and prices the cached part at the cached rate', () => {
    const hello = llmCalls()[0];
    assert.deepEqual(hello.tokens, {
      input: USAGE.input,
      output: USAGE.output,
      cacheRead: USAGE.cached,
      cacheWrite: 0,
      reasoning: 0,
      total: USAGE.input + USAGE.output,
    });
    assert.equal(hello.model, RESPONSE_MODEL);
    assert.equal(hello.provider, 'openai');
    const expected = calcPrice(
      { input_tokens: USAGE.input, output_tokens: USAGE.output, cache_read_tokens: USAGE.cached },
      RESPONSE_MODEL,
      { providerId: 'openai', timestamp: new Date(hello.startTime) },
    )!.total_price;
    assert.ok(Math.abs(hello.costUsd! - expected) <= 1e-12 * expected);
  });

  it('reads flattened messages, tool calls and tool results', () => {
    const hello = llmCalls()[0];
    assert.deepEqual(
      hello.messages.input.map((m) => m.role),
      ['system', 'user'],
    );
    assert.deepEqual(hello.messages.output, [{ role: 'assistant', parts: [{ type: 'text', content: GREETING }], finishReason: 'stop' }]);
    const agent = byName('weather-agent')[0];
    const [first, second] = spans.filter((s) => s.kind === 'llm' && s.parentSpanId === agent.spanId);
    assert.deepEqual(first.messages.output[0].parts, [
      { type: 'tool_call', id: TOOL_CALL_ID, name: 'get_weather', arguments: { city: 'Paris' } },
    ]);
    assert.equal(first.finishReason, 'tool_calls');
    assert.deepEqual(second.messages.input.at(-1)?.parts, [
      { type: 'tool_result', id: TOOL_CALL_ID, result: { city: 'Paris', temp_c: 22, sky: 'sunny' } },
    ]);
  });

  it('reads the tool span and the agent span', () => {
    const tool = byName('get_weather')[0];
    assert.equal(tool.kind, 'tool');
    assert.equal(tool.toolName, 'get_weather');
    assert.deepEqual(tool.tool?.arguments, { city: 'Paris' });
    assert.deepEqual(tool.tool?.result, { city: 'Paris', temp_c: 22, sky: 'sunny' });
    const agent = byName('weather-agent')[0];
    assert.equal(agent.kind, 'agent');
    assert.equal(agent.agentName, 'weather-agent');
    assert.deepEqual(agent.messages.input[0].parts, [{ type: 'text', content: 'What is the weather in Paris?' }]);
    assert.equal(agent.rollup?.modelCalls, 2);
    assert.equal(agent.rollup?.tokens.total, 2 * (USAGE.input + USAGE.output));
  });

  it('marks a streamed call without usage as unpriced rather than free', () => {
    const streamed = llmCalls().find((s) => s.streaming)!;
    assert.ok(streamed, 'a streamed call');
    assert.deepEqual(streamed.messages.output[0].parts, [{ type: 'text', content: GREETING }]);
    // This instrumentation records no usage on streamed calls (pitfall 4).
    assert.equal(streamed.usageReported, false);
    assert.equal(streamed.costUsd, null);
    assert.equal(streamed.costSource, 'unknown');
  });

  it('still sums a trace whose failed call never arrived', async () => {
    assert.equal(spans.filter((s) => s.status === 'error').length, 0);
    const [summary] = await loupe.engine.listTraces({});
    assert.equal(summary.spanCount, 9);
    assert.equal(summary.orphanCount, 0);
    assert.equal(summary.llmCalls, 6);
    assert.equal(summary.unpricedCalls, 2, 'the streamed call and the embedding report no usage');
  });

  it('carries session, user and agent totals into the summary', async () => {
    const [summary] = await loupe.engine.listTraces({});
    assert.deepEqual(summary.sessions, ['sess-oi']);
    assert.deepEqual(summary.users, ['user-oi']);
    assert.deepEqual(summary.agents, ['weather-agent']);
    const agent = summary.byAgent?.find((a) => a.key === 'weather-agent');
    assert.equal(agent?.calls, 2);
    assert.equal(agent?.tokens.total, 2 * (USAGE.input + USAGE.output));
    const counted = llmCalls()
      .concat(spans.filter((s) => s.kind === 'embedding'))
      .filter((s) => s.usageReported);
    assert.equal(
      summary.tokens.total,
      counted.reduce((sum, s) => sum + s.tokens.total, 0),
    );
    for (const span of spans.filter((s) => s.kind !== 'other')) {
      assert.equal(span.sessionId, 'sess-oi');
      assert.equal(span.userId, 'user-oi');
    }
  });
});
