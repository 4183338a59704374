import * as assert from 'node:assert/strict';
import { LoupeRuntime } from '../../../src/core/host/loupeRuntime';
import { costOverview, costRows, resolveRange } from '../../../src/core/history/costReport';
import type { CostRow } from '../../../src/model/costTypes';
import { fortyDaysOfRuns, localNoon, type PlannedRun, sendRuns } from './fortyDaysOfRuns';

type Expected = Pick<CostRow, 'key' | 'runs' | 'llmCalls' | 'costUsd' | 'errorRuns' | 'spans'> & { input: number; output: number };

const round = (x: number) => Math.round(x * 1e6) / 1e6;
const pad = (n: number) => String(n).padStart(2, '0');
const dayOf = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

/**
 * The table by hand from what was sent: a run's four spans work for its agent; its two model calls
 * belong to its model, the agent and tool spans to no model.
 */
function expected(
  runs: readonly PlannedRun[],
  keyOf: (run: PlannedRun) => string,
  spansOf: (run: PlannedRun) => number,
): Map<string, Expected> {
  const out = new Map<string, Expected>();
  for (const run of runs) {
    const key = keyOf(run);
    const e = out.get(key) ?? { key, runs: 0, llmCalls: 0, costUsd: 0, errorRuns: 0, spans: 0, input: 0, output: 0 };
    e.runs++;
    if (run.error) e.errorRuns++;
    e.spans += spansOf(run);
    for (const call of run.calls) {
      e.llmCalls++;
      e.costUsd = round(e.costUsd + call.costUsd);
      e.input += call.input;
      e.output += call.output;
    }
    out.set(key, e);
  }
  return out;
}

const comparable = (rows: CostRow[]) =>
  new Map(
    rows
      .filter((r) => r.spans > 0)
      .map((r) => [
        r.key,
        {
          key: r.key,
          runs: r.runs,
          llmCalls: r.llmCalls,
          costUsd: round(r.costUsd),
          errorRuns: r.errorRuns,
          spans: r.spans,
          input: r.tokens.input,
          output: r.tokens.output,
        },
      ]),
  );

describe('Cost report', () => {
  const now = Date.now();
  const runs = fortyDaysOfRuns(now);
  let runtime: LoupeRuntime;

  before(async () => {
    runtime = await LoupeRuntime.open({ host: '127.0.0.1', grpcPort: 0, httpPort: 0, maxTraces: 5, version: '0.0.0-test' });
    const status = await runtime.startReceivers();
    await sendRuns(status.http.state === 'listening' ? status.http.port : 0, runs);
    await runtime.engine.flush();
  });
  after(async () => runtime.close());

  const all = { fromDay: '0000-01-01', toDay: '9999-12-31' };
  const cells = () => runtime.history.cells(all.fromDay, all.toDay);

  it('by day matches the hand-computed table, and the default range is the last 30 days with every day present', () => {
    const range = resolveRange({}, now);
    const rows = costRows(runtime.history.cells(range.fromDay, range.toDay), 'day', range);
    assert.equal(rows.length, 30);
    assert.equal(rows[29].key, dayOf(now));
    assert.equal(rows[0].key, dayOf(localNoon(29, now)));
    const inRange = runs.filter((r) => dayOf(r.startMs) >= range.fromDay);
    assert.deepEqual(
      comparable(rows),
      expected(
        inRange,
        (r) => dayOf(r.startMs),
        () => 4,
      ),
    );
  });

  it('by agent and by model match the hand-computed tables over 40 days', () => {
    const range = resolveRange({ from: localNoon(39, now), to: now }, now);
    assert.deepEqual(
      comparable(costRows(cells(), 'agent', range)),
      expected(
        runs,
        (r) => r.agent,
        () => 4,
      ),
    );

    const byModel = comparable(costRows(cells(), 'model', range));
    const want = expected(
      runs,
      (r) => r.calls[0].model,
      () => 2,
    );
    // The agent and tool spans of every run belong to no model.
    const none = byModel.get('(none)')!;
    byModel.delete('(none)');
    assert.deepEqual(byModel, want);
    assert.deepEqual({ runs: none.runs, spans: none.spans, llmCalls: none.llmCalls }, { runs: 0, spans: 2 * runs.length, llmCalls: 0 });
  });

  it('gives latency percentiles of model calls by model and of runs otherwise', () => {
    const range = resolveRange({ from: localNoon(39, now), to: now }, now);
    const model = costRows(cells(), 'model', range).find((r) => r.key === 'gpt-4o')!;
    // Calls take 200 or 210 ms; the sketch is within 2%.
    assert.ok(model.p50Ms! >= 196 && model.p50Ms! <= 214, String(model.p50Ms));
    assert.ok(model.p99Ms! >= 205 && model.p99Ms! <= 215, String(model.p99Ms));
    const service = costRows(cells(), 'service', range).find((r) => r.key === 'svc-a')!;
    assert.ok(service.p50Ms! >= 980 && service.p50Ms! <= 1020, String(service.p50Ms));
  });

  it('sums the overview: totals, daily average, cost per run, the daily split and span names with their share', () => {
    const range = resolveRange({ from: localNoon(39, now), to: now }, now);
    const overview = costOverview(cells(), runtime.history.names(range.fromDay, range.toDay), range);
    const total = round(runs.reduce((a, r) => a + r.calls.reduce((b, c) => b + c.costUsd, 0), 0));
    assert.equal(overview.days, 40);
    assert.equal(round(overview.totals.costUsd), total);
    assert.equal(round(overview.dailyAverageUsd), round(total / 40));
    assert.equal(round(overview.costPerRunUsd!), round(total / runs.length));
    assert.equal(round(overview.dailyByModel.reduce((a, d) => a + Object.values(d.byKey).reduce((b, c) => b + c, 0), 0)), total);
    const shares = overview.topNames.filter((n) => n.costUsd > 0);
    assert.deepEqual(shares.map((n) => n.name).sort(), ['chat claude-sonnet-4', 'chat gpt-4o']);
    assert.equal(round(shares.reduce((a, n) => a + n.share, 0)), 1);
  });

  it('answers GET /api/costs by day, agent and model over REST, and refuses bad queries with 400', async () => {
    const port = runtime.receiverStatus.http.state === 'listening' ? runtime.receiverStatus.http.port : 0;
    const get = async (query: string) => {
      const response = await fetch(`http://127.0.0.1:${port}/api/costs${query}`, {
        headers: { authorization: `Bearer ${runtime.accessToken}` },
      });
      return { status: response.status, body: (await response.json()) as CostRow[] & { error?: string } };
    };
    const byDay = await get('');
    assert.equal(byDay.status, 200);
    assert.equal(byDay.body.length, 30, 'the last 30 days by default');
    const from = localNoon(39, now);
    const byAgent = await get(`?from=${from}&to=${now}&groupBy=agent`);
    assert.deepEqual(
      comparable(byAgent.body),
      expected(
        runs,
        (r) => r.agent,
        () => 4,
      ),
    );
    assert.deepEqual(Object.keys(byAgent.body[0]).slice(0, 10), [
      'key',
      'runs',
      'llmCalls',
      'tokens',
      'costUsd',
      'errors',
      'p50Ms',
      'p95Ms',
      'p99Ms',
      'spans',
    ]);
    const byModel = await get(`?from=${from}&groupBy=model`);
    assert.equal(
      round(byModel.body.find((r) => r.key === 'gpt-4o')!.costUsd),
      expected(
        runs,
        (r) => r.calls[0].model,
        () => 2,
      ).get('gpt-4o')!.costUsd,
    );
    for (const bad of ['?groupBy=week', '?from=yesterday', `?from=${now}&to=${from}`, '?from=0']) {
      const answer = await get(bad);
      assert.equal(answer.status, 400, bad);
      assert.match(String(answer.body.error), /groupBy|Unix|after|at most/);
    }
    const budgets = await fetch(`http://127.0.0.1:${port}/api/budgets`, { headers: { authorization: `Bearer ${runtime.accessToken}` } });
    assert.deepEqual(await budgets.json(), []);
  });

  it('refuses a bad range', () => {
    assert.throws(() => resolveRange({ from: 10, to: 5 }, now), /after/);
    assert.throws(() => resolveRange({ from: NaN }, now), /Unix/);
    assert.throws(() => resolveRange({ from: 0, to: now }, now), /at most/);
  });
});
