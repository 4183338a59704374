import * as assert from 'node:assert/strict';
import { overviewCsv, rangeQuery, runRates, stackDays } from '../../../webview/costs/costsModel';
import type { CostOverview, CostRow } from '../../../src/model/costTypes';

const row = (key: string, costUsd: number): CostRow => ({
  key,
  runs: 4,
  llmCalls: 8,
  tokens: { input: 1, output: 2, cacheRead: 0, cacheWrite: 0, reasoning: 0, total: 3 },
  costUsd,
  errors: 1,
  p50Ms: 10,
  p95Ms: 20,
  p99Ms: null,
  spans: 9,
  errorRuns: 1,
  timeoutRuns: 1,
  unpricedCalls: 0,
  outputTokensPerSecond: null,
});

describe('Costs page model', () => {
  it('turns the preset and custom ranges into whole local days', () => {
    const now = new Date(2026, 11, 6, 15, 30).getTime();
    assert.deepEqual(rangeQuery({ choice: 'today', fromDay: '', toDay: '' }, now), { from: new Date(2026, 11, 6).getTime(), to: now });
    assert.equal(rangeQuery({ choice: '7d', fromDay: '', toDay: '' }, now).from, new Date(2026, 10, 30).getTime());
    assert.equal(rangeQuery({ choice: '30d', fromDay: '', toDay: '' }, now).from, new Date(2026, 10, 7).getTime());
    // A custom range given backwards is read forwards, and ends at the end of its last day.
    assert.deepEqual(rangeQuery({ choice: 'custom', fromDay: '2026-03-10', toDay: '2026-03-01' }, now), {
      from: new Date(2026, 2, 1).getTime(),
      to: new Date(2026, 2, 11).getTime() - 1,
    });
  });

  it('stacks days with the costliest key at the bottom and (other) on top', () => {
    const { keys, days } = stackDays([
      { day: '2026-12-05', costUsd: 3, byKey: { a: 1, '(other)': 2 } },
      { day: '2026-12-06', costUsd: 5, byKey: { b: 5 } },
    ]);
    assert.deepEqual(keys, ['b', 'a', '(other)']);
    assert.deepEqual(days[0].segments, [
      { key: 'b', y0: 0, y1: 0 },
      { key: 'a', y0: 0, y1: 1 },
      { key: '(other)', y0: 1, y1: 3 },
    ]);
  });

  it('rates runs and writes CSV that a spreadsheet cannot run', () => {
    assert.deepEqual(runRates(row('x', 1)), { success: 0.75, error: 0.25, timeout: 0.25 });
    const overview = {
      byDay: [row('2026-12-06', 1)],
      byAgent: [row('=HYPERLINK("x")', 2)],
      byModel: [row('a,b', 0)],
      byService: [],
    } as unknown as CostOverview;
    const lines = overviewCsv(overview).split('\r\n');
    assert.equal(lines[1], 'day,2026-12-06,4,8,9,1,1,1,1,2,0,0,0,3,1,0,10,20,');
    assert.equal(lines[2].split(',')[1] + ',' + lines[2].split(',')[2], `"'=HYPERLINK(""x"")",4`);
    assert.ok(lines[3].startsWith('model,"a,b",'));
  });
});
