import type { CostGroupBy, CostOverview, CostQuery, CostRow, DailyCostSplit, SpanNameCost } from '../../model/costTypes';
import { NO_KEY } from '../../model/costTypes';
import { addCell, emptyCell, type HistoryCell, type NameTotals } from './historyDocument';
import { quantile } from './latencySketch';
import { addDays, daysBetween, localDay } from '../../model/localDay';

export const DEFAULT_RANGE_DAYS = 30;
/** Longest range one query may ask for (the history keeps 420 days). */
export const MAX_RANGE_DAYS = 800;
/** Agents or models drawn apart in the daily chart; the rest are stacked as `(other)`. */
const CHART_KEYS = 8;

export interface DayCell {
  day: string;
  cell: HistoryCell;
}

export interface ResolvedRange {
  fromDay: string;
  toDay: string;
}

/** Turns a query's `from`/`to` into whole local days; throws a message for a bad range. */
export function resolveRange(query: Pick<CostQuery, 'from' | 'to'>, now: number): ResolvedRange {
  const to = query.to ?? now;
  if (!Number.isFinite(to) || (query.from !== undefined && !Number.isFinite(query.from))) {
    throw new RangeError('from and to must be Unix milliseconds');
  }
  if (query.from !== undefined && query.from > to) throw new RangeError('from must not be after to');
  const toDay = localDay(to);
  // By default the last 30 local days, today included.
  const fromDay = query.from === undefined ? addDays(toDay, -(DEFAULT_RANGE_DAYS - 1)) : localDay(query.from);
  if (addDays(fromDay, MAX_RANGE_DAYS) < toDay) throw new RangeError(`a range may cover at most ${MAX_RANGE_DAYS} days`);
  return { fromDay, toDay };
}

function keyOf(groupBy: CostGroupBy, { day, cell }: DayCell): string {
  switch (groupBy) {
    case 'day':
      return day;
    case 'agent':
      return cell.agent || NO_KEY;
    case 'model':
      return cell.model || NO_KEY;
    case 'service':
      return cell.service || NO_KEY;
  }
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

function rowOf(key: string, cell: HistoryCell, latency: 'run' | 'call'): CostRow {
  const sketch = latency === 'call' ? cell.callMs : cell.runMs;
  const ms = (q: number) => {
    const v = quantile(sketch, q);
    return v === null ? null : round(v, 3);
  };
  return {
    key,
    runs: cell.runs,
    llmCalls: cell.llmCalls,
    tokens: { ...cell.tokens },
    costUsd: round(cell.costUsd, 8),
    errors: cell.errors,
    p50Ms: ms(0.5),
    p95Ms: ms(0.95),
    p99Ms: ms(0.99),
    spans: cell.spans,
    errorRuns: cell.errorRuns,
    timeoutRuns: cell.timeoutRuns,
    unpricedCalls: cell.unpricedCalls,
    outputTokensPerSecond: cell.callMs.sum > 0 ? round(cell.tokens.output / (cell.callMs.sum / 1000), 2) : null,
  };
}

function sumCells(cells: Iterable<HistoryCell>): HistoryCell {
  const total = emptyCell('', '', '');
  for (const cell of cells) addCell(total, cell);
  return total;
}

/**
 * `/api/costs`: rows grouped by day, agent, model or service over the cells of a range. Grouped by
 * day, every day of the range has a row (zeros included) in order; otherwise rows come by cost.
 */
export function costRows(cells: readonly DayCell[], groupBy: CostGroupBy, range: ResolvedRange): CostRow[] {
  const groups = new Map<string, HistoryCell[]>();
  if (groupBy === 'day') for (const day of daysBetween(range.fromDay, range.toDay, MAX_RANGE_DAYS + 1)) groups.set(day, []);
  for (const dc of cells) {
    const key = keyOf(groupBy, dc);
    const list = groups.get(key);
    if (list) list.push(dc.cell);
    else groups.set(key, [dc.cell]);
  }
  const rows = [...groups].map(([key, list]) => rowOf(key, sumCells(list), groupBy === 'model' ? 'call' : 'run'));
  if (groupBy === 'day') return rows;
  return rows.sort((a, b) => b.costUsd - a.costUsd || b.runs - a.runs || a.key.localeCompare(b.key));
}

function dailySplit(cells: readonly DayCell[], by: 'agent' | 'model', days: readonly string[], top: readonly string[]): DailyCostSplit[] {
  const kept = new Set(top);
  const out = new Map(days.map((day) => [day, { day, costUsd: 0, byKey: {} as Record<string, number> }]));
  for (const dc of cells) {
    const split = out.get(dc.day);
    if (!split || dc.cell.costUsd === 0) continue;
    const raw = keyOf(by, dc);
    const key = kept.has(raw) ? raw : '(other)';
    split.byKey[key] = round((split.byKey[key] ?? 0) + dc.cell.costUsd, 8);
    split.costUsd = round(split.costUsd + dc.cell.costUsd, 8);
  }
  return [...out.values()];
}

/** Everything the Costs page shows for one range. */
export function costOverview(cells: readonly DayCell[], names: ReadonlyMap<string, NameTotals>, range: ResolvedRange): CostOverview {
  const days = daysBetween(range.fromDay, range.toDay, MAX_RANGE_DAYS + 1);
  const totals = rowOf('total', sumCells(cells.map((c) => c.cell)), 'run');
  const byAgent = costRows(cells, 'agent', range);
  const byModel = costRows(cells, 'model', range);
  const topOf = (rows: CostRow[]) =>
    rows
      .filter((r) => r.costUsd > 0)
      .slice(0, CHART_KEYS)
      .map((r) => r.key);
  const topNames: SpanNameCost[] = [...names]
    .map(([name, t]) => ({
      name,
      spans: t.spans,
      errors: t.errors,
      costUsd: round(t.costUsd, 8),
      share: totals.costUsd > 0 ? round(t.costUsd / totals.costUsd, 4) : 0,
      meanMs: t.spans > 0 ? round(t.ms / t.spans, 3) : 0,
    }))
    .sort((a, b) => b.costUsd - a.costUsd || b.spans - a.spans || a.name.localeCompare(b.name))
    .slice(0, 20);
  return {
    fromDay: range.fromDay,
    toDay: range.toDay,
    days: days.length,
    totals,
    dailyAverageUsd: round(totals.costUsd / Math.max(1, days.length), 8),
    costPerRunUsd: totals.runs > 0 ? round(totals.costUsd / totals.runs, 8) : null,
    byDay: costRows(cells, 'day', range),
    byAgent,
    byModel,
    byService: costRows(cells, 'service', range),
    dailyByAgent: dailySplit(cells, 'agent', days, topOf(byAgent)),
    dailyByModel: dailySplit(cells, 'model', days, topOf(byModel)),
    topNames,
  };
}
