import { strict as assert } from 'node:assert';
import { buildTraceDetail } from '../../../src/core/analysis/traceDetail';
import { summarizeTrace } from '../../../src/core/analysis/traceSummary';
import { waterfallRows } from '../../../src/core/analysis/waterfall';
import { breakdownOf } from '../../../src/core/analysis/breakdown';
import { percentile } from '../../../src/model/percentile';
import { buildTrace, chat } from './traceBuilder';

/** An agent run: root 0–100 ms; agent 10–90; two chat calls and a failing tool inside. */
function agentRun(traceId?: string, session = 'sess-1') {
  return buildTrace(
    [
      { spanId: 'root', name: 'request', startMs: 0, endMs: 100, attributes: { 'session.id': session, 'user.id': 'u1' } },
      {
        spanId: 'agent',
        parentSpanId: 'root',
        name: 'invoke_agent helper',
        startMs: 10,
        endMs: 90,
        attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'helper' },
      },
      { spanId: 'c1', parentSpanId: 'agent', name: 'chat gpt-4o-mini', startMs: 10, endMs: 40, attributes: chat('gpt-4o-mini', 42, 12) },
      {
        spanId: 'tool',
        parentSpanId: 'agent',
        name: 'execute_tool lookup',
        startMs: 40,
        endMs: 50,
        status: { code: 2, message: 'timeout' },
        attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup' },
      },
      {
        spanId: 'c2',
        parentSpanId: 'agent',
        name: 'chat gpt-4o-mini',
        startMs: 60,
        endMs: 80,
        attributes: chat('gpt-4o-mini', 50, 20, { 'gen_ai.response.finish_reasons': 'stop' }),
      },
    ],
    traceId,
  );
}

describe('trace detail', () => {
  it('rolls up duration, self time, tokens, cost, errors and model calls per subtree', () => {
    const { trace, facts } = agentRun();
    const detail = buildTraceDetail(trace, facts, summarizeTrace(trace, facts));
    const byId = Object.fromEntries(detail.spans.map((s) => [s.spanId, s]));
    assert.deepEqual(
      detail.spans.map((s) => s.spanId),
      ['root', 'agent', 'c1', 'tool', 'c2'],
    );
    const agent = byId.agent.rollup!;
    assert.equal(agent.durationMs, 80);
    // Children cover 10–50 and 60–80 of 10–90: 20 ms of the agent's own time.
    assert.ok(Math.abs(agent.selfTimeMs - 20) < 1e-6);
    assert.equal(agent.tokens.total, 54 + 70);
    assert.equal(agent.errorCount, 1);
    assert.equal(agent.modelCalls, 2);
    assert.equal(agent.spanCount, 4);
    const root = byId.root.rollup!;
    assert.ok(Math.abs(root.selfTimeMs - 20) < 1e-6);
    assert.ok(Math.abs(root.costUsd - (byId.c1.costUsd! + byId.c2.costUsd!)) < 1e-15);
    assert.deepEqual(detail.totals.tokens, detail.summary.tokens);
  });

  it('carries the normalized fields on each span', () => {
    const { trace, facts } = agentRun();
    const detail = buildTraceDetail(trace, facts, summarizeTrace(trace, facts));
    const byId = Object.fromEntries(detail.spans.map((s) => [s.spanId, s]));
    assert.equal(byId.c2.kind, 'llm');
    assert.equal(byId.c2.finishReason, 'stop');
    assert.equal(byId.c2.agentName, 'helper', 'inherited from the agent span');
    assert.equal(byId.c2.sessionId, 'sess-1', 'inherited from the root');
    assert.equal(byId.c2.usageReported, true);
    assert.equal(byId.c2.costSource, 'pricing');
    assert.equal(byId.tool.toolName, 'lookup');
    assert.deepEqual(byId.tool.tool, { name: 'lookup' });
    assert.equal(byId.tool.status, 'error');
    assert.equal(byId.tool.error?.message, 'timeout');
    assert.equal(byId.root.otelKind, 'internal');
  });
});

describe('trace summary', () => {
  it('lists agents, models, sessions and users, and totals per model and agent', () => {
    const { trace, facts } = agentRun();
    const s = summarizeTrace(trace, facts);
    assert.equal(s.name, 'request');
    assert.equal(s.llmCalls, 2);
    assert.equal(s.tokens.total, 124);
    assert.equal(s.errorCount, 1);
    assert.deepEqual(s.agents, ['helper']);
    assert.deepEqual(s.models, ['gpt-4o-mini']);
    assert.deepEqual(s.sessions, ['sess-1']);
    assert.deepEqual(s.users, ['u1']);
    assert.equal(s.byModel?.[0].key, 'gpt-4o-mini');
    assert.equal(s.byModel?.[0].calls, 2);
    assert.equal(s.byAgent?.[0].key, 'helper');
    assert.equal(s.byAgent?.[0].errorCount, 1);
    assert.ok(Math.abs(s.byAgent![0].costUsd - s.costUsd) < 1e-15);
  });
});

describe('waterfall rows', () => {
  it('marks the critical path, aggregates, tools, agents and errors', () => {
    const { trace, facts } = buildTrace([
      {
        spanId: 'gen',
        name: 'ai.generateText',
        startMs: 0,
        endMs: 100,
        attributes: {
          'ai.model.id': 'gpt-4o-mini',
          'ai.usage.inputTokens': 84,
          'ai.usage.outputTokens': 24,
          'ai.telemetry.functionId': 'bot',
        },
      },
      {
        spanId: 's1',
        parentSpanId: 'gen',
        name: 'ai.generateText.doGenerate',
        startMs: 0,
        endMs: 40,
        attributes: { 'ai.model.id': 'gpt-4o-mini', 'ai.usage.inputTokens': 42, 'ai.usage.outputTokens': 12 },
      },
      {
        spanId: 't',
        parentSpanId: 'gen',
        name: 'ai.toolCall',
        startMs: 40,
        endMs: 50,
        status: { code: 2, message: 'bad args' },
        attributes: { 'ai.toolCall.name': 'lookup' },
      },
      {
        spanId: 's2',
        parentSpanId: 'gen',
        name: 'ai.generateText.doGenerate',
        startMs: 50,
        endMs: 100,
        attributes: { 'ai.model.id': 'gpt-4o-mini', 'ai.usage.inputTokens': 42, 'ai.usage.outputTokens': 12 },
      },
    ]);
    const rows = Object.fromEntries(waterfallRows(trace, facts).map((r) => [r.spanId, r]));
    assert.equal(rows.gen.aggregate, true);
    assert.equal(rows.s1.aggregate, false);
    assert.equal(rows.t.toolName, 'lookup');
    assert.equal(rows.t.errorMessage, 'bad args');
    assert.equal(rows.s2.agentName, 'bot');
    assert.equal(rows.s1.onCriticalPath, true);
    assert.equal(rows.s2.onCriticalPath, true);
    assert.equal(rows.s2.offsetMs, 50);
    assert.equal(rows.s2.depth, 1);
  });
});

describe('breakdown', () => {
  it('groups self time, tokens and cost by kind, model and agent, counting calls once', () => {
    const { trace, facts } = agentRun();
    const b = breakdownOf([{ trace, facts }], trace.traceId);
    const llm = b.byKind.find((r) => r.key === 'llm')!;
    assert.equal(llm.count, 2);
    assert.equal(llm.tokens, 124);
    const model = b.byModel.find((r) => r.key === 'gpt-4o-mini')!;
    assert.equal(model.count, 2);
    assert.equal(model.tokens, 124);
    const agent = b.byAgent.find((r) => r.key === 'helper')!;
    assert.equal(agent.count, 4, 'the agent span and the three spans working for it');
    assert.equal(agent.tokens, 124);
    assert.equal(agent.errorCount, 1);
    assert.equal(b.totalMs, 100);
    const selfSum = b.byKind.reduce((a, r) => a + r.selfMs, 0);
    assert.ok(Math.abs(selfSum - 100) < 1e-6, 'self times partition the trace');
  });

  it('keeps one model in one row when some calls report a dated response model', () => {
    const { trace, facts } = buildTrace([
      { spanId: 'a1', name: 'agent', startMs: 0, endMs: 100 },
      {
        spanId: 'c1',
        parentSpanId: 'a1',
        name: 'chat',
        startMs: 0,
        endMs: 40,
        attributes: chat('gpt-4o-mini', 10, 5, { 'gen_ai.response.model': 'gpt-4o-mini-2024-07-18' }),
      },
      { spanId: 'c2', parentSpanId: 'a1', name: 'chat', startMs: 50, endMs: 90, attributes: chat('gpt-4o-mini', 20, 5) },
    ]);
    const b = breakdownOf([{ trace, facts }], trace.traceId);
    assert.deepEqual(
      b.byModel.map((r) => [r.key, r.count, r.tokens]),
      [['gpt-4o-mini', 2, 40]],
    );
    // Rows by span name carry their kind, so the latency chart colours them like the waterfall.
    assert.deepEqual(
      b.byName.map((r) => [r.key, r.kind]),
      [
        ['chat', 'llm'],
        ['agent', 'agent'],
      ],
    );
  });

  it('computes nearest-rank percentiles', () => {
    assert.equal(percentile([], 50), 0);
    assert.equal(percentile([1, 2, 3, 4], 50), 2);
    assert.equal(percentile([1, 2, 3, 4], 95), 4);
  });
});
