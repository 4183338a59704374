import * as assert from 'node:assert/strict';
import {
  addValue,
  copySketch,
  emptySketch,
  mergeSketch,
  quantile,
  RELATIVE_ACCURACY,
  sketchFromJson,
  subtractSketch,
} from '../../../src/core/history/latencySketch';

describe('Latency sketch', () => {
  const exact = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))];

  it('reads p50, p95 and p99 within 2% of a recorded value over six orders of magnitude', () => {
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const values = Array.from({ length: 5000 }, () => Math.exp(random() * 14) * 0.5);
    const sketch = emptySketch();
    for (const v of values) addValue(sketch, v);
    for (const q of [0.5, 0.95, 0.99]) {
      const got = quantile(sketch, q)!;
      const want = exact(values, q);
      assert.ok(Math.abs(got - want) / want <= RELATIVE_ACCURACY + 1e-9, `q${q}: ${got} vs ${want}`);
    }
    assert.equal(quantile(emptySketch(), 0.5), null);
  });

  it('merges and takes back exactly', () => {
    const a = emptySketch();
    const b = emptySketch();
    [1, 2, 3, 500, 0].forEach((v) => addValue(a, v));
    [7, 700, 7000].forEach((v) => addValue(b, v));
    const before = copySketch(a);
    mergeSketch(a, b);
    assert.equal(a.n, 8);
    subtractSketch(a, b);
    assert.deepEqual(a, before);
  });

  it('reads hostile JSON as an empty or partial sketch', () => {
    assert.deepEqual(sketchFromJson('x'), emptySketch());
    assert.deepEqual(sketchFromJson({ n: -1, sum: 'a', zero: Infinity, b: { '12': 3, x: 4, '13': -2, __proto__: 5 } }), {
      n: 0,
      sum: 0,
      zero: 0,
      b: { '12': 3 },
    });
  });
});
