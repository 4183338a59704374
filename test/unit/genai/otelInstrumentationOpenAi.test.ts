import { strict as assert } from 'node:assert';
import { createRequire } from 'node:module';
import { metrics } from '@opentelemetry/api';
import { calcPrice } from '@pydantic/genai-prices';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import type OpenAIType from 'openai';
import type { Span } from '../../../src/model/traceTypes';
import {
  FakeOpenAiServer,
  otherOpenAiCalls,
  ERROR_MODEL,
  GREETING,
  RESPONSE_MODEL,
  TOOL_CALL_ID,
  USAGE,
  WEATHER_ANSWER,
  EMBEDDING_TOKENS_PER_INPUT,
} from './fakeOpenAiServer';
import { LiveLoupeTelemetry } from './liveLoupeTelemetry';

const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

function priceOf(input: number, output: number, model: string, at: number, cacheRead = 0): number {
  const usage = { input_tokens: input, output_tokens: output, cache_read_tokens: cacheRead };
  return calcPrice(usage, model, { providerId: 'openai', timestamp: new Date(at) })!.total_price;
}

function near(actual: number | null, expected: number): void {
  assert.ok(actual !== null && Math.abs(actual - expected) <= 1e-12 * expected, `${actual} ≈ ${expected}`);
}

/** Loads `openai` through `require` after the instrumentation hooked it, and makes sure it is patched. */
function instrumentedOpenAi(instrumentation: OpenAIInstrumentation): typeof OpenAIType {
  const module = createRequire(__filename)('openai') as { OpenAI: typeof OpenAIType };
  const proto = module.OpenAI.Chat.Completions.prototype as unknown as { create: { __wrapped?: boolean } };
  if (!proto.create.__wrapped) instrumentation.getModuleDefinitions()[0].patch?.(module);
  assert.ok(
    (module.OpenAI.Chat.Completions.prototype as unknown as { create: { __wrapped?: boolean } }).create.__wrapped,
    'openai is instrumented',
  );
  return module.OpenAI;
}

describe('real library: @opentelemetry/instrumentation-openai → Loupe receiver → engine', function () {
  this.timeout(60_000);
  const fake = new FakeOpenAiServer();
  const loupe = new LiveLoupeTelemetry('otel-openai-agent', 'http/protobuf');
  const instrumentation = new OpenAIInstrumentation({ captureMessageContent: true, enabled: false });
  let spans: Span[] = [];
  let traceId = '';

  before(async () => {
    const baseURL = await fake.start();
    await loupe.start();
    instrumentation.setTracerProvider(loupe.provider);
    instrumentation.setLoggerProvider(loupe.loggerProvider);
    // Creates the instrumentation's metric instruments (a no-op meter: metrics are not under test).
    instrumentation.setMeterProvider(metrics.getMeterProvider());
    instrumentation.enable();
    const OpenAI = instrumentedOpenAi(instrumentation);
    const client = new OpenAI({ apiKey: 'sk-test', baseURL, maxRetries: 0 });
    traceId = await loupe.scenario('otel-openai-run', { 'session.id': 'sess-otel', 'user.id': 'user-otel' }, async () => {
      await client.chat.completions.create({
        model: 'gpt-4o-mini',
        temperature: 0.2,
        messages: [
          { role: 'system', content: 'You are terse.' },
          { role: 'user', content: 'Say hello' },
        ],
      });
      const question = { role: 'user' as const, content: 'What is the weather in Paris?' };
      const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [question], tools: [WEATHER_TOOL] });
      const call = first.choices[0].message;
      await client.chat.completions.create({
        model: 'gpt-4o-mini',
        tools: [WEATHER_TOOL],
        messages: [question, call, { role: 'tool', tool_call_id: TOOL_CALL_ID, content: '{"temp_c":22,"sky":"sunny"}' }],
      });
      await otherOpenAiCalls(client);
    });
    const detail = await loupe.received(traceId, 8);
    spans = detail.spans;
  });

  after(async () => {
    instrumentation.disable();
    await loupe.stop();
    await fake.stop();
  });

  const calls = () => spans.filter((s) => s.scope?.name === '@opentelemetry/instrumentation-openai');

  it('makes one span per call, all received by Loupe under the test root', () => {
    assert.equal(loupe.sentFor(traceId).length, 8);
    assert.equal(spans.length, 8);
    assert.equal(calls().length, 7);
    for (const span of calls()) assert.equal(span.parentSpanId, spans[0].spanId);
  });

  it('classifies chat calls as llm (CLIENT spans) with normalized model and provider', () => {
    const chats = calls().filter((s) => s.operation === 'chat');
    assert.equal(chats.length, 6, 'five chat calls (one via the Responses API) and the failed one');
    for (const span of chats) {
      assert.equal(span.kind, 'llm');
      assert.equal(span.otelKind, 'client');
      assert.equal(span.provider, 'openai');
      assert.equal(span.requestModel, span.status === 'error' ? ERROR_MODEL : 'gpt-4o-mini');
      if (span.status !== 'error') assert.equal(span.model, RESPONSE_MODEL);
    }
  });

  it('reads tokens and prices them with genai-prices', () => {
    const [hello] = calls();
    assert.equal(hello.tokens.input, USAGE.input);
    assert.equal(hello.tokens.output, USAGE.output);
    assert.equal(hello.tokens.total, USAGE.input + USAGE.output);
    assert.equal(hello.costSource, 'pricing');
    near(hello.costUsd, priceOf(hello.tokens.input, hello.tokens.output, RESPONSE_MODEL, hello.startTime, hello.tokens.cacheRead));
  });

  it('reads messages from the gen_ai log events the instrumentation sends to /v1/logs', () => {
    const [hello, toolTurn, answer, streamed] = calls();
    assert.deepEqual(hello.messages.input, [
      { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Say hello' }] },
    ]);
    assert.deepEqual(hello.messages.output, [{ role: 'assistant', parts: [{ type: 'text', content: GREETING }], finishReason: 'stop' }]);
    assert.equal(toolTurn.finishReason, 'tool_calls');
    assert.deepEqual(toolTurn.messages.output[0].parts, [
      { type: 'tool_call', id: TOOL_CALL_ID, name: 'get_weather', arguments: { city: 'Paris' } },
    ]);
    assert.deepEqual(answer.messages.input.at(-1), {
      role: 'tool',
      parts: [{ type: 'tool_result', id: TOOL_CALL_ID, result: { temp_c: 22, sky: 'sunny' } }],
    });
    assert.equal(answer.messages.output[0].parts[0].type === 'text' && answer.messages.output[0].parts[0].content, WEATHER_ANSWER);
    assert.deepEqual(streamed.messages.output[0].parts, [{ type: 'text', content: GREETING }]);
    assert.ok(streamed.logs.length >= 2, 'log records are attached to their span');
  });

  it('reads the Responses API call through its operation details event', () => {
    const responses = calls().find(
      (s) =>
        s.messages.input.some((m) => m.role === 'system' && m.parts.some((p) => p.type === 'text' && p.content === 'Be brief.')) &&
        s.operation === 'chat' &&
        s.messages.input.length === 2 &&
        s.messages.input[1].parts[0].type === 'text' &&
        s.messages.input[1].parts[0].content === 'Say hi via the Responses API',
    );
    assert.ok(responses, 'the Responses API span has its messages');
    assert.deepEqual(responses.messages.output[0].parts, [{ type: 'text', content: GREETING }]);
  });

  it('reads embeddings', () => {
    const embedding = calls().find((s) => s.kind === 'embedding')!;
    assert.equal(embedding.model, 'text-embedding-3-small');
    assert.equal(embedding.tokens.input, 2 * EMBEDDING_TOKENS_PER_INPUT);
    assert.equal(embedding.costSource, 'pricing');
  });

  it('shows the failed call as failed, with its HTTP status, and free', () => {
    const failed = calls().find((s) => s.status === 'error')!;
    assert.equal(failed.requestModel, ERROR_MODEL);
    assert.equal(failed.httpStatus, 400);
    assert.ok(failed.error?.type, 'error type');
    assert.match(failed.statusMessage ?? '', /does not exist/);
    assert.equal(failed.costUsd, 0);
    assert.deepEqual(failed.messages.input, [{ role: 'user', parts: [{ type: 'text', content: 'this will fail' }] }]);
  });

  it('sums the trace once per call, with session and user from the root', async () => {
    const [summary] = await loupe.engine.listTraces({});
    assert.equal(summary.traceId, traceId);
    const counted = calls().filter((s) => s.status !== 'error');
    assert.equal(
      summary.tokens.total,
      counted.reduce((sum, s) => sum + s.tokens.total, 0),
    );
    near(
      summary.costUsd,
      counted.reduce((sum, s) => sum + (s.costUsd ?? 0), 0),
    );
    assert.equal(summary.llmCalls, 7);
    assert.equal(summary.errorCount, 1);
    assert.deepEqual(summary.sessions, ['sess-otel']);
    assert.deepEqual(summary.users, ['user-otel']);
    for (const span of calls()) assert.equal(span.sessionId, 'sess-otel', 'inherited from the root span');
  });
});
