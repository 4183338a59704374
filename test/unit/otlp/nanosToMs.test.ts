import { strict as assert } from 'node:assert';
import { nanosToMs } from '../../../src/core/otlp/values';

/** The definition: whole milliseconds plus the nanosecond remainder, each parsed as a number. */
function bySlices(nanos: string): number {
  if (nanos.length <= 6) return Number(nanos) / 1e6;
  return Number(nanos.slice(0, -6)) + Number(nanos.slice(-6)) / 1e6;
}

describe('nanosToMs', () => {
  it('gives exactly what parsing the millisecond and nanosecond parts gives', () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const samples = ['0', '1', '999999', '1000000', '1234567', '1763700000123456789', '999999999999999999999', '18446744073709551615'];
    for (let i = 0; i < 5000; i++) {
      const digits = 1 + (next() % 21);
      let text = String(1 + (next() % 9));
      while (text.length < digits) text += String(next() % 10);
      samples.push(text);
    }
    for (const nanos of samples) assert.equal(nanosToMs(nanos), bySlices(nanos), nanos);
  });

  it('keeps the old reading of what is not a plain digit string', () => {
    assert.equal(nanosToMs(undefined), 0);
    assert.equal(nanosToMs(''), 0);
    for (const odd of [
      '-1763700000123456789',
      '1763700000123.456789',
      ' 1763700000123456',
      '17637000001234567890123',
      '1e21',
      'abcdefghij',
    ]) {
      assert.ok(Object.is(nanosToMs(odd), bySlices(odd)), odd);
    }
  });
});
