import { strict as assert } from 'node:assert';
import type { BreakdownRow } from '../../../src/model/traceTypes';
import {
  LATENCY_COLUMNS,
  USAGE_COLUMNS,
  breakdownTotalsText,
  nextSortOrder,
  sortBreakdownRows,
  topRows,
} from '../../../webview/breakdown/breakdownTable';

function row(key: string, selfMs: number, extra: Partial<BreakdownRow> = {}): BreakdownRow {
  return {
    key,
    count: 1,
    totalMs: selfMs,
    selfMs,
    p50Ms: selfMs,
    p95Ms: selfMs,
    p99Ms: selfMs,
    share: selfMs / 100,
    tokens: 0,
    costUsd: 0,
    errorCount: 0,
    ...extra,
  };
}

const ROWS = [
  row('tool', 20, { count: 4 }),
  row('llm', 60, { costUsd: 0.002, tokens: 900 }),
  row('agent', 20, { count: 1 }),
  row('chain', 0),
];

describe('breakdown tables', () => {
  it('sorts by a numeric column with ties broken by name, without touching the input', () => {
    assert.deepEqual(
      sortBreakdownRows(ROWS, { key: 'selfMs', descending: true }).map((r) => r.key),
      ['llm', 'agent', 'tool', 'chain'],
    );
    assert.deepEqual(
      sortBreakdownRows(ROWS, { key: 'selfMs', descending: false }).map((r) => r.key),
      ['chain', 'agent', 'tool', 'llm'],
    );
    assert.deepEqual(
      sortBreakdownRows(ROWS, { key: 'count', descending: true }).map((r) => r.key),
      ['tool', 'agent', 'chain', 'llm'],
    );
    assert.deepEqual(
      ROWS.map((r) => r.key),
      ['tool', 'llm', 'agent', 'chain'],
    );
  });

  it('sorts names alphabetically and flips on a second click', () => {
    assert.deepEqual(
      sortBreakdownRows(ROWS, { key: 'key', descending: false }).map((r) => r.key),
      ['agent', 'chain', 'llm', 'tool'],
    );
    assert.deepEqual(nextSortOrder({ key: 'selfMs', descending: true }, 'selfMs'), { key: 'selfMs', descending: false });
    assert.deepEqual(nextSortOrder({ key: 'selfMs', descending: true }, 'p95Ms'), { key: 'p95Ms', descending: true });
    assert.deepEqual(nextSortOrder({ key: 'selfMs', descending: true }, 'key'), { key: 'key', descending: false });
  });

  it('picks the largest rows for a chart', () => {
    assert.deepEqual(
      topRows(ROWS, 'costUsd', 1).map((r) => r.key),
      ['llm'],
    );
    assert.equal(topRows(ROWS, 'selfMs', 10).length, 4);
  });

  it('formats every column of a row for display', () => {
    const cells = LATENCY_COLUMNS.map((column) => column.format(row('llm', 1534, { count: 12_345, share: 0.4567, errorCount: 2 })));
    assert.deepEqual(cells, ['llm', '12,345', '1.53 s', '1.53 s', '1.53 s', '1.53 s', '1.53 s', '45.7%', '2']);
    const usage = USAGE_COLUMNS.map((column) => column.format(row('gpt-4o', 0, { count: 3, tokens: 12_000, costUsd: 0.0123 })));
    assert.deepEqual(usage, ['gpt-4o', '3', '12,000', '$0.0123']);
  });
});

describe('breakdown totals line', () => {
  const base = { traceCount: 1000, totalMs: 65_000, byKind: [], byName: [], byModel: [], byAgent: [] };
  it('says how many traces it covers, and of how many when only the newest are', () => {
    assert.equal(breakdownTotalsText(base), '1,000 traces · 1m 5s end-to-end in total');
    assert.equal(breakdownTotalsText({ ...base, storedTraces: 10_000 }), 'The newest 1,000 of 10,000 traces · 1m 5s end-to-end in total');
    assert.equal(breakdownTotalsText({ ...base, traceCount: 1 }), '1 trace · 1m 5s end-to-end in total');
    assert.equal(breakdownTotalsText({ ...base, traceId: 'ab'.repeat(16), traceCount: 1 }), 'End-to-end 1m 5s');
  });
});
