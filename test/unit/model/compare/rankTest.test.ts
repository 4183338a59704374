import { strict as assert } from 'node:assert';
import { benjaminiHochberg, mannWhitneyU, upperNormalTail } from '../../../../src/model/compare/rankTest';

/** Two-sided p by enumerating every way to pick A's ranks: the definition, for small samples. */
function bruteForceP(a: number[], b: number[]): number {
  const pooled = [...a, ...b];
  const n = pooled.length;
  const uOf = (pick: number[]) => {
    let u = 0;
    for (const i of pick)
      for (let j = 0; j < n; j++) if (!pick.includes(j)) u += pooled[i] > pooled[j] ? 1 : pooled[i] === pooled[j] ? 0.5 : 0;
    return u;
  };
  const observed = uOf(a.map((_, i) => i));
  const mean = (a.length * b.length) / 2;
  let extreme = 0;
  let total = 0;
  const choose = (start: number, pick: number[]) => {
    if (pick.length === a.length) {
      total++;
      if (Math.abs(uOf(pick) - mean) >= Math.abs(observed - mean) - 1e-9) extreme++;
      return;
    }
    for (let i = start; i < n; i++) choose(i + 1, [...pick, i]);
  };
  choose(0, []);
  return extreme / total;
}

describe('Mann–Whitney U', () => {
  it('gives the exact p-value of fully separated groups (5 against 5: 2/252)', () => {
    const r = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    assert.equal(r.method, 'exact');
    assert.equal(r.u, 0);
    assert.ok(Math.abs(r.pValue - 2 / 252) < 1e-12);
  });

  it('matches a full enumeration of the null distribution for small samples', () => {
    const cases: [number[], number[]][] = [
      [
        [3.1, 7.2, 1.5, 9.9],
        [2.2, 8.8, 4.4, 6.1, 0.3],
      ],
      [
        [10, 20, 30],
        [15, 25, 35, 45],
      ],
      [
        [5, 1, 9, 13, 2, 7],
        [4, 6, 8, 10, 11, 12],
      ],
    ];
    for (const [a, b] of cases) {
      const r = mannWhitneyU(a, b);
      assert.ok(Math.abs(r.pValue - bruteForceP(a, b)) < 1e-9, `${r.pValue} vs ${bruteForceP(a, b)}`);
    }
  });

  it('uses the normal approximation with tie correction when values tie, close to the enumeration', () => {
    const a = [1, 2, 2, 3, 3, 3, 4];
    const b = [3, 4, 4, 5, 5, 6, 6];
    const r = mannWhitneyU(a, b);
    assert.equal(r.method, 'normal');
    assert.ok(Math.abs(r.pValue - bruteForceP(a, b)) < 0.02, `${r.pValue} vs ${bruteForceP(a, b)}`);
  });

  it('calls identical samples p = 1 and is symmetric', () => {
    assert.equal(mannWhitneyU([5, 5, 5], [5, 5, 5]).pValue, 1);
    const a = [1, 4, 6, 9, 12];
    const b = [2, 3, 10, 14, 15, 16];
    assert.ok(Math.abs(mannWhitneyU(a, b).pValue - mannWhitneyU(b, a).pValue) < 1e-12);
  });

  it('has a standard normal tail accurate to 1e-6', () => {
    assert.ok(Math.abs(upperNormalTail(1.959964) - 0.025) < 1e-6);
    assert.ok(Math.abs(upperNormalTail(0) - 0.5) < 1e-6);
    assert.ok(Math.abs(upperNormalTail(-1) - 0.841345) < 1e-6);
  });
});

describe('Benjamini–Hochberg', () => {
  it('adjusts p-values by rank, monotone, in input order', () => {
    const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.005]);
    assert.deepEqual(
      q.map((x) => Number(x.toFixed(6))),
      [0.02, 0.04, 0.04, 0.02],
    );
  });

  it('never lowers a p-value and caps at 1', () => {
    const p = [0.9, 0.5, 0.99, 0.2];
    const q = benjaminiHochberg(p);
    q.forEach((x, i) => assert.ok(x >= p[i] && x <= 1));
  });
});
