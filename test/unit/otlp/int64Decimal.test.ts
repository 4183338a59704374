import { strict as assert } from 'node:assert';
import { signedDecimal, unsignedDecimal } from '../../../src/core/otlp/int64Decimal';
import { SeededRandom } from './randomOtlp';

function halves(value: bigint): [lo: number, hi: number] {
  const unsigned = BigInt.asUintN(64, value);
  return [Number(unsigned & 0xffffffffn), Number(unsigned >> 32n)];
}

describe('64-bit integers to exact decimal text', () => {
  const edges = [
    0n,
    1n,
    2n ** 32n - 1n,
    2n ** 32n,
    2n ** 53n - 1n,
    2n ** 53n,
    2n ** 53n + 1n,
    0x1fffffn << 32n,
    (0x200000n << 32n) - 1n,
    0x200000n << 32n,
    10n ** 16n,
    10n ** 16n - 1n,
    10n ** 19n,
    2n ** 63n - 1n,
    2n ** 63n,
    2n ** 64n - 1n,
    1795279085016000000n,
    9999999n << 24n,
  ];

  it('matches BigInt for edge values and 20,000 random ones, unsigned and signed', () => {
    const random = new SeededRandom(7);
    const values = [...edges, ...Array.from({ length: 20_000 }, () => random.word64() >> BigInt(random.int(64)))];
    for (const value of values) {
      const [lo, hi] = halves(value);
      assert.equal(unsignedDecimal(lo, hi), BigInt.asUintN(64, value).toString(), `unsigned ${value}`);
      assert.equal(signedDecimal(lo, hi), BigInt.asIntN(64, value).toString(), `signed ${value}`);
    }
  });

  it("reads negative two's-complement values", () => {
    assert.equal(signedDecimal(...halves(-1n)), '-1');
    assert.equal(signedDecimal(...halves(-(2n ** 63n))), '-9223372036854775808');
    assert.equal(signedDecimal(...halves(-(2n ** 32n))), '-4294967296');
  });
});
