import type { DiffRow } from '../../src/model/compareTypes';

/** One diff row's bars as percentages of a scale shared by both runs, so equal times look equal. */
export interface DiffBars {
  a?: { left: number; width: number };
  b?: { left: number; width: number };
}

const MIN_BAR_PERCENT = 0.3;

export function diffScale(durationA: number, durationB: number): number {
  return Math.max(durationA, durationB, 1e-6);
}

function bar(offset: number | undefined, duration: number | undefined, scale: number): { left: number; width: number } | undefined {
  if (offset === undefined || duration === undefined) return undefined;
  const left = Math.min(100, Math.max(0, (offset / scale) * 100));
  return { left, width: Math.max(MIN_BAR_PERCENT, Math.min(100 - left, (duration / scale) * 100)) };
}

export function diffBars(row: DiffRow, scale: number): DiffBars {
  return { a: bar(row.offsetA, row.durationA, scale), b: bar(row.offsetB, row.durationB, scale) };
}

/** Rows to render for a scroll position: the visible ones plus a margin, for a list of fixed-height rows. */
export function visibleRange(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  rowCount: number,
  margin = 20,
): { first: number; last: number } {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - margin);
  const last = Math.min(rowCount, Math.ceil((scrollTop + viewportHeight) / rowHeight) + margin);
  return { first, last: Math.max(first, last) };
}

/** Indexes of rows that differ (added, removed, changed), for "next change" navigation. */
export function changedRowIndexes(rows: readonly DiffRow[]): number[] {
  const out: number[] = [];
  rows.forEach((row, i) => {
    if (row.status !== 'same') out.push(i);
  });
  return out;
}
