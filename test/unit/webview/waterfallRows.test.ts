import { strict as assert } from 'node:assert';
import { buildWaterfallModel, type WaterfallSpan } from '../../../webview/waterfall/waterfallModel';
import {
  collapseFromDepth,
  collapsedFlags,
  collapsedIds,
  expandAncestors,
  visibleIndexOf,
  visibleRows,
} from '../../../webview/waterfall/visibleRows';

function span(spanId: string, startTime: number, endTime: number, parentSpanId?: string): WaterfallSpan {
  return { spanId, parentSpanId, startTime, endTime, name: spanId, kind: 'other', status: 'unset', service: 'svc' };
}

// root ─┬─ a ─┬─ a1
//       │     └─ a2 ── a2x
//       └─ b
const SPANS = [
  span('b', 50, 90, 'root'),
  span('a2x', 25, 28, 'a2'),
  span('a1', 11, 15, 'a'),
  span('root', 0, 100),
  span('a', 10, 40, 'root'),
  span('a2', 20, 30, 'a'),
];

function names(model: ReturnType<typeof buildWaterfallModel>, rows: ArrayLike<number>): string[] {
  return Array.from(rows, (r) => model.rows[r].spanId);
}

describe('waterfall model', () => {
  it('orders spans depth-first, parents first, siblings by start time', () => {
    const model = buildWaterfallModel(SPANS);
    assert.deepEqual(
      names(
        model,
        model.rows.map((_, i) => i),
      ),
      ['root', 'a', 'a1', 'a2', 'a2x', 'b'],
    );
    assert.deepEqual(Array.from(model.depth), [0, 1, 2, 2, 3, 1]);
    assert.deepEqual(Array.from(model.parent), [-1, 0, 1, 1, 3, 0]);
    assert.deepEqual(Array.from(model.subtreeEnd), [6, 5, 3, 5, 5, 6]);
    assert.deepEqual(Array.from(model.childCount), [2, 2, 0, 1, 0, 0]);
    assert.equal(model.traceStart, 0);
    assert.equal(model.traceEnd, 100);
    assert.equal(model.maxDepth, 3);
  });

  it('shows orphans and spans in a parent cycle as roots', () => {
    const model = buildWaterfallModel([span('r', 0, 10), span('o', 5, 6, 'missing'), span('x', 1, 2, 'y'), span('y', 2, 3, 'x')]);
    assert.deepEqual(
      names(
        model,
        model.rows.map((_, i) => i),
      ).slice(0, 2),
      ['r', 'o'],
    );
    assert.equal(model.orphan[1], 1);
    assert.equal(model.depth[1], 0);
    assert.equal(model.rows.length, 4);
    assert.deepEqual(new Set(names(model, [2, 3])), new Set(['x', 'y']));
    assert.equal(model.depth[2], 0);
  });

  it('survives a 100,000-deep chain', () => {
    const chain: WaterfallSpan[] = [];
    for (let i = 0; i < 100_000; i++) chain.push(span(`s${i}`, i, 200_000 - i, i ? `s${i - 1}` : undefined));
    const model = buildWaterfallModel(chain.reverse());
    assert.equal(model.maxDepth, 99_999);
    assert.equal(model.rows[0].spanId, 's0');
    assert.equal(model.subtreeEnd[0], 100_000);
    assert.equal(visibleRows(model, collapsedFlags(model, ['s10'])).length, 11);
  });

  it('is empty for no spans', () => {
    const model = buildWaterfallModel([]);
    assert.equal(model.rows.length, 0);
    assert.equal(visibleRows(model, new Uint8Array(0)).length, 0);
  });
});

describe('visible rows', () => {
  const model = buildWaterfallModel(SPANS);

  it('shows every row when nothing is collapsed', () => {
    assert.deepEqual(names(model, visibleRows(model, new Uint8Array(6))), ['root', 'a', 'a1', 'a2', 'a2x', 'b']);
  });

  it('hides the descendants of collapsed rows, nested collapses included', () => {
    assert.deepEqual(names(model, visibleRows(model, collapsedFlags(model, ['a']))), ['root', 'a', 'b']);
    assert.deepEqual(names(model, visibleRows(model, collapsedFlags(model, ['a2']))), ['root', 'a', 'a1', 'a2', 'b']);
    assert.deepEqual(names(model, visibleRows(model, collapsedFlags(model, ['a', 'a2']))), ['root', 'a', 'b']);
    assert.deepEqual(names(model, visibleRows(model, collapsedFlags(model, ['root']))), ['root']);
  });

  it('ignores unknown ids and leaves that cannot collapse', () => {
    const flags = collapsedFlags(model, ['nope', 'a1', 'b']);
    assert.equal(
      flags.reduce((sum, f) => sum + f, 0),
      0,
    );
  });

  it('round-trips collapse state through span ids', () => {
    assert.deepEqual(collapsedIds(model, collapsedFlags(model, ['a2', 'root'])), ['root', 'a2']);
  });

  it('collapses from a depth', () => {
    assert.deepEqual(names(model, visibleRows(model, collapseFromDepth(model, 1))), ['root', 'a', 'b']);
    assert.deepEqual(names(model, visibleRows(model, collapseFromDepth(model, 0))), ['root']);
  });

  it('expands the ancestors of a hidden row without touching the input', () => {
    const collapsed = collapsedFlags(model, ['root', 'a', 'a2']);
    const a2x = model.rowById.get('a2x')!;
    const expanded = expandAncestors(model, collapsed, a2x);
    assert.deepEqual(names(model, visibleRows(model, expanded)), ['root', 'a', 'a1', 'a2', 'a2x', 'b']);
    assert.deepEqual(collapsedIds(model, collapsed), ['root', 'a', 'a2']);
    assert.equal(expandAncestors(model, expanded, a2x), expanded);
  });

  it('finds the visible position of a row', () => {
    const visible = visibleRows(model, collapsedFlags(model, ['a']));
    assert.equal(visibleIndexOf(visible, model.rowById.get('b')!), 2);
    assert.equal(visibleIndexOf(visible, model.rowById.get('a1')!), -1);
  });

  it('flattens 100,000 rows quickly', () => {
    const spans: WaterfallSpan[] = [span('root', 0, 1e6)];
    for (let i = 0; i < 1000; i++) {
      spans.push(span(`g${i}`, i * 1000, i * 1000 + 900, 'root'));
      for (let k = 0; k < 99; k++) spans.push(span(`g${i}c${k}`, i * 1000 + k, i * 1000 + k + 5, `g${i}`));
    }
    const big = buildWaterfallModel(spans);
    const started = performance.now();
    const all = visibleRows(big, new Uint8Array(big.rows.length));
    const some = visibleRows(big, collapseFromDepth(big, 1));
    assert.ok(performance.now() - started < 200);
    assert.equal(all.length, 100_001);
    assert.equal(some.length, 1001);
  });
});
