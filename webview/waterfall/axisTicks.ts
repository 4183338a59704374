import { ticks } from 'd3';
import { formatDuration } from '../../src/model/formatValues';

/** Rough width of one axis label at the ruler's 10 px font: per character, plus a gap between labels. */
const CHAR_PX = 6.2;
const LABEL_GAP_PX = 14;

function labelWidthPx(value: number): number {
  return formatDuration(value).length * CHAR_PX + LABEL_GAP_PX;
}

/**
 * Tick values for a ruler `width` px wide over [fromMs, toMs]: as many "nice" ticks as fit without
 * their labels touching. d3's tick count is only a hint (it can return twice as many), so the
 * labels are measured and the count lowered until they fit; a ruler too narrow for two keeps one.
 */
export function axisTickValues(fromMs: number, toMs: number, width: number): number[] {
  if (!(width > 0) || !(toMs > fromMs)) return [];
  let first: number[] = [];
  for (let count = Math.max(1, Math.floor(width / 70)); count >= 1; count--) {
    const values = ticks(fromMs, toMs, count);
    if (values.length === 0) continue;
    const widest = Math.max(...values.map(labelWidthPx));
    const spacing = values.length > 1 ? ((values[1] - values[0]) / (toMs - fromMs)) * width : width;
    if (spacing >= widest || values.length === 1) return values;
    first = values.slice(0, 1);
  }
  return first;
}
