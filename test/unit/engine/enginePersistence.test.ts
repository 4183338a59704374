import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import { TracePersistence } from '../../../src/core/store/tracePersistence';
import type { TraceSummary } from '../../../src/model/traceTypes';
import { hexId, logsRequest, span, str, traceRequest } from '../../support/otlpBuilders';

describe('TraceEngine with a store folder', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'loupe-engine-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  const open = (maxTraces = 200) => TraceEngine.open({ maxTraces, persistence: new TracePersistence(dir, { flushDelayMs: 5 }) });
  const traceFiles = async () => (await readdir(join(dir, 'traces'))).filter((f) => f.endsWith('.json')).sort();

  it('brings back the same traces after a restart', async () => {
    const first = await open();
    const t = hexId(16);
    const root = hexId(8);
    first.ingestTraces(traceRequest([span(t, root, undefined, 'root', 0, 10, [str('a', 'b')]), span(t, hexId(8), root, 'child', 1, 5)]));
    first.ingestLogs(logsRequest([{ traceId: t, spanId: root, body: { stringValue: 'hello' }, attributes: [] }]));
    const before = await first.getTrace(t);
    const listBefore = await first.listTraces();
    await first.close();

    const second = await open();
    try {
      // `version` counts changes within one run; everything else must come back as it was.
      const after = (await second.getTrace(t))!;
      assert.deepEqual(
        { ...after, summary: { ...after.summary, version: 0 } },
        { ...before!, summary: { ...before!.summary, version: 0 } },
      );
      const strip = (list: TraceSummary[]) => list.map(({ version: _version, ...rest }) => rest);
      assert.deepEqual(strip(await second.listTraces()), strip(listBefore));
      assert.equal((await second.stats()).spans, 2);
    } finally {
      await second.close();
    }
  });

  it('evicts the oldest trace on disk too and remembers the eviction count', async () => {
    const first = await open(2);
    const ids = [hexId(16), hexId(16), hexId(16)];
    for (const t of ids) {
      first.ingestTraces(traceRequest([span(t, hexId(8), undefined, t, 0, 1)]));
      await first.flush();
    }
    assert.deepEqual(
      await traceFiles(),
      ids
        .slice(1)
        .map((t) => `${t}.json`)
        .sort(),
    );
    await first.close();

    const second = await open(2);
    try {
      assert.deepEqual((await second.listTraces()).map((s) => s.traceId).sort(), ids.slice(1).sort());
      assert.equal((await second.stats()).evictedTraces, 1);
      const t = hexId(16);
      second.ingestTraces(traceRequest([span(t, hexId(8), undefined, 'newest', 0, 1)]));
      await second.flush();
      assert.equal(await second.getTrace(ids[1]), undefined, 'the oldest of the reloaded traces goes first');
      const stats = await second.stats();
      assert.equal(stats.evictedTraces, 2);
      assert.equal(stats.evictedSpans, 2, 'one span in each evicted trace, counted across the restart');
      assert.equal(stats.spans + stats.evictedSpans, 4, 'stored + evicted = every span received');
      assert.deepEqual(await traceFiles(), [ids[2], t].map((id) => `${id}.json`).sort());
    } finally {
      await second.close();
    }
  });

  it('deletes and clears on disk', async () => {
    const engine = await open();
    const [a, b] = [hexId(16), hexId(16)];
    engine.ingestTraces(traceRequest([span(a, hexId(8), undefined, 'a', 0, 1), span(b, hexId(8), undefined, 'b', 0, 1)]));
    await engine.flush();
    assert.equal((await traceFiles()).length, 2);
    await engine.deleteTrace(a);
    await engine.flush();
    assert.deepEqual(await traceFiles(), [`${b}.json`]);
    await engine.clear();
    await engine.flush();
    assert.deepEqual(await traceFiles(), []);
    await engine.close();
  });
});
