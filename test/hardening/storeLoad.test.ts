import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TracePersistence } from '../../src/core/store/tracePersistence';
import { sampleTrace, sampleTraceId } from '../unit/store/sampleTraces';
import { useTempDirs } from '../unit/store/storeTestDirs';

describe('TracePersistence.load with damaged files', () => {
  const tempDir = useTempDirs();

  async function storeWith(dir: string, count: number): Promise<void> {
    const persistence = new TracePersistence(dir);
    for (let i = 0; i < count; i++) persistence.markDirty(sampleTrace(i, 3));
    persistence.updateMeta({ nextSeq: count + 1, evictedTraces: 2 });
    await persistence.close();
  }

  it('moves corrupt trace files aside, reports each, and loads everything else', async () => {
    const dir = await tempDir();
    await storeWith(dir, 8);
    const traces = join(dir, 'traces');
    const file = (i: number): string => join(traces, `${sampleTraceId(i)}.json`);
    const damaged = new Map<number, string>([
      [1, '{"traceId": "00000000000000000000000000000001", "seq": 2, "spans": ['], // truncated
      [2, 'not json at all \u0000\u0001'],
      [3, ''],
      [4, JSON.stringify({ ...sampleTrace(4, 1), spans: 'nope' })],
      [5, JSON.stringify(sampleTrace(6, 1))], // holds another trace than its name says
      [7, JSON.stringify({ ...sampleTrace(7, 2), spans: [{ ...sampleTrace(7, 1).spans[0], resourceIndex: 3 }] })],
    ]);
    for (const [i, text] of damaged) await writeFile(file(i), text);
    await writeFile(join(traces, 'notes.txt'), 'left alone');

    const loaded = await new TracePersistence(dir).load();
    assert.deepEqual(
      loaded.traces.map((t) => t.traceId),
      [0, 6].map(sampleTraceId),
    );
    assert.deepEqual(loaded.traces[1], sampleTrace(6, 3), 'intact traces load unchanged');
    assert.equal(loaded.problems.length, damaged.size, loaded.problems.join('\n'));
    const problemFor = (i: number): string => loaded.problems.find((p) => p.includes(sampleTraceId(i))) ?? '';
    assert.match(problemFor(1), /invalid JSON/);
    assert.match(problemFor(2), /invalid JSON/);
    assert.match(problemFor(3), /empty/);
    assert.match(problemFor(4), /spans is not an array/);
    assert.match(problemFor(5), /holds trace 0+6/);
    assert.match(problemFor(7), /resourceIndex is out of range/);
    for (const problem of loaded.problems) assert.match(problem, /moved aside to traces\/[0-9a-f]{32}\.json\.corrupt-\d{4}-\d\d-\d\dT/);

    const names = await readdir(traces);
    for (const [i, text] of damaged) {
      assert.equal(existsSync(file(i)), false);
      const aside = names.filter((n) => n.startsWith(`${sampleTraceId(i)}.json.corrupt-`));
      assert.equal(aside.length, 1);
      assert.equal(await readFile(join(traces, aside[0]), 'utf8'), text, 'kept byte for byte for inspection');
    }
    assert.ok(names.includes('notes.txt'));

    const again = await new TracePersistence(dir).load();
    assert.deepEqual(again.problems, [], 'files set aside are not reported twice');
    assert.equal(again.traces.length, 2);
  });

  it('moves a corrupt meta file aside and derives nextSeq from the traces', async () => {
    const dir = await tempDir();
    await storeWith(dir, 4);
    await writeFile(join(dir, 'meta.json'), '{"version": 1, "nextSeq": ');
    const loaded = await new TracePersistence(dir).load();
    assert.equal(loaded.traces.length, 4);
    assert.equal(loaded.problems.length, 1);
    assert.match(loaded.problems[0], /meta\.json is unusable \(invalid JSON.*moved aside to meta\.json\.corrupt-/);
    assert.deepEqual(loaded.meta, { version: 2, nextSeq: 5, evictedTraces: 0 });

    await writeFile(join(dir, 'meta.json'), JSON.stringify({ version: 1, nextSeq: -2, evictedTraces: 0 }));
    const wrongShape = await new TracePersistence(dir).load();
    assert.match(wrongShape.problems[0], /nextSeq is not a whole number/);
    assert.equal(wrongShape.meta.nextSeq, 5);
    assert.equal((await readdir(dir)).filter((n) => n.startsWith('meta.json.corrupt-')).length, 2);
  });

  it('raises a stale nextSeq past the newest stored trace (meta lags after a crash)', async () => {
    const dir = await tempDir();
    await storeWith(dir, 3);
    await writeFile(join(dir, 'meta.json'), JSON.stringify({ version: 1, nextSeq: 2, evictedTraces: 7 }));
    const loaded = await new TracePersistence(dir).load();
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(loaded.meta, { version: 2, nextSeq: 4, evictedTraces: 7 });
  });

  it('deletes temp files left by an interrupted write and keeps the previous version', async () => {
    const dir = await tempDir();
    await storeWith(dir, 2);
    const traces = join(dir, 'traces');
    await writeFile(join(traces, `.${sampleTraceId(0)}.json.tmp`), '{"traceId": "0000'); // half-written update
    await writeFile(join(traces, `.${sampleTraceId(9)}.json.tmp`), JSON.stringify(sampleTrace(9, 1))); // never renamed
    await writeFile(join(dir, '.meta.json.tmp'), '{');
    const loaded = await new TracePersistence(dir).load();
    assert.deepEqual(loaded.problems, []);
    assert.equal(loaded.removedTempFiles, 3);
    assert.deepEqual(loaded.traces, [sampleTrace(0, 3), sampleTrace(1, 3)]);
    assert.equal(loaded.meta.evictedTraces, 2);
    assert.deepEqual(
      (await readdir(traces)).sort(),
      [0, 1].map((i) => `${sampleTraceId(i)}.json`),
    );
    assert.deepEqual((await readdir(dir)).sort(), ['meta.json', 'traces']);
  });

  it('a later write replaces a trace file whose earlier version was set aside', async () => {
    const dir = await tempDir();
    await storeWith(dir, 1);
    await writeFile(join(dir, 'traces', `${sampleTraceId(0)}.json`), '[');
    const persistence = new TracePersistence(dir);
    const loaded = await persistence.load();
    assert.equal(loaded.traces.length, 0);
    persistence.markDirty(sampleTrace(0, 5));
    await persistence.close();
    const reloaded = await new TracePersistence(dir).load();
    assert.deepEqual(reloaded.traces, [sampleTrace(0, 5)]);
    assert.deepEqual(reloaded.problems, []);
  });
});
