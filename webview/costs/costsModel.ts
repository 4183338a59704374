import type { CostOverview, CostRow, DailyCostSplit } from '../../src/model/costTypes';
import { addDays, localDay, startOfLocalDay } from '../../src/model/localDay';

export type RangeChoice = 'today' | '7d' | '30d' | 'custom';

export interface CostRange {
  choice: RangeChoice;
  /** Local days, inclusive; used by `custom`. */
  fromDay: string;
  toDay: string;
}

/** `from`/`to` (Unix ms) for a range: whole local days, up to now for the preset ones. */
export function rangeQuery(range: CostRange, now: number): { from: number; to: number } {
  const today = localDay(now);
  switch (range.choice) {
    case 'today':
      return { from: startOfLocalDay(today), to: now };
    case '7d':
      return { from: startOfLocalDay(addDays(today, -6)), to: now };
    case '30d':
      return { from: startOfLocalDay(addDays(today, -29)), to: now };
    case 'custom': {
      const [from, to] = range.fromDay <= range.toDay ? [range.fromDay, range.toDay] : [range.toDay, range.fromDay];
      return { from: startOfLocalDay(from), to: startOfLocalDay(addDays(to, 1)) - 1 };
    }
  }
}

export interface StackedDay {
  day: string;
  total: number;
  /** Bottom and top of each key's segment, in the order of `keys`. */
  segments: { key: string; y0: number; y1: number }[];
}

/** Days with their cost split into stacked segments, keys ordered by total cost (largest at the bottom). */
export function stackDays(days: readonly DailyCostSplit[]): { keys: string[]; days: StackedDay[] } {
  const totals = new Map<string, number>();
  for (const day of days) for (const [key, cost] of Object.entries(day.byKey)) totals.set(key, (totals.get(key) ?? 0) + cost);
  const keys = [...totals.keys()].sort((a, b) =>
    a === '(other)' ? 1 : b === '(other)' ? -1 : totals.get(b)! - totals.get(a)! || a.localeCompare(b),
  );
  return {
    keys,
    days: days.map((day) => {
      let y = 0;
      const segments = keys.map((key) => {
        const y0 = y;
        y += day.byKey[key] ?? 0;
        return { key, y0, y1: y };
      });
      return { day: day.day, total: day.costUsd, segments };
    }),
  };
}

/** Runs that succeeded, failed and timed out, as shares of all runs (0–1), or null without runs. */
export function runRates(row: CostRow): { success: number; error: number; timeout: number } | null {
  if (row.runs === 0) return null;
  return { success: (row.runs - row.errorRuns) / row.runs, error: row.errorRuns / row.runs, timeout: row.timeoutRuns / row.runs };
}

const CSV_COLUMNS = [
  'group',
  'key',
  'runs',
  'llmCalls',
  'spans',
  'errors',
  'errorRuns',
  'timeoutRuns',
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'reasoningTokens',
  'totalTokens',
  'costUsd',
  'unpricedCalls',
  'p50Ms',
  'p95Ms',
  'p99Ms',
] as const;

/** A CSV cell: quoted when it holds a separator, a quote or a line break; formula starts are neutralised. */
function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  // A spreadsheet would run `=…`, `+…`, `-…`, `@…` as a formula; agent and span names are untrusted.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The overview as CSV: one line per day, agent, model and service row. */
export function overviewCsv(overview: CostOverview): string {
  const lines = [CSV_COLUMNS.join(',')];
  const groups: [string, CostRow[]][] = [
    ['day', overview.byDay],
    ['agent', overview.byAgent],
    ['model', overview.byModel],
    ['service', overview.byService],
  ];
  for (const [group, rows] of groups) {
    for (const r of rows) {
      const t = r.tokens;
      lines.push(
        [
          group,
          r.key,
          r.runs,
          r.llmCalls,
          r.spans,
          r.errors,
          r.errorRuns,
          r.timeoutRuns,
          t.input,
          t.output,
          t.cacheRead,
          t.cacheWrite,
          t.reasoning,
          t.total,
          r.costUsd,
          r.unpricedCalls,
          r.p50Ms,
          r.p95Ms,
          r.p99Ms,
        ]
          .map(csvCell)
          .join(','),
      );
    }
  }
  return lines.join('\r\n') + '\r\n';
}

/** File name for an export, e.g. `loupe-costs-2026-11-07-to-2026-12-06.csv`. */
export function exportFileName(overview: CostOverview, extension: 'csv' | 'json'): string {
  return `loupe-costs-${overview.fromDay}-to-${overview.toDay}.${extension}`;
}
