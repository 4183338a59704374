import * as assert from 'node:assert/strict';
import { OVERALL_BREAKDOWN_TRACES, TraceEngine } from '../../../src/core/engine/traceEngine';
import { DailyHistory } from '../../../src/core/history/dailyHistory';
import { TracePersistence } from '../../../src/core/store/tracePersistence';
import { hexId, int, logsRequest, span, str, traceRequest } from '../../support/otlpBuilders';
import type { OtlpLogRecord } from '../../../src/model/otlpTypes';
import { useTempDirs } from '../store/storeTestDirs';

const RUNS = 12;
const CALLS_PER_RUN = 3;

/** A run of one session: an agent span and its model calls, each with tokens. */
function run(traceId: string, sessionId: string) {
  const root = hexId(8);
  return traceRequest([
    span(traceId, root, undefined, 'invoke_agent', 0, 1000, [str('gen_ai.operation.name', 'invoke_agent'), str('session.id', sessionId)]),
    ...Array.from({ length: CALLS_PER_RUN }, (_, i) =>
      span(traceId, hexId(8), root, 'chat gpt-4o', 10 + i * 100, 90 + i * 100, [
        str('gen_ai.operation.name', 'chat'),
        str('gen_ai.request.model', 'gpt-4o'),
        str('session.id', sessionId),
        int('gen_ai.usage.input_tokens', 100),
        int('gen_ai.usage.output_tokens', 10),
      ]),
    ),
  ]);
}

/**
 * The history and sessions need whole traces while the store keeps only a few bodies in memory:
 * a trace whose body is on disk is read, never taken for an empty one.
 */
describe('History and sessions over trace bodies on disk', () => {
  const tempDir = useTempDirs();

  async function storeOfRuns(dir: string): Promise<string[]> {
    const engine = await TraceEngine.open({ persistence: new TracePersistence(dir, { flushDelayMs: 1 }) });
    const ids: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = hexId(16);
      ids.push(t);
      engine.ingestTraces(run(t, `session-${i % 3}`));
    }
    await engine.close();
    return ids;
  }

  const reopen = async (dir: string) => {
    const history = await DailyHistory.open({ writeDelayMs: 60_000 });
    const engine = await TraceEngine.open({ maxResidentTraces: 2, history, persistence: new TracePersistence(dir, { flushDelayMs: 1 }) });
    return { engine, history };
  };
  const totals = (history: DailyHistory) => {
    const cells = history.cells('0000-00-00', '9999-99-99').map((c) => c.cell);
    return { runs: cells.reduce((a, c) => a + c.runs, 0), llmCalls: cells.reduce((a, c) => a + c.llmCalls, 0) };
  };

  it('counts every stored run in the history, reading the bodies not in memory from their files', async () => {
    const dir = await tempDir();
    await storeOfRuns(dir);
    const { engine, history } = await reopen(dir);
    assert.ok(engine.residentTraces <= 2, `${engine.residentTraces} bodies in memory`);
    assert.equal((await engine.listTraces()).length, RUNS); // counts what was touched at the start
    assert.deepEqual(totals(history), { runs: RUNS, llmCalls: RUNS * CALLS_PER_RUN });
    await engine.close();
  });

  it('counts a run deleted before the history counted it, from its file', async () => {
    const dir = await tempDir();
    const ids = await storeOfRuns(dir);
    const { engine, history } = await reopen(dir);
    assert.equal(await engine.deleteTrace(ids[0]), true);
    assert.equal(await engine.deleteTrace(ids[1]), true);
    history.update();
    assert.deepEqual(totals(history), { runs: RUNS, llmCalls: RUNS * CALLS_PER_RUN }, 'what was spent stays');
    await engine.close();
  });

  it('builds sessions from traces whose bodies are on disk, asynchronously and at once', async () => {
    const dir = await tempDir();
    await storeOfRuns(dir);
    const { engine } = await reopen(dir);
    for (const sessions of [await engine.listSessions(), engine.listSessionsNow()]) {
      assert.deepEqual(sessions.map((s) => s.sessionId).sort(), ['session-0', 'session-1', 'session-2']);
      for (const s of sessions) assert.equal(s.llmCalls, (RUNS / 3) * CALLS_PER_RUN, s.sessionId);
    }
    const detail = await engine.getSession('session-1');
    assert.equal(detail?.llmCalls, (RUNS / 3) * CALLS_PER_RUN);
    assert.equal(engine.getSessionNow('session-2')?.llmCalls, (RUNS / 3) * CALLS_PER_RUN);
    assert.ok(engine.residentTraces <= 2, 'reading for sessions keeps no extra bodies in memory');
    await engine.close();
  });

  it('reads only the traces that name a session, including one named only by an agent log record in it', async () => {
    const dir = await tempDir();
    const sessionRuns = await storeOfRuns(dir);
    const writer = await TraceEngine.open({ persistence: new TracePersistence(dir, { flushDelayMs: 1 }) });
    const plain = Array.from({ length: 20 }, () => hexId(16));
    for (const t of plain) writer.ingestTraces(traceRequest([span(t, hexId(8), undefined, 'job', 0, 10, [str('k', 'v')])]));
    const logged = hexId(16);
    writer.ingestTraces(traceRequest([span(logged, hexId(8), undefined, 'turn', 0, 10, [])]));
    writer.ingestLogs(
      logsRequest([
        {
          timeUnixNano: '5',
          traceId: logged,
          attributes: [str('event.name', 'codex.user_prompt'), str('conversation.id', 'session-from-log'), str('prompt', 'fix the build')],
        } as OtlpLogRecord,
      ]),
    );
    await writer.close();

    const persistence = new TracePersistence(dir, { flushDelayMs: 1 });
    const read: string[] = [];
    const readTrace = persistence.readTrace.bind(persistence);
    persistence.readTrace = (traceId) => (read.push(traceId), readTrace(traceId));
    const engine = await TraceEngine.open({ maxResidentTraces: 2, persistence });
    read.length = 0;
    const sessions = await engine.listSessions();
    assert.deepEqual(sessions.map((s) => s.sessionId).sort(), ['session-0', 'session-1', 'session-2', 'session-from-log']);
    assert.equal(sessions.find((s) => s.sessionId === 'session-from-log')?.turns, 1);
    assert.deepEqual(
      read.filter((id) => plain.includes(id)),
      [],
      'traces without a session are not read',
    );
    assert.ok(
      read.every((id) => sessionRuns.includes(id) || id === logged),
      read.join(),
    );
    await engine.close();
  });

  it('compares by reading only the runs whose summaries can match a group', async () => {
    const dir = await tempDir();
    const writer = await TraceEngine.open({ persistence: new TracePersistence(dir, { flushDelayMs: 1 }) });
    const ids = { a: [] as string[], b: [] as string[], other: [] as string[] };
    for (const [group, service] of [
      ['a', 'svc-a'],
      ['b', 'svc-b'],
      ['other', 'svc-other'],
    ] as const) {
      for (let i = 0; i < 6; i++) {
        const t = hexId(16);
        ids[group].push(t);
        writer.ingestTraces(traceRequest([span(t, hexId(8), undefined, 'job', 0, 10 + i, [])], service));
      }
    }
    await writer.close();
    const persistence = new TracePersistence(dir, { flushDelayMs: 1 });
    const read: string[] = [];
    const readTrace = persistence.readTrace.bind(persistence);
    persistence.readTrace = (traceId) => (read.push(traceId), readTrace(traceId));
    const engine = await TraceEngine.open({ maxResidentTraces: 2, persistence });
    read.length = 0;
    const result = await engine.compare({ service: 'svc-a' }, { service: 'svc-b' });
    assert.equal(result.a.runs, 6);
    assert.equal(result.b.runs, 6);
    assert.deepEqual(
      read.filter((id) => ids.other.includes(id)),
      [],
    );
    await engine.close();
  });

  it('lists sessions again without reading unchanged traces, and reads a trace again once it changed', async () => {
    const dir = await tempDir();
    const ids = await storeOfRuns(dir);
    const persistence = new TracePersistence(dir, { flushDelayMs: 1 });
    const read: string[] = [];
    const readTrace = persistence.readTrace.bind(persistence);
    persistence.readTrace = (traceId) => (read.push(traceId), readTrace(traceId));
    const engine = await TraceEngine.open({ maxResidentTraces: 2, persistence });
    const first = await engine.listSessions();
    assert.ok(read.length >= RUNS - 2, `${read.length} traces read the first time`);
    read.length = 0;
    assert.deepEqual(await engine.listSessions(), first);
    assert.deepEqual(read, [], 'nothing read again');
    // One more model call in a run of session-0: that run alone is read again, and counted.
    const grown = run(ids[0], 'session-0').resourceSpans[0].scopeSpans[0].spans.slice(1, 2);
    grown[0].spanId = hexId(8);
    engine.ingestTraces(traceRequest(grown));
    await engine.flush();
    const again = await engine.listSessions();
    assert.equal(again.find((x) => x.sessionId === 'session-0')!.llmCalls, first.find((x) => x.sessionId === 'session-0')!.llmCalls + 1);
    assert.deepEqual(
      read.filter((id) => id !== ids[0]),
      [],
    );
    // A session's own page reads its traces whole.
    read.length = 0;
    assert.equal((await engine.getSession('session-1'))?.llmCalls, (RUNS / 3) * CALLS_PER_RUN);
    assert.ok(read.length > 0);
    await engine.close();
  });

  it('breaks down the newest 1,000 traces across traces and says how many are stored', async () => {
    const engine = await TraceEngine.open({ maxTraces: 5000 });
    const ids: string[] = [];
    for (let i = 0; i < OVERALL_BREAKDOWN_TRACES + 5; i++) {
      const t = hexId(16);
      ids.push(t);
      engine.ingestTraces(traceRequest([span(t, hexId(8), undefined, i < 5 ? 'oldest job' : 'job', 0, 10, [])]));
    }
    const breakdown = await engine.overallBreakdown();
    assert.equal(breakdown.traceCount, OVERALL_BREAKDOWN_TRACES);
    assert.equal(breakdown.storedTraces, OVERALL_BREAKDOWN_TRACES + 5);
    assert.deepEqual(
      breakdown.byName.map((row) => row.key),
      ['job'],
      'the five oldest are left out',
    );
    for (const t of ids.slice(0, 10)) await engine.deleteTrace(t);
    const all = await engine.overallBreakdown();
    assert.equal(all.traceCount, OVERALL_BREAKDOWN_TRACES - 5);
    assert.equal(all.storedTraces, undefined);
    await engine.close();
  });
});
