import { strict as assert } from 'node:assert';
import type { StoreStats, TraceChange, TraceSummary } from '../../../src/model/traceTypes';
import { applyTraceChange, changeTouches, filterChoices } from '../../../src/model/traceListModel';
import { hashForView, viewFromHash } from '../../../webview/host/viewRoute';

const STATS: StoreStats = { traces: 0, spans: 0, bytes: 0, evictedTraces: 0, evictedSpans: 0, droppedSpans: 0, rejectedSpans: 0 };

function summary(traceId: string, startTime: number, extra: Partial<TraceSummary> = {}): TraceSummary {
  return {
    traceId,
    name: `trace ${traceId}`,
    service: 'svc',
    startTime,
    durationMs: 10,
    updatedTime: startTime,
    spanCount: 3,
    errorCount: 0,
    tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0, total: 0 },
    costUsd: 0,
    unpricedCalls: 0,
    llmCalls: 0,
    agents: [],
    models: [],
    services: ['svc'],
    sessions: [],
    users: [],
    orphanCount: 0,
    droppedSpans: 0,
    ...extra,
  };
}

function change(partial: Partial<TraceChange>): TraceChange {
  return { upserted: [], removed: [], cleared: false, stats: STATS, ...partial };
}

describe('trace list live changes', () => {
  const list = [summary('b', 200), summary('a', 100)];

  it('adds new traces newest first and replaces grown ones', () => {
    const next = applyTraceChange(list, change({ upserted: [summary('c', 300), summary('a', 100, { spanCount: 9 })] }), {}, 10);
    assert.deepEqual(
      next.map((t) => t.traceId),
      ['c', 'b', 'a'],
    );
    assert.equal(next[2].spanCount, 9);
    assert.equal(list[1].spanCount, 3);
  });

  it('drops removed traces, clears, and caps the length', () => {
    assert.deepEqual(
      applyTraceChange(list, change({ removed: ['b'] }), {}, 10).map((t) => t.traceId),
      ['a'],
    );
    assert.deepEqual(
      applyTraceChange(list, change({ cleared: true, upserted: [summary('n', 1)] }), {}, 10).map((t) => t.traceId),
      ['n'],
    );
    assert.deepEqual(
      applyTraceChange(list, change({ upserted: [summary('c', 300)] }), {}, 2).map((t) => t.traceId),
      ['c', 'b'],
    );
  });

  it('keeps only traces that pass the filters', () => {
    const erroring = summary('e', 400, { errorCount: 1 });
    const next = applyTraceChange(
      [summary('x', 1, { errorCount: 2 })],
      change({ upserted: [erroring, summary('ok', 500)] }),
      { status: 'error' },
      10,
    );
    assert.deepEqual(
      next.map((t) => t.traceId),
      ['e', 'x'],
    );
    const healed = applyTraceChange(next, change({ upserted: [summary('e', 400)] }), { status: 'error' }, 10);
    assert.deepEqual(
      healed.map((t) => t.traceId),
      ['x'],
    );
  });

  it('lists filter choices and tells whether a change touches a trace', () => {
    const choices = filterChoices([
      summary('a', 1, { agents: ['planner'], models: ['gpt-4o', ''] }),
      summary('b', 2, { services: ['api', 'svc'] }),
    ]);
    assert.deepEqual(choices, { services: ['api', 'svc'], agents: ['planner'], models: ['gpt-4o'] });
    assert.equal(changeTouches(change({ upserted: [summary('a', 1)] }), 'a'), 'updated');
    assert.equal(changeTouches(change({ removed: ['a'] }), 'a'), 'removed');
    assert.equal(changeTouches(change({ cleared: true }), 'a'), 'removed');
    assert.equal(changeTouches(change({ upserted: [summary('b', 1)] }), 'a'), undefined);
  });
});

describe('view routes', () => {
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const spanId = 'b7ad6b7169203331';

  it('round-trips views through the address fragment', () => {
    for (const view of [
      { page: 'list' as const },
      { page: 'overview' as const },
      { page: 'trace' as const, traceId },
      { page: 'trace' as const, traceId, spanId },
    ]) {
      assert.deepEqual(viewFromHash(hashForView(view)), view);
    }
  });

  it('falls back to the list for anything malformed', () => {
    assert.deepEqual(viewFromHash(''), { page: 'list' });
    assert.deepEqual(viewFromHash('#/trace/not-an-id'), { page: 'list' });
    assert.deepEqual(viewFromHash('#/trace/javascript:alert(1)'), { page: 'list' });
    assert.deepEqual(viewFromHash(`#/trace/${traceId.toUpperCase()}/zz`), { page: 'trace', traceId });
  });
});
