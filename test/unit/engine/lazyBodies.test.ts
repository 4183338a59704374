import * as assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import { TracePersistence } from '../../../src/core/store/tracePersistence';
import type { TraceSummary } from '../../../src/model/traceTypes';
import { hexId, span, str, traceRequest } from '../../support/otlpBuilders';
import { useTempDirs } from '../store/storeTestDirs';

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

const prompt = (n: number) => `Prompt ${n}: ${'context '.repeat(200)}`;

describe('Trace bodies read on demand', () => {
  const tempDir = useTempDirs();
  const open = (dir: string, extra: Parameters<typeof TraceEngine.open>[0] = {}) =>
    TraceEngine.open({ maxTraces: 10_000, maxResidentTraces: 3, persistence: new TracePersistence(dir, { flushDelayMs: 1 }), ...extra });

  it('keeps only a few bodies in memory once written, and reads any trace back when asked', async () => {
    const dir = await tempDir();
    const engine = await open(dir);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const t = hexId(16);
      ids.push(t);
      engine.ingestTraces(traceRequest([span(t, hexId(8), undefined, `run ${i}`, i, i + 1, [str('gen_ai.prompt', prompt(i))])]));
    }
    await engine.flush();
    assert.ok(engine.residentTraces <= 3, `${engine.residentTraces} bodies in memory`);
    assert.equal((await engine.listTraces()).length, 40, 'lists come from summaries');
    const detail = await engine.getTrace(ids[0]);
    assert.equal(detail!.spans[0].attributes['gen_ai.prompt'], prompt(0));
    await engine.close();
  });

  it('loses nothing when spans arrive while their trace is being read, and when views race with deletes', async function () {
    this.timeout(30_000);
    const dir = await tempDir();
    let engine = await open(dir);
    const next = random(7);
    const model = new Map<string, Set<string>>();
    const deleted = new Set<string>();
    const views: Promise<unknown>[] = [];
    const add = (t: string) => {
      const s = hexId(8);
      engine.ingestTraces(traceRequest([span(t, s, undefined, 'step', 0, 1, [str('gen_ai.prompt', prompt(model.size))])]));
      if (!model.has(t)) model.set(t, new Set());
      model.get(t)!.add(s);
    };
    for (let i = 0; i < 30; i++) add(hexId(16));
    await engine.flush();
    for (let round = 0; round < 600; round++) {
      const ids = [...model.keys()];
      const t = ids[Math.floor(next() * ids.length)];
      const r = next();
      if (r < 0.35) views.push(engine.getTrace(t)); // a read starts
      if (r < 0.7) {
        add(t); // … and spans arrive for that same trace before the read ends
        engine.listTracesNow(); // assembles now
      } else if (r < 0.75) {
        add(hexId(16));
      } else if (r < 0.78 && !deleted.has(t)) {
        views.push(engine.getTrace(t));
        await engine.deleteTrace(t);
        deleted.add(t);
        model.delete(t);
      } else if (r < 0.9) {
        views.push(engine.flush());
      } else {
        await new Promise((resolve) => setImmediate(resolve)); // let reads finish mid-way
      }
    }
    await Promise.all(views);
    const check = async (label: string) => {
      for (const [t, spanIds] of model) {
        const detail = await engine.getTrace(t);
        assert.ok(detail, `${label}: trace ${t} is there`);
        assert.deepEqual(new Set(detail.spans.map((s) => s.spanId)), spanIds, `${label}: every span of ${t}`);
      }
      for (const t of deleted) assert.equal(await engine.getTrace(t), undefined, `${label}: deleted ${t} stays deleted`);
      assert.equal(
        (await engine.stats()).spans,
        [...model.values()].reduce((n, s) => n + s.size, 0),
      );
    };
    await check('live');
    await engine.close();
    engine = await open(dir);
    try {
      assert.deepEqual(engine.loadProblems, []);
      await check('after a restart');
    } finally {
      await engine.close();
    }
  });

  it('evicts traces past the age limit, tells the listener, and deletes their content', async () => {
    const dir = await tempDir();
    let now = 1_800_000_000_000;
    const engine = await open(dir, { now: () => now });
    const evicted: TraceSummary[] = [];
    engine.onEvicted = (summary) => evicted.push(summary);
    const old = hexId(16);
    engine.ingestTraces(traceRequest([span(old, hexId(8), undefined, 'old', 0, 1, [str('gen_ai.prompt', prompt(1))])]));
    engine.listTracesNow(); // assembled now, at this time
    now += 10 * 24 * 3600 * 1000;
    const recent = hexId(16);
    engine.ingestTraces(traceRequest([span(recent, hexId(8), undefined, 'recent', 0, 1, [str('gen_ai.prompt', prompt(2))])]));
    await engine.flush();
    engine.setLimits({ maxAgeMs: 7 * 24 * 3600 * 1000 });
    await engine.flush();
    assert.deepEqual(
      (await engine.listTraces()).map((s) => s.traceId),
      [recent],
    );
    assert.deepEqual(
      evicted.map((s) => s.traceId),
      [old],
    );
    assert.equal((await engine.stats()).evictedTraces, 1);
    const shards = await readdir(join(dir, 'content'));
    const files = (await Promise.all(shards.map((shard) => readdir(join(dir, 'content', shard))))).flat();
    assert.equal(files.length, 1, 'only the recent trace’s prompt is left');
    await engine.close();
  });
});
