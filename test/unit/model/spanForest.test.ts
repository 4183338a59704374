import { strict as assert } from 'node:assert';
import { buildSpanForest } from '../../../src/model/spanForest';

interface S {
  id: string;
  parent?: string;
  start: number;
}

function forestOf(spans: S[]) {
  return buildSpanForest({
    count: spans.length,
    spanId: (i) => spans[i].id,
    parentSpanId: (i) => spans[i].parent,
    start: (i) => spans[i].start,
  });
}

describe('span forest', () => {
  it('orders parents first and siblings by start, with depths', () => {
    const spans: S[] = [
      { id: 'c2', parent: 'r', start: 5 },
      { id: 'r', start: 0 },
      { id: 'g', parent: 'c1', start: 2 },
      { id: 'c1', parent: 'r', start: 1 },
    ];
    const forest = forestOf(spans);
    assert.deepEqual(
      forest.order.map((i) => spans[i].id),
      ['r', 'c1', 'g', 'c2'],
    );
    assert.deepEqual([...forest.depth], [1, 0, 2, 1]);
    assert.deepEqual(forest.roots, [1]);
  });

  it('makes orphans and spans in a parent cycle roots, cutting the link that closes the cycle', () => {
    const spans: S[] = [
      { id: 'a', parent: 'b', start: 0 },
      { id: 'b', parent: 'a', start: 1 },
      { id: 'o', parent: 'missing', start: 2 },
      { id: 'self', parent: 'self', start: 3 },
    ];
    const forest = forestOf(spans);
    assert.equal(forest.order.length, 4, 'every span is shown once');
    assert.deepEqual([...forest.orphan], [0, 0, 1, 0]);
    const cycleRoot = forest.roots.find((i) => i === 0 || i === 1)!;
    assert.equal(forest.parent[cycleRoot], -1);
    assert.equal(forest.children.flat().includes(cycleRoot), false, 'the cut link is no longer a child');
    assert.ok(forest.roots.includes(3));
  });

  it('keeps the first of two spans with one id and stays iterative on a 100,000-deep chain', () => {
    const dupes = forestOf([
      { id: 'r', start: 0 },
      { id: 'x', parent: 'r', start: 1 },
      { id: 'x', parent: 'r', start: 2 },
    ]);
    assert.deepEqual(dupes.children[0], [1, 2]);
    const chain: S[] = Array.from({ length: 100_000 }, (_, i) => ({ id: `s${i}`, parent: i ? `s${i - 1}` : undefined, start: i }));
    const deep = forestOf(chain);
    assert.equal(deep.depth[99_999], 99_999);
    assert.equal(deep.order[99_999], 99_999);
  });
});
