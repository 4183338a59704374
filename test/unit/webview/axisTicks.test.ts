import { strict as assert } from 'node:assert';
import { axisTickValues } from '../../../webview/waterfall/axisTicks';
import { formatDuration } from '../../../src/model/formatValues';

/** Labels are centred on their ticks: neighbours must be at least half of each label apart. */
function collisions(values: number[], fromMs: number, toMs: number, width: number): number {
  const px = (v: number) => ((v - fromMs) / (toMs - fromMs)) * width;
  const half = (v: number) => (formatDuration(v).length * 6) / 2;
  let count = 0;
  for (let i = 1; i < values.length; i++) if (px(values[i]) - px(values[i - 1]) < half(values[i]) + half(values[i - 1]) + 4) count++;
  return count;
}

describe('axisTickValues', () => {
  it('thins the ticks as the ruler narrows, so labels never collide', () => {
    for (const [fromMs, toMs] of [
      [0, 1234.5],
      [0, 647.3],
      [12.5, 13.25],
      [0, 95_000],
      [0, 7_200_000],
    ]) {
      let previous = Infinity;
      for (const width of [1600, 900, 500, 320, 180, 90, 40]) {
        const values = axisTickValues(fromMs, toMs, width);
        assert.ok(values.length >= 1, `no tick at ${width}px for ${fromMs}-${toMs}`);
        assert.equal(collisions(values, fromMs, toMs, width), 0, `labels collide at ${width}px: ${values.map(formatDuration).join(' ')}`);
        assert.ok(values.length <= previous, `more ticks at ${width}px than at a wider width`);
        previous = values.length;
      }
    }
  });

  it('still gives a useful number of ticks on a wide ruler', () => {
    assert.ok(axisTickValues(0, 1000, 1200).length >= 6);
  });

  it('is empty for an empty ruler or range', () => {
    assert.deepEqual(axisTickValues(0, 100, 0), []);
    assert.deepEqual(axisTickValues(5, 5, 500), []);
  });
});
