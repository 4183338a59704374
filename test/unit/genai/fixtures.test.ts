import { strict as assert } from 'node:assert';
import { calcPrice } from '@pydantic/genai-prices';
import { summarizeTrace } from '../../../src/core/analysis/traceSummary';
import { buildTraceDetail } from '../../../src/core/analysis/traceDetail';
import { PriceBook } from '../../../src/core/genai/pricing';
import type { SpanFacts } from '../../../src/core/genai/spanFacts';
import { nanosToMs } from '../../../src/core/otlp/values';
import type { StoredTrace } from '../../../src/model/storedTrace';
import { factsOf, loadFixtureTraces } from './otlpFixtures';

const pricing = new PriceBook();

/** Model calls with no model call below them: what a trace's totals must add up, computed naively. */
function leafModelCalls(trace: StoredTrace, facts: SpanFacts[]): number[] {
  const isModel = (i: number) => facts[i].kind === 'llm' || facts[i].kind === 'embedding';
  const hasModelBelow = new Set<string>();
  for (let i = 0; i < trace.spans.length; i++) {
    if (!isModel(i)) continue;
    let parent = trace.spans[i].parentSpanId;
    while (parent) {
      hasModelBelow.add(parent);
      parent = trace.spans.find((s) => s.spanId === parent)?.parentSpanId;
    }
  }
  return trace.spans.flatMap((s, i) => (isModel(i) && !hasModelBelow.has(s.spanId) ? [i] : []));
}

function expectedCost(trace: StoredTrace, facts: SpanFacts[], i: number): number {
  const f = facts[i];
  if (f.tokens.total === 0) return 0;
  const usage = {
    input_tokens: f.tokens.input,
    output_tokens: f.tokens.output,
    cache_read_tokens: f.tokens.cacheRead,
    cache_write_tokens: f.tokens.cacheWrite,
  };
  const timestamp = new Date(nanosToMs(trace.spans[i].startTimeUnixNano));
  const priced = calcPrice(usage, f.model!, { providerId: f.provider, timestamp }) ?? calcPrice(usage, f.model!, { timestamp });
  assert.ok(priced, `genai-prices prices ${f.model}`);
  return priced.total_price;
}

function checkTotals(trace: StoredTrace, facts: SpanFacts[]) {
  const summary = summarizeTrace(trace, facts);
  const leaves = leafModelCalls(trace, facts);
  const tokens = leaves.reduce((sum, i) => sum + facts[i].tokens.total, 0);
  const input = leaves.reduce((sum, i) => sum + facts[i].tokens.input, 0);
  const cacheRead = leaves.reduce((sum, i) => sum + facts[i].tokens.cacheRead, 0);
  assert.equal(summary.tokens.total, tokens, 'tokens = sum over model calls');
  assert.equal(summary.tokens.input, input);
  assert.equal(summary.tokens.cacheRead, cacheRead);
  assert.equal(summary.llmCalls, leaves.length);
  const cost = leaves.reduce((sum, i) => sum + (facts[i].costUsd === null ? 0 : expectedCost(trace, facts, i)), 0);
  assert.ok(Math.abs(summary.costUsd - cost) <= 1e-12 * Math.max(1e-6, cost), `cost ${summary.costUsd} ≈ ${cost}`);
  return summary;
}

describe('real captures', () => {
  it('@opentelemetry/instrumentation-openai: totals, cost, and messages from its log records', () => {
    const [trace] = loadFixtureTraces('a-otel-instrumentation-openai.otlp.json', 'a-otel-instrumentation-openai.otlp-logs.json');
    const facts = factsOf(trace, pricing);
    const summary = checkTotals(trace, facts);
    assert.equal(summary.tokens.total, 5 * 54 + 10);
    assert.equal(summary.llmCalls, 7);
    assert.equal(summary.errorCount, 1);
    assert.equal(summary.unpricedCalls, 0);
    assert.deepEqual(summary.models.sort(), ['gpt-4o-mini-2024-07-18', 'gpt-error-model', 'text-embedding-3-small']);

    const detail = buildTraceDetail(trace, facts, summary);
    const chats = detail.spans.filter((s) => s.kind === 'llm' && s.status !== 'error');
    assert.equal(chats.length, 5);
    for (const span of chats) {
      assert.ok(span.messages.input.length > 0, `${span.spanId} has input messages`);
      assert.ok(span.messages.output.length > 0, `${span.spanId} has output messages`);
      assert.equal(span.provider, 'openai');
      assert.equal(span.requestModel, 'gpt-4o-mini');
      assert.equal(span.responseModel, 'gpt-4o-mini-2024-07-18');
    }
    const toolTurn = chats.find((s) => s.finishReason === 'tool_calls')!;
    assert.deepEqual(toolTurn.messages.output[0].parts[0], {
      type: 'tool_call',
      id: 'call-mwqmtboc4',
      name: 'get_weather',
      arguments: { city: 'Paris' },
    });
    const failed = detail.spans.find((s) => s.status === 'error')!;
    assert.equal(failed.httpStatus, 400);
    assert.equal(failed.error?.type, 'BadRequestError');
    assert.deepEqual(failed.messages.input[0].parts, [{ type: 'text', content: 'this will fail' }]);
  });

  it('@arizeai/openinference-instrumentation-openai: totals, cached tokens, agent, session and user', () => {
    const traces = loadFixtureTraces('b-openinference-openai.otlp.json');
    let tokens = 0;
    for (const trace of traces) {
      const facts = factsOf(trace, pricing);
      const summary = checkTotals(trace, facts);
      tokens += summary.tokens.total;
      assert.deepEqual(summary.sessions, ['sess-123']);
      assert.deepEqual(summary.users, ['user-42']);
      if (summary.name === 'weather-agent') {
        assert.deepEqual(
          summary.byAgent?.map((a) => [a.key, a.calls, a.tokens.total]),
          [['weather-agent', 2, 108]],
        );
        const detail = buildTraceDetail(trace, facts, summary);
        const tool = detail.spans.find((s) => s.kind === 'tool')!;
        assert.deepEqual(tool.tool, {
          name: 'get_weather',
          arguments: { city: 'Paris' },
          result: { city: 'Paris', temp_c: 22, sky: 'sunny' },
        });
      } else {
        // The streamed call and the embedding report no usage: unpriced, never $0.
        assert.equal(summary.unpricedCalls, 2);
        assert.equal(summary.tokens.cacheRead, 4 * 8);
      }
    }
    assert.equal(tokens, 6 * 54);
  });

  for (const file of ['d-vercel-ai-sdk.otlp.json', 'd-vercel-ai-sdk-with-code-location.otlp.json']) {
    it(`Vercel AI SDK (${file}): aggregates are not counted twice`, () => {
      const traces = loadFixtureTraces(file);
      const totals: Record<string, number> = {};
      for (const trace of traces) {
        const facts = factsOf(trace, pricing);
        const summary = checkTotals(trace, facts);
        totals[summary.name] = (totals[summary.name] ?? 0) + summary.tokens.total;
        // The top-level span carries the same sum as its steps; the trace total must not double it.
        const root = trace.spans.findIndex((s) => !s.parentSpanId);
        if (facts[root].tokens.total > 0) assert.equal(summary.tokens.total, facts[root].tokens.total);
      }
      assert.deepEqual(totals, { 'ai.generateText': 108 + 54 + 0, 'ai.streamText': 54, 'ai.embed': 5, 'ai.embedMany': 10 });
    });
  }

  it('Vercel AI SDK: code location from code.* attributes; none from a library-only stack', () => {
    const traces = loadFixtureTraces('d-vercel-ai-sdk-with-code-location.otlp.json');
    const all = traces.flatMap((trace) => factsOf(trace, pricing));
    const located = all.filter((f) => f.code);
    assert.ok(located.length > 0);
    for (const f of located)
      assert.deepEqual(f.code, {
        filePath: '/home/dev/agent-app/scripts/d-vercel-ai-sdk.js',
        line: 23,
        column: 44,
        function: 'run',
        source: 'attributes',
      });
    const plain = loadFixtureTraces('d-vercel-ai-sdk.otlp.json').flatMap((trace) => factsOf(trace, pricing));
    const failed = plain.filter((f) => f.status === 'error');
    assert.equal(failed.length, 2);
    for (const f of failed) {
      assert.equal(f.error?.type, 'AI_APICallError');
      assert.equal(f.code, undefined, 'the stack holds only node_modules and runtime frames');
    }
  });
});
