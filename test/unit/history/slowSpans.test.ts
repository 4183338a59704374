import * as assert from 'node:assert/strict';
import { context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { LoupeRuntime } from '../../../src/core/host/loupeRuntime';
import { MIN_BASELINE_SAMPLES } from '../../../src/core/history/slowSpans';
import type { TraceDetail, TraceSummary } from '../../../src/model/traceTypes';

describe('Slow spans', () => {
  let runtime: LoupeRuntime;
  let port: number;
  let provider: TracerProvider;

  beforeEach(async () => {
    runtime = await LoupeRuntime.open({ host: '127.0.0.1', grpcPort: 0, httpPort: 0, version: '0.0.0-test' });
    const status = await runtime.startReceivers();
    port = status.http.state === 'listening' ? status.http.port : 0;
    provider = new TracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'search-agent' }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` }) })],
    });
  });
  afterEach(async () => {
    await provider.shutdown();
    await runtime.close();
  });

  /** One run: an agent span over a tool call and a model call of the given durations (explicit times). */
  async function sendRun(startMs: number, toolMs: number, chatMs = 800): Promise<string> {
    const tracer = provider.getTracer('slow-spans');
    const root = tracer.startSpan('invoke_agent searcher', { startTime: startMs, attributes: { 'gen_ai.agent.name': 'searcher' } });
    const inRoot = trace.setSpan(context.active(), root);
    const tool = tracer.startSpan(
      'execute_tool search',
      { startTime: startMs + 1, attributes: { 'gen_ai.operation.name': 'execute_tool' } },
      inRoot,
    );
    tool.end(startMs + 1 + toolMs);
    const chatStart = startMs + 2 + toolMs;
    const chat = tracer.startSpan(
      'chat',
      {
        startTime: chatStart,
        attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 5 },
      },
      inRoot,
    );
    chat.end(chatStart + chatMs);
    root.end(chatStart + chatMs + 1);
    await provider.forceFlush();
    return root.spanContext().traceId;
  }

  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${runtime.accessToken}` } });
    assert.equal(response.status, 200, path);
    return (await response.json()) as T;
  };
  const spanNamed = (detail: TraceDetail, name: string) => detail.spans.find((s) => s.name === name)!;

  it(`flags a span 3× slower than its ${MIN_BASELINE_SAMPLES} predecessors, and not a usual one`, async () => {
    const t0 = Date.now() - 3_600_000;
    for (let i = 0; i < 30; i++) await sendRun(t0 + i * 10_000, 380 + (i % 5) * 10); // 380–420 ms
    const slowRun = await sendRun(t0 + 400_000, 1200);
    const usualRun = await sendRun(t0 + 410_000, 410);
    await runtime.engine.flush();

    const slow = await get<TraceDetail>(`/api/traces/${slowRun}`);
    const mark = spanNamed(slow, 'execute_tool search').slow;
    assert.ok(mark, 'the slow tool call is marked');
    assert.equal(mark.samples, 30 + 1, 'the baseline holds every other run (the usual one too), not this one');
    assert.ok(mark.baselineP95Ms >= 400 && mark.baselineP95Ms <= 430, String(mark.baselineP95Ms));
    assert.ok(mark.ratio >= 2.7 && mark.ratio <= 3.1, String(mark.ratio));
    assert.equal(spanNamed(slow, 'chat').slow, undefined, 'its model call took the usual time');
    // The run around it took longer than runs usually do, by the tool call's extra 800 ms: marked too.
    assert.equal(spanNamed(slow, 'invoke_agent searcher').slow?.ratio, 1.7);

    // The waterfall columns and the single-span answer carry the same marks.
    const columns = await get<{ slowSpans?: [string, number, number, number][] }>(`/api/traces/${slowRun}/waterfall?format=columns`);
    const toolId = spanNamed(slow, 'execute_tool search').spanId;
    assert.deepEqual(
      columns.slowSpans?.find(([id]) => id === toolId),
      [toolId, mark.ratio, mark.baselineP95Ms, mark.samples],
    );
    assert.deepEqual((await get<{ slow?: unknown }>(`/api/traces/${slowRun}/spans/${toolId}`)).slow, mark);

    const usual = await get<TraceDetail>(`/api/traces/${usualRun}`);
    assert.ok(usual.spans.every((s) => s.slow === undefined));
    assert.equal((await get<{ slowSpans?: unknown }>(`/api/traces/${usualRun}/waterfall?format=columns`)).slowSpans, undefined);

    const listed = await get<TraceSummary[]>('/api/traces?slow=true');
    assert.deepEqual(
      listed.map((s) => [s.traceId, s.slowSpans]),
      [[slowRun, 2]],
    );
    const bad = await fetch(`http://127.0.0.1:${port}/api/traces?slow=maybe`, {
      headers: { authorization: `Bearer ${runtime.accessToken}` },
    });
    assert.equal(bad.status, 400);
  });

  it(`says nothing with fewer than ${MIN_BASELINE_SAMPLES} earlier spans`, async () => {
    const t0 = Date.now() - 3_600_000;
    for (let i = 0; i < MIN_BASELINE_SAMPLES - 2; i++) await sendRun(t0 + i * 10_000, 400);
    const run = await sendRun(t0 + 400_000, 4000);
    await runtime.engine.flush();
    const detail = await get<TraceDetail>(`/api/traces/${run}`);
    assert.ok(detail.spans.every((s) => s.slow === undefined));
  });

  it('keeps a model call baseline per model', async () => {
    const t0 = Date.now() - 3_600_000;
    for (let i = 0; i < 31; i++) await sendRun(t0 + i * 10_000, 400, 800);
    const run = await sendRun(t0 + 400_000, 400, 2400);
    await runtime.engine.flush();
    const chat = spanNamed(await get<TraceDetail>(`/api/traces/${run}`), 'chat');
    assert.equal(chat.model, 'gpt-4o');
    assert.ok(chat.slow && chat.slow.ratio >= 2.8, JSON.stringify(chat.slow));
  });
});
