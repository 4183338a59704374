import { strict as assert } from 'node:assert';
import { countModelCalls } from '../../../src/core/analysis/modelCalls';
import { summarizeTrace } from '../../../src/core/analysis/traceSummary';
import { buildTrace, chat } from './traceBuilder';

function flags(specs: Parameters<typeof buildTrace>[0]) {
  const { trace, facts } = buildTrace(specs);
  const c = countModelCalls(trace.spans, facts);
  const byId = (arr: Uint8Array) => Object.fromEntries(trace.spans.map((s, i) => [s.spanId, arr[i]]));
  return {
    usage: byId(c.countsUsage),
    call: byId(c.countsCall),
    unpriced: byId(c.unpriced),
    aggregate: byId(c.aggregate),
    summary: summarizeTrace(trace, facts),
    counting: c,
    trace,
  };
}

describe('counting model calls once', () => {
  it('counts AI SDK steps, not the generateText span that sums them', () => {
    const f = flags([
      {
        spanId: 'gen',
        name: 'ai.generateText',
        attributes: {
          'ai.operationId': 'ai.generateText',
          'ai.model.id': 'gpt-4o-mini',
          'ai.usage.inputTokens': 84,
          'ai.usage.outputTokens': 24,
        },
      },
      {
        spanId: 'step1',
        parentSpanId: 'gen',
        name: 'ai.generateText.doGenerate',
        attributes: { 'ai.model.id': 'gpt-4o-mini', 'ai.usage.inputTokens': 42, 'ai.usage.outputTokens': 12 },
      },
      { spanId: 'tool', parentSpanId: 'gen', name: 'ai.toolCall', attributes: { 'ai.toolCall.name': 'x' } },
      {
        spanId: 'step2',
        parentSpanId: 'gen',
        name: 'ai.generateText.doGenerate',
        attributes: { 'ai.model.id': 'gpt-4o-mini', 'ai.usage.inputTokens': 42, 'ai.usage.outputTokens': 12 },
      },
    ]);
    assert.deepEqual(f.usage, { gen: 0, step1: 1, tool: 0, step2: 1 });
    assert.deepEqual(f.call, { gen: 0, step1: 1, tool: 0, step2: 1 });
    assert.equal(f.aggregate.gen, 1);
    assert.equal(f.summary.tokens.total, 108);
    assert.equal(f.summary.llmCalls, 2);
  });

  it('finds aggregates no convention marks: an LLM span wrapping an instrumented client call', () => {
    const f = flags([
      {
        spanId: 'lc',
        name: 'ChatOpenAI',
        attributes: {
          'openinference.span.kind': 'LLM',
          'llm.model_name': 'gpt-4o',
          'llm.token_count.prompt': 10,
          'llm.token_count.completion': 5,
        },
      },
      { spanId: 'oa', parentSpanId: 'lc', name: 'chat gpt-4o', attributes: chat('gpt-4o', 10, 5) },
    ]);
    assert.deepEqual(f.usage, { lc: 0, oa: 1 });
    assert.deepEqual(f.call, { lc: 0, oa: 1 });
    assert.equal(f.summary.tokens.total, 15);
    assert.equal(f.summary.llmCalls, 1);
  });

  it('counts an aggregate whose steps have not arrived (or never will)', () => {
    const f = flags([
      {
        spanId: 'gen',
        name: 'ai.generateText',
        attributes: { 'ai.model.id': 'gpt-4o-mini', 'ai.usage.inputTokens': 84, 'ai.usage.outputTokens': 24 },
      },
    ]);
    assert.deepEqual(f.usage, { gen: 1 });
    assert.equal(f.summary.tokens.total, 108);
    assert.equal(f.summary.llmCalls, 1);
  });

  it('takes usage from the aggregate when its streamed step reported none, without calling it unpriced', () => {
    const f = flags([
      {
        spanId: 'st',
        name: 'ai.streamText',
        attributes: { 'ai.model.id': 'gpt-4o-mini', 'ai.usage.inputTokens': 42, 'ai.usage.outputTokens': 12 },
      },
      { spanId: 'ds', parentSpanId: 'st', name: 'ai.streamText.doStream', attributes: { 'ai.model.id': 'gpt-4o-mini' } },
    ]);
    assert.deepEqual(f.usage, { st: 1, ds: 0 });
    assert.deepEqual(f.call, { st: 0, ds: 1 });
    assert.deepEqual(f.unpriced, { st: 0, ds: 0 });
    assert.equal(f.summary.tokens.total, 54);
    assert.equal(f.summary.llmCalls, 1);
    assert.equal(f.summary.unpricedCalls, 0);
    assert.ok(f.summary.costUsd > 0);
  });

  it('calls a streamed call without usage unpriced, and a failed one free', () => {
    const f = flags([
      { spanId: 'root', name: 'run' },
      { spanId: 'stream', parentSpanId: 'root', attributes: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o' } },
      {
        spanId: 'fail',
        parentSpanId: 'root',
        attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'error.type': 'BadRequestError' },
        status: { code: 2 },
      },
      { spanId: 'unknown', parentSpanId: 'root', attributes: chat('in-house-7b', 5, 5) },
    ]);
    assert.deepEqual(f.call, { root: 0, stream: 1, fail: 1, unknown: 1 });
    assert.deepEqual(f.unpriced, { root: 0, stream: 1, fail: 0, unknown: 1 });
    assert.equal(f.summary.llmCalls, 3);
    assert.equal(f.summary.unpricedCalls, 2);
    assert.equal(f.summary.errorCount, 1);
  });

  it('does not count agent, chain or tool spans even when they carry usage', () => {
    const f = flags([
      {
        spanId: 'agent',
        name: 'invoke_agent a',
        attributes: {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.agent.name': 'a',
          'gen_ai.usage.input_tokens': 100,
          'gen_ai.usage.output_tokens': 10,
        },
      },
      {
        spanId: 'step',
        parentSpanId: 'agent',
        name: 'step 1',
        attributes: { 'gen_ai.operation.name': 'agent_step', 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 10 },
      },
      { spanId: 'c1', parentSpanId: 'step', attributes: chat('gpt-4o-mini', 60, 5) },
      { spanId: 'c2', parentSpanId: 'step', attributes: chat('gpt-4o-mini', 40, 5) },
    ]);
    assert.equal(f.summary.tokens.total, 110);
    assert.equal(f.summary.llmCalls, 2);
  });

  it('counts orphans (parent never arrived) and survives parent cycles', () => {
    const f = flags([
      { spanId: 'o', parentSpanId: 'missing', attributes: chat('gpt-4o-mini', 1, 1) },
      { spanId: 'a', parentSpanId: 'b', attributes: chat('gpt-4o-mini', 2, 2) },
      { spanId: 'b', parentSpanId: 'a', attributes: chat('gpt-4o-mini', 3, 3) },
    ]);
    assert.equal(f.usage.o, 1);
    assert.equal(f.summary.orphanCount, 1);
    assert.ok(f.summary.tokens.total >= 2);
  });

  it('attributes spans to the nearest agent and session above them', () => {
    const f = flags([
      { spanId: 'root', name: 'request', attributes: { 'session.id': 's1' } },
      { spanId: 'planner', parentSpanId: 'root', name: 'planner', attributes: { 'openinference.span.kind': 'AGENT' } },
      { spanId: 'p1', parentSpanId: 'planner', attributes: chat('gpt-4o', 10, 1) },
      { spanId: 'writer', parentSpanId: 'planner', name: 'invoke_agent writer', attributes: { 'gen_ai.operation.name': 'invoke_agent' } },
      { spanId: 'w1', parentSpanId: 'writer', attributes: chat('gpt-4o-mini', 20, 2) },
      { spanId: 'free', attributes: chat('gpt-4o-mini', 1, 1) },
    ]);
    const ids = f.trace.spans.map((s) => s.spanId);
    const agentOf = Object.fromEntries(ids.map((id, i) => [id, f.counting.agentOf[i]]));
    assert.deepEqual(agentOf, { root: undefined, planner: 'planner', p1: 'planner', writer: 'writer', w1: 'writer', free: undefined });
    const sessionOf = Object.fromEntries(ids.map((id, i) => [id, f.counting.sessionOf[i]]));
    assert.deepEqual(sessionOf, { root: 's1', planner: 's1', p1: 's1', writer: 's1', w1: 's1', free: undefined });
    const byAgent = Object.fromEntries((f.summary.byAgent ?? []).map((u) => [u.key, [u.calls, u.tokens.total]]));
    assert.deepEqual(byAgent, { planner: [1, 11], writer: [1, 22] });
    assert.deepEqual(
      f.summary.bySession?.map((u) => [u.key, u.calls, u.tokens.total]),
      [['s1', 2, 33]],
    );
    const byModel = Object.fromEntries((f.summary.byModel ?? []).map((u) => [u.key, [u.calls, u.tokens.total]]));
    assert.deepEqual(byModel, { 'gpt-4o': [1, 11], 'gpt-4o-mini': [2, 24] });
  });

  it('stays linear and iterative on a 100,000-span chain of nested model calls', () => {
    const specs = Array.from({ length: 100_000 }, (_, i) => ({
      spanId: `s${i}`,
      parentSpanId: i === 0 ? undefined : `s${i - 1}`,
      attributes: chat('gpt-4o-mini', 10, 1),
    }));
    const { trace, facts } = buildTrace(specs);
    const start = performance.now();
    const summary = summarizeTrace(trace, facts);
    assert.equal(summary.llmCalls, 1, 'only the innermost call counts; every other span is an aggregate');
    assert.equal(summary.tokens.total, 11);
    assert.ok(performance.now() - start < 15_000, 'linear; a quadratic walk over 100,000 nested spans would take minutes');
  });
});
