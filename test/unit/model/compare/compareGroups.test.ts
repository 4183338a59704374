import { strict as assert } from 'node:assert';
import { compareGroups, MIN_RUNS_TO_CALL } from '../../../../src/model/compare/compareGroups';
import { agentRun, noisyRuns, seeded } from './compareFixtures';

describe('compareGroups', () => {
  it('reports a tool step 3× slower over 30 runs each as the top significant change', () => {
    const random = seeded(1);
    const a = noisyRuns(30, { llm: 800, tool: 200 }, 0.3, random);
    const b = noisyRuns(30, { llm: 800, tool: 600 }, 0.3, random);
    const result = compareGroups(a, b);
    const top = result.rows[0];
    assert.equal(top.name, 'search · duration');
    assert.equal(top.verdict, 'significant');
    assert.ok(top.relativeDelta! > 1.5 && top.relativeDelta! < 3, String(top.relativeDelta));
    // The model calls did not change: not called significant.
    const llm = result.rows.find((r) => r.name === 'chat gpt-4o · duration')!;
    assert.equal(llm.significant, false);
    assert.equal(result.a.runs, 30);
    assert.equal(result.b.spans.find((s) => s.name === 'search')!.runsWith, 30);
  });

  it('does not call a 5% difference over 5 runs each, even when the groups do not overlap', () => {
    const a = [100, 101, 102, 103, 104].map((tool) => agentRun({ llm: 500, tool }));
    const b = [105, 106, 107, 108, 109].map((tool) => agentRun({ llm: 500, tool }));
    const result = compareGroups(a, b);
    assert.ok(result.rows.every((r) => !r.significant));
    const tool = result.rows.find((r) => r.name === 'search · duration')!;
    assert.equal(tool.verdict, 'too-few-runs');
    assert.equal(tool.pValue, null);
    assert.equal(result.method.minRuns, MIN_RUNS_TO_CALL);
  });

  it('calls nothing between two groups drawn from the same runs', () => {
    const random = seeded(7);
    const result = compareGroups(noisyRuns(40, { llm: 800, tool: 200 }, 0.4, random), noisyRuns(40, { llm: 800, tool: 200 }, 0.4, random));
    assert.deepEqual(
      result.rows.filter((r) => r.significant).map((r) => r.name),
      [],
    );
    assert.ok(result.rows.every((r) => r.verdict === 'noise'));
  });

  it('reports run figures: success rate, percentiles, cost, tokens by type, calls per run', () => {
    const runs = [agentRun({ llm: 100, tool: 10 }), agentRun({ llm: 100, tool: 20 }, 1, true), agentRun({ llm: 100, tool: 30 })];
    const { a } = compareGroups(runs, runs);
    assert.equal(a.runs, 3);
    assert.equal(a.errorRuns, 1);
    assert.ok(Math.abs(a.successRate - 2 / 3) < 1e-12);
    assert.deepEqual([a.durationMs.p50, a.durationMs.p95, a.durationMs.p99], [220, 230, 230]);
    assert.ok(Math.abs(a.costUsd.total - 0.021) < 1e-12);
    assert.equal(a.tokens.perRun.input, 500);
    assert.equal(a.tokens.total.output, 600);
    assert.equal(a.modelCallsPerRun, 2);
    assert.equal(a.toolCallsPerRun, 1);
    const llm = a.spans.find((s) => s.name === 'chat gpt-4o')!;
    assert.equal(llm.callsPerRun, 2);
    assert.equal(llm.tokensPerRun, 700);
    const tool = a.spans.find((s) => s.name === 'search')!;
    assert.ok(Math.abs(tool.errorRate - 1 / 3) < 1e-12);
  });

  it('calls a tool that now fails in half the runs a significant rise of its error rate', () => {
    const a = Array.from({ length: 30 }, () => agentRun({ llm: 500, tool: 100 }));
    const b = Array.from({ length: 30 }, (_, i) => agentRun({ llm: 500, tool: 100 }, 1, i % 2 === 0));
    const rows = compareGroups(a, b).rows;
    const tool = rows.find((r) => r.name === 'search · error rate')!;
    assert.equal(tool.significant, true);
    assert.equal(tool.b, 0.5);
    assert.equal(rows.find((r) => r.name === 'run · error rate')!.significant, true);
  });

  it('handles empty groups without dividing by zero', () => {
    const result = compareGroups([], [agentRun({ llm: 1, tool: 1 })]);
    assert.equal(result.a.runs, 0);
    assert.equal(result.a.successRate, 0);
    assert.ok(result.rows.every((r) => r.verdict === 'too-few-runs' && Number.isFinite(r.a)));
  });

  it('ranks a larger significant change above a smaller one', () => {
    const random = seeded(3);
    const a = noisyRuns(30, { llm: 800, tool: 200 }, 0.1, random);
    const b = noisyRuns(30, { llm: 1200, tool: 800 }, 0.1, random);
    const names = compareGroups(a, b)
      .rows.filter((r) => r.significant)
      .map((r) => r.name);
    assert.ok(names.indexOf('search · duration') < names.indexOf('chat gpt-4o · duration'), names.join(', '));
  });
});
