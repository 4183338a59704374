import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PersistenceError, PersistenceWriteEvent } from '../../../src/core/store/tracePersistence';
import { TracePersistence } from '../../../src/core/store/tracePersistence';
import type { StoredTrace } from '../../../src/model/storedTrace';
import { growSampleTrace, sampleTrace, sampleTraceId } from './sampleTraces';
import { sleep, useTempDirs, waitUntil } from './storeTestDirs';

const traceFile = (dir: string, index: number): string => join(dir, 'traces', `${sampleTraceId(index)}.json`);

/** Counts how often JSON.stringify serializes this trace, without changing what it writes. */
function countSerializations(trace: StoredTrace): { count: number } {
  const counter = { count: 0 };
  Object.defineProperty(trace, 'toJSON', {
    enumerable: false,
    value(this: StoredTrace) {
      counter.count++;
      return { ...this };
    },
  });
  return counter;
}

describe('TracePersistence', () => {
  const open: TracePersistence[] = [];
  const make = (dir: string, options: ConstructorParameters<typeof TracePersistence>[1] = {}): TracePersistence => {
    const persistence = new TracePersistence(dir, { flushDelayMs: 20, ...options });
    open.push(persistence);
    return persistence;
  };
  // Registered before the folders' cleanup, so writes still in flight end before their folder is removed.
  afterEach(async () => {
    for (const persistence of open.splice(0)) await persistence.close();
  });
  const tempDir = useTempDirs();

  it('round-trips traces and meta through a new instance, sorted by seq', async () => {
    const dir = await tempDir();
    const writer = make(dir);
    assert.deepEqual((await writer.load()).traces, []);
    const traces = [7, 2, 11, 0, 5, 3].map((i) => sampleTrace(i, 1 + i * 3));
    for (const trace of traces) writer.markDirty(trace);
    writer.updateMeta({ nextSeq: 20, evictedTraces: 4 });
    await writer.flush();
    assert.equal(writer.pendingCount, 0);

    const loaded = await make(dir).load();
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(
      loaded.traces,
      [...traces].sort((a, b) => a.seq - b.seq),
    );
    assert.deepEqual(loaded.meta, { version: 2, nextSeq: 20, evictedTraces: 4 });
    assert.ok(loaded.bytesOnDisk > 0);
  });

  it('creates a missing store folder, nested', async () => {
    const dir = join(await tempDir(), 'a', 'b', 'store');
    const persistence = make(dir);
    const loaded = await persistence.load();
    assert.deepEqual(loaded.problems, []);
    assert.ok(existsSync(join(dir, 'traces')));
  });

  it('coalesces a burst of 100 changes to one trace into one write, serialized once, with the final state', async () => {
    const dir = await tempDir();
    const writes: PersistenceWriteEvent[] = [];
    const persistence = make(dir, { flushDelayMs: 100, onWrite: (event) => writes.push(event) });
    await persistence.load();
    const trace = sampleTrace(1, 1);
    const serialized = countSerializations(trace);
    for (let i = 0; i < 99; i++) {
      growSampleTrace(trace, 1);
      persistence.markDirty(trace);
    }
    persistence.markDirty(trace);
    assert.equal(serialized.count, 0, 'markDirty does not serialize');
    await waitUntil(() => writes.length > 0, 5000, 'the coalesced write');
    await sleep(300);

    assert.deepEqual(
      writes.map((w) => [w.kind, w.traceId]),
      [['trace', trace.traceId]],
    );
    assert.equal(serialized.count, 1);
    assert.equal(persistence.counters.traceWrites, 1);
    const onDisk = JSON.parse(await readFile(traceFile(dir, 1), 'utf8')) as StoredTrace;
    assert.equal(onDisk.spans.length, 100);
    assert.equal(writes[0].bytes, (await stat(traceFile(dir, 1))).size);
  });

  it('writes the state a trace has when the write starts, not when it was marked', async () => {
    const dir = await tempDir();
    const persistence = make(dir);
    const trace = sampleTrace(3, 2);
    persistence.markDirty(trace);
    growSampleTrace(trace, 3);
    growSampleTrace(trace, 3);
    await persistence.flush();
    const loaded = await make(dir).load();
    assert.equal(loaded.traces[0].spans.length, 4);
  });

  it('waits for a quiet window but never longer than maxFlushDelayMs while changes keep coming', async () => {
    const dir = await tempDir();
    let writes = 0;
    const quiet = make(dir, { flushDelayMs: 250, maxFlushDelayMs: 60_000, onWrite: () => writes++ });
    const trace = sampleTrace(4, 1);
    for (let i = 0; i < 15; i++) {
      quiet.markDirty(trace);
      await sleep(20);
    }
    assert.equal(writes, 0, 'no write while changes keep coming within the window');
    await waitUntil(() => writes === 1, 5000, 'the write after the quiet window');

    let cappedWrites = 0;
    const capped = make(join(dir, 'capped'), { flushDelayMs: 250, maxFlushDelayMs: 150, onWrite: () => cappedWrites++ });
    const started = Date.now();
    while (Date.now() - started < 900) {
      capped.markDirty(trace);
      await sleep(20);
    }
    assert.ok(cappedWrites >= 2, `a steady stream is still written (got ${cappedWrites} writes in 900 ms)`);
  });

  it('remove deletes the file, and cancels a pending write', async () => {
    const dir = await tempDir();
    const persistence = make(dir);
    persistence.markDirty(sampleTrace(1, 3));
    persistence.markDirty(sampleTrace(2, 3));
    await persistence.flush();
    assert.ok(existsSync(traceFile(dir, 1)));

    persistence.remove(sampleTraceId(1));
    persistence.markDirty(sampleTrace(5, 1));
    persistence.remove(sampleTraceId(5));
    persistence.remove(sampleTraceId(99)); // never stored: not an error
    await persistence.flush();
    assert.equal(existsSync(traceFile(dir, 1)), false);
    assert.equal(existsSync(traceFile(dir, 5)), false, 'removed before its write: never written');
    assert.equal(persistence.counters.traceWrites, 2);
    assert.equal(persistence.lastError, undefined);

    persistence.remove(sampleTraceId(2));
    persistence.markDirty(sampleTrace(2, 4)); // the trace came back before the delete ran
    await persistence.flush();
    const loaded = await make(dir).load();
    assert.deepEqual(
      loaded.traces.map((t) => [t.traceId, t.spans.length]),
      [[sampleTraceId(2), 4]],
    );
  });

  it('removes a trace whose write is in progress once that write ends', async () => {
    const dir = await tempDir();
    const persistence = make(dir);
    await persistence.load();
    persistence.markDirty(sampleTrace(1, 400, 2000));
    const flushing = persistence.flush();
    await new Promise((resolve) => setImmediate(resolve)); // the 1 MB write is now under way
    persistence.remove(sampleTraceId(1));
    await flushing;
    assert.equal(persistence.counters.traceWrites, 1, 'the write was in progress and completed');
    await persistence.flush();
    assert.equal(existsSync(traceFile(dir, 1)), false);
    assert.deepEqual(await readdir(join(dir, 'traces')), []);
  });

  it('removeAll deletes every trace file, cancels pending writes and keeps later ones', async () => {
    const dir = await tempDir();
    const persistence = make(dir);
    for (let i = 0; i < 5; i++) persistence.markDirty(sampleTrace(i, 2));
    persistence.updateMeta({ evictedTraces: 9 });
    await persistence.flush();
    persistence.markDirty(sampleTrace(6, 2));
    persistence.removeAll();
    persistence.markDirty(sampleTrace(7, 2));
    await persistence.flush();
    assert.deepEqual(await readdir(join(dir, 'traces')), [`${sampleTraceId(7)}.json`]);
    const loaded = await make(dir).load();
    assert.deepEqual(
      loaded.traces.map((t) => t.traceId),
      [sampleTraceId(7)],
    );
    assert.equal(loaded.meta.evictedTraces, 9, 'meta is kept');
  });

  it('flush resolves with the files on disk; close flushes and then ignores changes', async () => {
    const dir = await tempDir();
    const persistence = make(dir, { flushDelayMs: 60_000 });
    await persistence.flush(); // nothing pending
    persistence.markDirty(sampleTrace(1, 2));
    await persistence.flush();
    assert.ok(existsSync(traceFile(dir, 1)), 'flush does not wait for the window');

    persistence.markDirty(sampleTrace(2, 2));
    persistence.updateMeta({ nextSeq: 50 });
    await persistence.close();
    assert.ok(existsSync(traceFile(dir, 2)));
    assert.equal(JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')).nextSeq, 50);

    persistence.markDirty(sampleTrace(3, 2));
    persistence.remove(sampleTraceId(1));
    await persistence.flush();
    assert.equal(existsSync(traceFile(dir, 3)), false);
    assert.ok(existsSync(traceFile(dir, 1)));
    assert.equal(persistence.pendingCount, 0);
  });

  it('writing one trace touches no other trace file (persisting is O(that trace))', async () => {
    const dir = await tempDir();
    const persistence = make(dir);
    const traces = Array.from({ length: 40 }, (_, i) => sampleTrace(i, 5));
    for (const trace of traces) persistence.markDirty(trace);
    persistence.updateMeta({ nextSeq: 41 });
    await persistence.flush();
    const statsOf = async (): Promise<Map<string, string>> => {
      const out = new Map<string, string>();
      for (const name of await readdir(join(dir, 'traces'))) {
        const s = await stat(join(dir, 'traces', name));
        out.set(name, `${s.ino}:${s.mtimeMs}:${s.size}`);
      }
      const meta = await stat(join(dir, 'meta.json'));
      out.set('meta.json', `${meta.ino}:${meta.mtimeMs}`);
      return out;
    };
    const before = await statsOf();
    await sleep(30);
    const writesBefore = persistence.counters;
    growSampleTrace(traces[17], 17);
    persistence.markDirty(traces[17]);
    await persistence.flush();
    const after = await statsOf();

    const changed = [...after].filter(([name, value]) => before.get(name) !== value).map(([name]) => name);
    assert.deepEqual(changed, [`${sampleTraceId(17)}.json`]);
    const writesAfter = persistence.counters;
    assert.equal(writesAfter.traceWrites - writesBefore.traceWrites, 1);
    assert.equal(writesAfter.metaWrites, writesBefore.metaWrites);
    assert.equal(writesAfter.bytesWritten - writesBefore.bytesWritten, (await stat(traceFile(dir, 17))).size);
  });

  it('stores trace ids that are not safe file names inside the traces folder', async () => {
    const dir = await tempDir();
    const persistence = make(dir);
    const odd = ['../../escape', 'ABCDEF', 'a/b\\c', 'x'.repeat(300)].map((traceId, i) => ({ ...sampleTrace(i, 1), traceId }));
    for (const trace of odd) persistence.markDirty(trace);
    await persistence.flush();
    assert.deepEqual(await readdir(dir).then((names) => names.sort()), ['traces']);
    assert.equal((await readdir(join(dir, 'traces'))).length, 4);
    const loaded = await make(dir).load();
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(
      loaded.traces.map((t) => t.traceId),
      odd.map((t) => t.traceId),
    );
    persistence.remove('../../escape');
    await persistence.flush();
    assert.equal((await readdir(join(dir, 'traces'))).length, 3);
  });

  it('reports a trace that cannot be serialized once and keeps writing the others', async () => {
    const dir = await tempDir();
    const errors: PersistenceError[] = [];
    const persistence = make(dir, { onError: (error) => errors.push(error) });
    const bad = sampleTrace(1, 1);
    (bad.spans[0].attributes[0].value as Record<string, unknown>).stringValue = 10n; // BigInt: JSON.stringify throws
    persistence.markDirty(bad);
    persistence.markDirty(sampleTrace(2, 1));
    await persistence.flush();
    await persistence.flush();
    assert.equal(errors.length, 1);
    assert.equal(errors[0].operation, 'serialize');
    assert.match(errors[0].message, /BigInt/);
    assert.equal(persistence.lastError, undefined, 'not a disk problem');
    assert.equal(persistence.pendingCount, 0, 'not retried until it changes');
    assert.ok(existsSync(traceFile(dir, 2)));
    assert.equal(existsSync(traceFile(dir, 1)), false);
  });
});
