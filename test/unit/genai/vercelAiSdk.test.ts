import { strict as assert } from 'node:assert';
import { calcPrice } from '@pydantic/genai-prices';
import { createOpenAI } from '@ai-sdk/openai';
import { embed, embedMany, generateText, jsonSchema, stepCountIs, streamText, tool, type TelemetrySettings } from 'ai';
import type { Span, TraceDetail, TraceSummary } from '../../../src/model/traceTypes';
import {
  ERROR_MODEL,
  FakeOpenAiServer,
  GREETING,
  RESPONSE_MODEL,
  TOOL_CALL_ID,
  USAGE,
  WEATHER_ANSWER,
  EMBEDDING_TOKENS_PER_INPUT,
} from './fakeOpenAiServer';
import { LiveLoupeTelemetry } from './liveLoupeTelemetry';

const CALL_TOKENS = USAGE.input + USAGE.output;

function callPrice(at: number): number {
  const usage = { input_tokens: USAGE.input, output_tokens: USAGE.output, cache_read_tokens: USAGE.cached };
  return calcPrice(usage, RESPONSE_MODEL, { providerId: 'openai', timestamp: new Date(at) })!.total_price;
}

const weatherTool = tool({
  description: 'Get the current weather for a city',
  inputSchema: jsonSchema<{ city: string }>({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] }),
  execute: async ({ city }) => ({ city, temp_c: 22, sky: 'sunny' }),
});

interface Run {
  detail: TraceDetail;
  summary: TraceSummary;
  named: (name: string) => Span[];
}

describe('real library: Vercel AI SDK 6 with @ai-sdk/openai 3 → Loupe receiver → engine', function () {
  this.timeout(60_000);
  const fake = new FakeOpenAiServer();
  const loupe = new LiveLoupeTelemetry('vercel-ai-agent', 'http/protobuf');
  const runs: Record<string, Run> = {};

  before(async () => {
    const baseURL = await fake.start();
    await loupe.start();
    const openai = createOpenAI({ apiKey: 'sk-test', baseURL });
    const telemetry = (functionId: string): TelemetrySettings => ({
      isEnabled: true,
      functionId,
      metadata: { sessionId: 'sess-ai', userId: 'user-ai', tenant: 'acme' },
      tracer: loupe.tracer('ai'),
    });
    const record = async (key: string, minSpans: number, work: () => Promise<unknown>) => {
      const traceId = await loupe.scenario(`ai-${key}`, {}, work);
      const detail = await loupe.received(traceId, minSpans);
      const summary = (await loupe.engine.listTraces({})).find((s) => s.traceId === traceId)!;
      runs[key] = { detail, summary, named: (name) => detail.spans.filter((s) => s.name === name) };
    };

    await record('chat-tools', 5, async () => {
      const result = await generateText({
        model: openai.chat('gpt-4o-mini'),
        system: 'You are a weather bot.',
        prompt: 'What is the weather in Paris?',
        tools: { get_weather: weatherTool },
        stopWhen: stepCountIs(3),
        experimental_telemetry: telemetry('weather-agent'),
      });
      assert.equal(result.text, WEATHER_ANSWER);
    });
    await record('responses-tools', 5, async () => {
      await generateText({
        model: openai.responses('gpt-4o-mini'),
        prompt: 'What is the weather in Paris?',
        tools: { get_weather: weatherTool },
        stopWhen: stepCountIs(3),
        experimental_telemetry: telemetry('responses-agent'),
      });
    });
    await record('stream', 3, async () => {
      const result = streamText({
        model: openai.chat('gpt-4o-mini'),
        prompt: 'Stream a greeting',
        experimental_telemetry: telemetry('greeter'),
      });
      assert.equal(await result.text, GREETING);
    });
    await record('embeddings', 5, async () => {
      await embed({
        model: openai.embedding('text-embedding-3-small'),
        value: 'hello world',
        experimental_telemetry: telemetry('embedder'),
      });
      await embedMany({
        model: openai.embedding('text-embedding-3-small'),
        values: ['a', 'b'],
        experimental_telemetry: telemetry('embedder'),
      });
    });
    await record('failing', 3, async () => {
      await assert.rejects(
        generateText({
          model: openai.chat(ERROR_MODEL),
          prompt: 'fail please',
          maxRetries: 0,
          experimental_telemetry: telemetry('failing'),
        }),
      );
    });
  });

  after(async () => {
    await loupe.stop();
    await fake.stop();
  });

  it('counts the steps of generateText once: the top-level span is an aggregate', () => {
    const { summary, named } = runs['chat-tools'];
    const [top] = named('ai.generateText');
    assert.equal(top.kind, 'llm');
    assert.equal(top.aggregate, true);
    assert.equal(top.tokens.total, 2 * CALL_TOKENS, 'the SDK reports the sum on the top span');
    assert.equal(summary.tokens.total, 2 * CALL_TOKENS, 'the trace is not charged twice');
    assert.equal(summary.tokens.cacheRead, 2 * USAGE.cached);
    assert.equal(summary.llmCalls, 2);
    const steps = named('ai.generateText.doGenerate');
    const expected = steps.reduce((sum, s) => sum + callPrice(s.startTime), 0);
    assert.ok(Math.abs(summary.costUsd - expected) <= 1e-12 * expected, `${summary.costUsd} ≈ ${expected}`);
  });

  it('reads model, provider, messages and the tool call of each step', () => {
    const { named } = runs['chat-tools'];
    const [first, second] = named('ai.generateText.doGenerate');
    for (const step of [first, second]) {
      assert.equal(step.kind, 'llm');
      assert.equal(step.aggregate, false);
      assert.equal(step.provider, 'openai');
      assert.equal(step.requestModel, 'gpt-4o-mini');
      assert.equal(step.responseModel, RESPONSE_MODEL);
      assert.equal(step.tokens.cacheRead, USAGE.cached);
    }
    assert.deepEqual(first.messages.input, [
      { role: 'system', parts: [{ type: 'text', content: 'You are a weather bot.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'What is the weather in Paris?' }] },
    ]);
    assert.equal(first.finishReason, 'tool_calls');
    assert.deepEqual(first.messages.output, [
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: TOOL_CALL_ID, name: 'get_weather', arguments: { city: 'Paris' } }],
        finishReason: 'tool_calls',
      },
    ]);
    assert.deepEqual(second.messages.input.at(-1), {
      role: 'tool',
      parts: [{ type: 'tool_result', id: TOOL_CALL_ID, result: { city: 'Paris', temp_c: 22, sky: 'sunny' } }],
    });
    assert.deepEqual(second.messages.output, [
      { role: 'assistant', parts: [{ type: 'text', content: WEATHER_ANSWER }], finishReason: 'stop' },
    ]);
  });

  it('reads the tool span', () => {
    const [call] = runs['chat-tools'].named('ai.toolCall');
    assert.equal(call.kind, 'tool');
    assert.equal(call.toolName, 'get_weather');
    assert.deepEqual(call.tool, {
      name: 'get_weather',
      callId: TOOL_CALL_ID,
      arguments: { city: 'Paris' },
      result: { city: 'Paris', temp_c: 22, sky: 'sunny' },
    });
  });

  it('takes agent, session and user from telemetry settings', () => {
    const { summary, detail } = runs['chat-tools'];
    assert.deepEqual(summary.agents, ['weather-agent']);
    assert.deepEqual(summary.sessions, ['sess-ai']);
    assert.deepEqual(summary.users, ['user-ai']);
    const agent = summary.byAgent?.find((a) => a.key === 'weather-agent');
    assert.equal(agent?.calls, 2);
    assert.equal(agent?.tokens.total, 2 * CALL_TOKENS);
    for (const span of detail.spans.filter((s) => s.name.startsWith('ai.'))) {
      assert.equal(span.agentName, 'weather-agent');
      assert.equal(span.sessionId, 'sess-ai');
      assert.equal(span.userId, 'user-ai');
    }
  });

  it('reads a Responses API tool round trip the same way', () => {
    const { summary, named } = runs['responses-tools'];
    const steps = named('ai.generateText.doGenerate');
    assert.equal(steps.length, 2);
    for (const step of steps) assert.equal(step.provider, 'openai');
    assert.deepEqual(steps[0].messages.output[0].parts, [
      { type: 'tool_call', id: TOOL_CALL_ID, name: 'get_weather', arguments: { city: 'Paris' } },
    ]);
    assert.equal(summary.tokens.total, 2 * CALL_TOKENS);
    assert.equal(summary.llmCalls, 2);
    assert.deepEqual(named('ai.toolCall')[0].tool?.result, { city: 'Paris', temp_c: 22, sky: 'sunny' });
  });

  it('reads a streamed call: streaming, time to first chunk, usage counted once', () => {
    const { summary, named } = runs.stream;
    const [step] = named('ai.streamText.doStream');
    assert.equal(step.streaming, true);
    assert.ok((step.timeToFirstTokenMs ?? -1) >= 0);
    assert.deepEqual(step.messages.output, [{ role: 'assistant', parts: [{ type: 'text', content: GREETING }], finishReason: 'stop' }]);
    assert.equal(named('ai.streamText')[0].aggregate, true);
    assert.equal(summary.tokens.total, CALL_TOKENS);
    assert.equal(summary.llmCalls, 1);
  });

  it('reads embeddings without counting embed over doEmbed twice', () => {
    const { summary, named } = runs.embeddings;
    assert.equal(named('ai.embed')[0].kind, 'embedding');
    assert.deepEqual(named('ai.embed.doEmbed')[0].messages.input, [{ role: 'user', parts: [{ type: 'text', content: 'hello world' }] }]);
    assert.equal(summary.tokens.total, 3 * EMBEDDING_TOKENS_PER_INPUT);
    assert.equal(summary.llmCalls, 2);
    assert.equal(summary.unpricedCalls, 0);
  });

  it('shows a failed call as failed and costing nothing', () => {
    const { summary, named } = runs.failing;
    const [step] = named('ai.generateText.doGenerate');
    assert.equal(step.status, 'error');
    assert.match(step.error?.message ?? '', /does not exist/);
    assert.ok(step.error?.type);
    assert.equal(step.costUsd, 0);
    assert.equal(summary.errorCount, 2);
    assert.equal(summary.llmCalls, 1);
    assert.equal(summary.costUsd, 0);
    assert.equal(summary.unpricedCalls, 0);
    assert.deepEqual(step.messages.input, [{ role: 'user', parts: [{ type: 'text', content: 'fail please' }] }]);
  });
});
