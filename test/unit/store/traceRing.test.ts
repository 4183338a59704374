import * as assert from 'node:assert/strict';
import { TraceRing } from '../../../src/core/store/traceRing';

describe('TraceRing', () => {
  it('keeps at most maxEntries and evicts the oldest first', () => {
    const ring = new TraceRing<string>({ maxEntries: 3 });
    assert.deepEqual(ring.add('a', 'A', 1), []);
    ring.add('b', 'B', 1);
    ring.add('c', 'C', 1);
    assert.deepEqual(ring.add('d', 'D', 1), ['A']);
    assert.deepEqual(ring.add('e', 'E', 1), ['B']);
    assert.deepEqual(ring.values(), ['C', 'D', 'E']);
    assert.deepEqual(ring.newestFirst(), ['E', 'D', 'C']);
    assert.deepEqual(ring.ids(), ['c', 'd', 'e']);
    assert.equal(ring.size, 3);
    assert.equal(ring.has('a'), false);
    assert.equal(ring.get('a'), undefined);
    assert.equal(ring.get('d'), 'D');
    assert.deepEqual(ring.evictions, { entries: 2, bytes: 2 });
  });

  it('defaults to the store default of 5,000 entries', () => {
    const ring = new TraceRing<number>();
    const evicted: number[] = [];
    for (let i = 0; i < 5005; i++) evicted.push(...ring.add(`t${i}`, i, 10));
    assert.equal(ring.size, 5000);
    assert.deepEqual(evicted, [0, 1, 2, 3, 4]);
    assert.equal(ring.maxEntries, 5000);
  });

  it('caps total bytes, evicting as many of the oldest as needed', () => {
    const ring = new TraceRing<string>({ maxEntries: 100, maxBytes: 100 });
    ring.add('a', 'A', 30);
    ring.add('b', 'B', 30);
    ring.add('c', 'C', 30);
    assert.equal(ring.bytes, 90);
    assert.deepEqual(ring.add('d', 'D', 70), ['A', 'B'], '160 bytes: two evictions bring it to 100');
    assert.deepEqual(ring.values(), ['C', 'D']);
    assert.equal(ring.bytes, 100);
    assert.deepEqual(ring.add('e', 'E', 95), ['C', 'D']);
    assert.deepEqual(ring.values(), ['E']);
    assert.deepEqual(ring.evictions, { entries: 4, bytes: 160 });
  });

  it('keeps the newest entry even when it alone exceeds maxBytes, until a newer one arrives', () => {
    const ring = new TraceRing<string>({ maxBytes: 100 });
    ring.add('a', 'A', 10);
    assert.deepEqual(ring.add('huge', 'HUGE', 500), ['A']);
    assert.deepEqual(ring.values(), ['HUGE']);
    assert.equal(ring.bytes, 500);
    assert.deepEqual(ring.add('b', 'B', 10), ['HUGE']);
    assert.deepEqual(ring.values(), ['B']);
  });

  it('evicts when a trace grows, oldest first, including the grown trace when it is the oldest', () => {
    const ring = new TraceRing<string>({ maxBytes: 100 });
    ring.add('a', 'A', 20);
    ring.add('b', 'B', 20);
    ring.add('c', 'C', 20);
    assert.deepEqual(ring.updateSize('b', 50), [], 'still within 100 bytes');
    assert.equal(ring.bytes, 90);
    assert.deepEqual(ring.updateSize('b', 70), ['A']);
    assert.deepEqual(ring.values(), ['B', 'C']);
    assert.deepEqual(ring.updateSize('b', 95), ['B'], 'the grown trace is now the oldest');
    assert.deepEqual(ring.values(), ['C']);
    assert.equal(ring.bytes, 20);
    assert.deepEqual(ring.updateSize('missing', 10_000), [], 'unknown ids are ignored');
    assert.equal(ring.sizeOf('c'), 20);
    assert.deepEqual(ring.evictions, { entries: 2, bytes: 20 + 95 });
  });

  it('shrinking a trace frees room without evicting', () => {
    const ring = new TraceRing<string>({ maxBytes: 100 });
    ring.add('a', 'A', 60);
    ring.updateSize('a', 10);
    assert.deepEqual(ring.add('b', 'B', 90), []);
    assert.equal(ring.bytes, 100);
  });

  it('re-adding an id replaces value and size but keeps its place', () => {
    const ring = new TraceRing<string>({ maxEntries: 2 });
    ring.add('a', 'A1', 5);
    ring.add('b', 'B', 5);
    assert.deepEqual(ring.add('a', 'A2', 7), []);
    assert.deepEqual(ring.values(), ['A2', 'B']);
    assert.equal(ring.bytes, 12);
    assert.deepEqual(ring.add('c', 'C', 1), ['A2'], 'a is still the oldest');
  });

  it('delete and clear remove entries without counting evictions', () => {
    const ring = new TraceRing<string>({ maxEntries: 5 });
    ring.add('a', 'A', 3);
    ring.add('b', 'B', 4);
    ring.add('c', 'C', 5);
    assert.equal(ring.delete('b'), true);
    assert.equal(ring.delete('b'), false);
    assert.deepEqual(ring.values(), ['A', 'C']);
    assert.equal(ring.bytes, 8);
    ring.clear();
    assert.equal(ring.size, 0);
    assert.equal(ring.bytes, 0);
    assert.deepEqual(ring.values(), []);
    assert.deepEqual(ring.evictions, { entries: 0, bytes: 0 });
    ring.add('d', 'D', 1);
    assert.deepEqual(ring.values(), ['D'], 'usable after clear');
  });

  it('setLimits evicts down to the new limits and keeps fields left undefined', () => {
    const ring = new TraceRing<string>({ maxEntries: 10, maxBytes: 1000 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) ring.add(id, id.toUpperCase(), 100);
    assert.deepEqual(ring.setLimits({ maxEntries: 3, maxBytes: undefined }), ['A', 'B']);
    assert.equal(ring.maxBytes, 1000);
    assert.deepEqual(ring.setLimits({ maxBytes: 150 }), ['C', 'D']);
    assert.equal(ring.maxEntries, 3);
    assert.deepEqual(ring.values(), ['E']);
    assert.deepEqual(ring.evictions, { entries: 4, bytes: 400 });
  });

  it('rejects limits and sizes that make no sense', () => {
    assert.throws(() => new TraceRing({ maxEntries: 0 }), /maxEntries/);
    assert.throws(() => new TraceRing({ maxEntries: 1.5 }), /maxEntries/);
    assert.throws(() => new TraceRing({ maxBytes: 0 }), /maxBytes/);
    assert.throws(() => new TraceRing({ maxBytes: Number.NaN }), /maxBytes/);
    const ring = new TraceRing<string>();
    assert.throws(() => ring.add('a', 'A', -1), /byte size/);
    assert.throws(() => ring.add('a', 'A', Number.POSITIVE_INFINITY), /byte size/);
    assert.equal(ring.size, 0, 'a refused add changes nothing');
    assert.throws(() => ring.setLimits({ maxEntries: -3 }), /maxEntries/);
    assert.equal(ring.maxEntries, 5000, 'a refused setLimits changes nothing');
  });

  it('stays fast with many entries (O(1) add and delete)', () => {
    const ring = new TraceRing<number>({ maxEntries: 50_000 });
    const started = performance.now();
    for (let i = 0; i < 200_000; i++) ring.add(`t${i}`, i, 1);
    for (let i = 150_000; i < 200_000; i += 2) ring.delete(`t${i}`);
    const elapsed = performance.now() - started;
    assert.equal(ring.size, 25_000);
    assert.equal(ring.evictions.entries, 150_000);
    assert.ok(elapsed < 2000, `200k adds took ${elapsed.toFixed(0)} ms`);
  });
});
