import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoupeRuntime } from '../../../src/core/host/loupeRuntime';
import { budgetsFromSettings, parseBudgetFlag } from '../../../src/model/budgetRules';
import type { Budget, BudgetCrossing } from '../../../src/model/budgetTypes';
import { type PlannedRun, sendRuns } from '../history/fortyDaysOfRuns';

describe('Budgets', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'loupe-budgets-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const budgets: Budget[] = [
    { scope: 'daily', limitUsd: 1 },
    { scope: 'agent:planner', limitUsd: 0.5, warningPercent: 50, criticalPercent: 90 },
    { scope: 'run', limitUsd: 0.3 },
  ];
  const open = async (crossings: BudgetCrossing[]) => {
    const runtime = await LoupeRuntime.open({
      host: '127.0.0.1',
      grpcPort: 0,
      httpPort: 0,
      storeDir: dir,
      version: '0.0.0-test',
      budgets,
      onBudgetCrossing: (crossing) => crossings.push(crossing),
    });
    const status = await runtime.startReceivers();
    return { runtime, port: status.http.state === 'listening' ? status.http.port : 0 };
  };
  const run = (agent: string, costUsd: number, offsetMs: number): PlannedRun => ({
    service: 'svc',
    agent,
    // Spread over the last minutes of today (never before local midnight).
    startMs: Math.max(Date.now() - 60_000 + offsetMs, new Date(new Date().setHours(0, 0, 0, 0)).getTime() + offsetMs),
    durationMs: 500,
    error: false,
    calls: [{ model: 'gpt-4o', input: 10, output: 1, costUsd, durationMs: 100 }],
  });

  it('announces warning, then critical, exactly once each per budget, also across a restart', async () => {
    const crossings: BudgetCrossing[] = [];
    const { runtime, port } = await open(crossings);
    const step = async (agent: string, costUsd: number, n: number) => {
      await sendRuns(port, [run(agent, costUsd, n * 1000)]);
      await runtime.engine.flush();
    };
    const seen = () => crossings.map((c) => `${c.budget.scope} ${c.level}`);

    await step('coder', 0.2, 1); // daily 20%; the run 67% of the per-run budget
    await step('coder', 0.2, 2); // daily 40%
    await step('coder', 0.1, 3); // daily 50%
    assert.deepEqual(seen(), []);
    await step('planner', 0.3, 4); // daily 80% → warning; planner 60% → warning; run 0.3 = 100% of run → critical
    assert.deepEqual(seen().sort(), ['agent:planner warning', 'daily warning', 'run critical']);
    assert.equal(crossings.find((c) => c.budget.scope === 'daily')!.message, 'Daily budget warning: $0.80 spent of $1.00 (80%).');
    await step('coder', 0.1, 5); // daily 90%: still warning
    assert.equal(crossings.length, 3);
    await step('planner', 0.15, 6); // daily 105% → critical; planner 90% → critical
    assert.deepEqual(seen().slice(3).sort(), ['agent:planner critical', 'daily critical']);
    await step('coder', 0.2, 7); // more spend: nothing new
    assert.equal(crossings.length, 5);

    const status = runtime.budgets.status();
    assert.deepEqual(
      status.map((s) => [s.scope, s.level, Math.round(s.spentUsd * 100) / 100]),
      [
        ['daily', 'critical', 1.25],
        ['agent:planner', 'critical', 0.45],
        ['run', 'critical', 0.3],
      ],
    );
    const rest = (await (
      await fetch(`http://127.0.0.1:${port}/api/budgets`, { headers: { authorization: `Bearer ${runtime.accessToken}` } })
    ).json()) as { name: string; level: string }[];
    assert.deepEqual(
      rest.map((b) => [b.name, b.level]),
      [
        ['Daily', 'critical'],
        ['Agent planner (monthly)', 'critical'],
        ['Per run', 'critical'],
      ],
    );
    // The run over its own budget is flagged in the list; the others are not.
    const list = await runtime.engine.listTraces();
    assert.deepEqual(
      list.filter((t) => t.overBudget).map((t) => t.costUsd),
      [0.3],
    );
    await runtime.close();

    const again: BudgetCrossing[] = [];
    const second = await open(again);
    try {
      await sendRuns(second.port, [run('coder', 0.01, 8)]);
      await second.runtime.engine.flush();
      assert.deepEqual(again, [], 'what was announced stays announced after a restart');
      assert.equal(second.runtime.budgets.status()[0].level, 'critical', 'spend survives the restart');
    } finally {
      await second.runtime.close();
    }
  });

  it('reads flags and settings, refusing bad ones with a message', () => {
    assert.deepEqual(parseBudgetFlag('daily=5'), { scope: 'daily', limitUsd: 5, warningPercent: 80, criticalPercent: 100 });
    assert.deepEqual(parseBudgetFlag('agent:a=b=2:70:95'), { scope: 'agent:a=b', limitUsd: 2, warningPercent: 70, criticalPercent: 95 });
    assert.match(parseBudgetFlag('weekly=5') as string, /SCOPE/);
    assert.match(parseBudgetFlag('daily=-1') as string, /above 0/);
    assert.match(parseBudgetFlag('daily=5:90:80') as string, /at or below/);
    const read = budgetsFromSettings([
      { scope: 'monthly', limitUsd: 50 },
      { scope: 'x', limitUsd: 1 },
      'junk',
      { scope: 'run', limitUsd: 'a' },
    ]);
    assert.deepEqual(read.budgets, [{ scope: 'monthly', limitUsd: 50, warningPercent: 80, criticalPercent: 100 }]);
    assert.equal(read.problems.length, 3);
  });
});
