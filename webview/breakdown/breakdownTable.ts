import type { Breakdown, BreakdownRow } from '../../src/model/traceTypes';
import { formatCost, formatCount, formatDuration, formatShare } from '../../src/model/formatValues';

export type BreakdownColumnKey = keyof Pick<
  BreakdownRow,
  'key' | 'count' | 'totalMs' | 'selfMs' | 'p50Ms' | 'p95Ms' | 'p99Ms' | 'share' | 'tokens' | 'costUsd' | 'errorCount'
>;

export interface BreakdownColumn {
  key: BreakdownColumnKey;
  label: string;
  format(row: BreakdownRow): string;
  numeric: boolean;
}

const COLUMNS: Record<BreakdownColumnKey, BreakdownColumn> = {
  key: { key: 'key', label: 'Name', format: (r) => r.key, numeric: false },
  count: { key: 'count', label: 'Count', format: (r) => formatCount(r.count), numeric: true },
  totalMs: { key: 'totalMs', label: 'Total', format: (r) => formatDuration(r.totalMs), numeric: true },
  selfMs: { key: 'selfMs', label: 'Self', format: (r) => formatDuration(r.selfMs), numeric: true },
  p50Ms: { key: 'p50Ms', label: 'p50', format: (r) => formatDuration(r.p50Ms), numeric: true },
  p95Ms: { key: 'p95Ms', label: 'p95', format: (r) => formatDuration(r.p95Ms), numeric: true },
  p99Ms: { key: 'p99Ms', label: 'p99', format: (r) => formatDuration(r.p99Ms), numeric: true },
  share: { key: 'share', label: 'Share', format: (r) => formatShare(r.share), numeric: true },
  tokens: { key: 'tokens', label: 'Tokens', format: (r) => formatCount(r.tokens), numeric: true },
  costUsd: { key: 'costUsd', label: 'Cost', format: (r) => formatCost(r.costUsd), numeric: true },
  errorCount: { key: 'errorCount', label: 'Errors', format: (r) => formatCount(r.errorCount), numeric: true },
};

export const LATENCY_COLUMNS: readonly BreakdownColumn[] = (
  ['key', 'count', 'totalMs', 'selfMs', 'p50Ms', 'p95Ms', 'p99Ms', 'share', 'errorCount'] as const
).map((key) => COLUMNS[key]);

export const USAGE_COLUMNS: readonly BreakdownColumn[] = (['key', 'count', 'tokens', 'costUsd'] as const).map((key) => COLUMNS[key]);

export interface SortOrder {
  key: BreakdownColumnKey;
  descending: boolean;
}

/** Rows sorted by one column (names alphabetically, numbers by value), ties by name; the input is left alone. */
export function sortBreakdownRows(rows: readonly BreakdownRow[], order: SortOrder): BreakdownRow[] {
  const sign = order.descending ? -1 : 1;
  const byKey = (a: BreakdownRow, b: BreakdownRow) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  return [...rows].sort((a, b) => {
    if (order.key === 'key') return sign * byKey(a, b);
    const difference = (Number(a[order.key]) || 0) - (Number(b[order.key]) || 0);
    return sign * difference || byKey(a, b);
  });
}

/** The next order after clicking a column header: a new column sorts descending (names ascending), the same one flips. */
export function nextSortOrder(current: SortOrder, clicked: BreakdownColumnKey): SortOrder {
  if (current.key === clicked) return { key: clicked, descending: !current.descending };
  return { key: clicked, descending: clicked !== 'key' };
}

/** The `n` largest rows by a numeric column, for a chart. */
export function topRows(rows: readonly BreakdownRow[], key: BreakdownColumnKey, n: number): BreakdownRow[] {
  return sortBreakdownRows(rows, { key, descending: true }).slice(0, n);
}

/** The totals line of a breakdown: one trace's end-to-end time, or how many traces it covers. */
export function breakdownTotalsText(breakdown: Breakdown): string {
  if (breakdown.traceId) return `End-to-end ${formatDuration(breakdown.totalMs)}`;
  const traces = breakdown.storedTraces
    ? `The newest ${formatCount(breakdown.traceCount)} of ${formatCount(breakdown.storedTraces)} traces`
    : `${formatCount(breakdown.traceCount)} trace${breakdown.traceCount === 1 ? '' : 's'}`;
  return `${traces} · ${formatDuration(breakdown.totalMs)} end-to-end in total`;
}
