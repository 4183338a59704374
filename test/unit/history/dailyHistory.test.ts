import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoupeRuntime } from '../../../src/core/host/loupeRuntime';
import { DailyHistory, HISTORY_FILE_NAME, SETTLE_MS } from '../../../src/core/history/dailyHistory';
import type { HistoryCell } from '../../../src/core/history/historyDocument';
import { localDay } from '../../../src/model/localDay';
import type { RunRecord } from '../../../src/core/history/runRecord';
import { fortyDaysOfRuns, type PlannedRun, sendRuns, SPANS_PER_RUN } from './fortyDaysOfRuns';

interface DayTotals {
  runs: number;
  errorRuns: number;
  spans: number;
  llmCalls: number;
  input: number;
  output: number;
  costUsd: number;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** The table worked out from what was sent, without any of Loupe's code. */
function expectedByDay(runs: readonly PlannedRun[]): Map<string, DayTotals> {
  const out = new Map<string, DayTotals>();
  for (const run of runs) {
    const d = new Date(run.startMs);
    const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const t = out.get(day) ?? { runs: 0, errorRuns: 0, spans: 0, llmCalls: 0, input: 0, output: 0, costUsd: 0 };
    t.runs++;
    if (run.error) t.errorRuns++;
    t.spans += SPANS_PER_RUN;
    for (const call of run.calls) {
      t.llmCalls++;
      t.input += call.input;
      t.output += call.output;
      t.costUsd = round(t.costUsd + call.costUsd);
    }
    out.set(day, t);
  }
  return out;
}

function historyByDay(cells: { day: string; cell: HistoryCell }[]): Map<string, DayTotals> {
  const out = new Map<string, DayTotals>();
  for (const { day, cell } of cells) {
    const t = out.get(day) ?? { runs: 0, errorRuns: 0, spans: 0, llmCalls: 0, input: 0, output: 0, costUsd: 0 };
    t.runs += cell.runs;
    t.errorRuns += cell.errorRuns;
    t.spans += cell.spans;
    t.llmCalls += cell.llmCalls;
    t.input += cell.tokens.input;
    t.output += cell.tokens.output;
    t.costUsd = round(t.costUsd + cell.costUsd);
    out.set(day, t);
  }
  return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
}

describe('Daily history', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'loupe-history-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const openRuntime = async () => {
    const runtime = await LoupeRuntime.open({
      host: '127.0.0.1',
      grpcPort: 0,
      httpPort: 0,
      storeDir: dir,
      maxTraces: 10,
      version: '0.0.0-test',
    });
    await runtime.startReceivers();
    return runtime;
  };
  const allDays = (history: DailyHistory) => historyByDay(history.cells('0000-00-00', '9999-99-99'));

  it('counts 40 days of SDK runs once each, through eviction and a restart', async () => {
    const runs = fortyDaysOfRuns();
    const expected = new Map([...expectedByDay(runs)].sort(([a], [b]) => a.localeCompare(b)));
    assert.equal(expected.size, 40);

    const first = await openRuntime();
    const port = first.receiverStatus.http.state === 'listening' ? first.receiverStatus.http.port : 0;
    await sendRuns(port, runs);
    await first.engine.flush();
    const stats = await first.engine.stats();
    // Only 10 traces are kept; the history still has every run.
    assert.equal(stats.traces, 10);
    assert.equal(stats.evictedTraces, runs.length - 10);
    assert.deepEqual(allDays(first.history), expected);
    await first.close();

    const second = await openRuntime();
    try {
      assert.deepEqual(allDays(second.history), expected, 'a restart recounts nothing');
      // The kept traces change again after the restart: still counted once.
      await second.engine.flush();
      assert.deepEqual(allDays(second.history), expected);
    } finally {
      await second.close();
    }
    const onDisk = JSON.parse(await readFile(join(dir, HISTORY_FILE_NAME), 'utf8'));
    assert.equal(Object.keys(onDisk.days).length, 40);
  });

  describe('on its own', () => {
    let now = Date.UTC(2026, 5, 1, 12);
    const records = new Map<string, RunRecord>();
    const run = (traceId: string, costUsd: number, spans = 1, startTime = now - 1000): RunRecord => ({
      traceId,
      startTime,
      durationMs: 500,
      service: 'svc',
      agent: 'a',
      model: 'm',
      error: false,
      timeout: false,
      spans: Array.from({ length: spans }, () => ({
        name: 'chat m',
        service: 'svc',
        agent: 'a',
        model: 'm',
        durationMs: 100,
        error: false,
        call: true,
        usage: { tokens: { input: 10, output: 1, cacheRead: 0, cacheWrite: 0, reasoning: 0, total: 11 }, costUsd, unpriced: false },
      })),
    });
    const open = async () => {
      const history = await DailyHistory.open({ dir, now: () => now, writeDelayMs: 5 });
      history.setSource((id) => records.get(id));
      return history;
    };
    const total = (history: DailyHistory) => {
      const cells = history.cells('0000-00-00', '9999-99-99');
      return { runs: cells.reduce((a, c) => a + c.cell.runs, 0), cost: round(cells.reduce((a, c) => a + c.cell.costUsd, 0)) };
    };
    beforeEach(() => {
      now = Date.UTC(2026, 5, 1, 12);
      records.clear();
    });

    it('replaces a changing trace, then keeps it for good once settled, even when touched after a restart', async () => {
      let history = await open();
      records.set('t1', run('t1', 0.5));
      history.touch('t1');
      records.set('t1', run('t1', 0.5, 3)); // two more spans arrive
      history.touch('t1');
      history.update();
      records.set('t1', run('t1', 0.5, 4));
      history.touch('t1');
      assert.deepEqual(total(history), { runs: 1, cost: 2 });
      now += SETTLE_MS + 1;
      await history.close();

      history = await open();
      history.touch('t1'); // the store loads it again
      assert.deepEqual(total(history), { runs: 1, cost: 2 });
      history.release('t1', () => records.get('t1'));
      assert.deepEqual(total(history), { runs: 1, cost: 2 }, 'eviction keeps what was spent');
      await history.close();
    });

    it('counts a change waiting at eviction, and drops days past 420', async () => {
      const history = await open();
      records.set('old', run('old', 1, 1, now - 421 * 86_400_000));
      records.set('t2', run('t2', 0.25));
      history.touch('old');
      history.touch('t2');
      history.release('t2', () => records.get('t2'));
      await history.close();
      const reopened = await open();
      assert.deepEqual(total(reopened), { runs: 1, cost: 0.25 });
      assert.deepEqual(
        reopened.cells('0000-00-00', '9999-99-99').map((c) => c.day),
        [localDay(now)],
      );
      await reopened.close();
    });

    it('moves a corrupt file aside and starts again', async () => {
      await writeFile(join(dir, HISTORY_FILE_NAME), '{"days": {"2026-06-01": [');
      const history = await open();
      assert.equal(history.problems.length, 1);
      assert.match(history.problems[0], /moved to .*corrupt/);
      assert.deepEqual(total(history), { runs: 0, cost: 0 });
      await history.close();
    });
  });
});
