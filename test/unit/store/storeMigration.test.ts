import * as assert from 'node:assert/strict';
import { cp, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import { TracePersistence } from '../../../src/core/store/tracePersistence';
import { useTempDirs } from './storeTestDirs';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'store-v1');

/** What the engine answers about a store, in the shape `makeFixture.ts` recorded it. */
async function answers(engine: TraceEngine): Promise<unknown> {
  const list = await engine.listTraces();
  const traces: Record<string, unknown> = {};
  for (const s of list) {
    const detail = await engine.getTrace(s.traceId);
    const spans: Record<string, unknown> = {};
    for (const sp of detail!.spans) spans[sp.spanId] = await engine.span(s.traceId, sp.spanId);
    traces[s.traceId] = {
      detail,
      spans,
      waterfall: await engine.waterfall(s.traceId),
      breakdown: await engine.breakdown(s.traceId),
      export: await engine.exportOtlp(s.traceId),
    };
  }
  return { list, stats: await engine.stats(), overall: await engine.overallBreakdown(), traces };
}

/**
 * `version` counts changes within one run, and `stats.bytes` is the size estimate, which now
 * counts stored-once content once; everything else must be as the first layout's engine answered.
 */
function withoutVersions(value: unknown): unknown {
  const plain = JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'version' && typeof v === 'number' ? undefined : v)));
  delete plain.stats.bytes;
  return plain;
}

describe('A store written in the first layout', () => {
  const tempDir = useTempDirs();

  it('opens without loss, is rewritten in the content layout, and still answers the same after a restart', async () => {
    const dir = await tempDir();
    await cp(join(FIXTURE, 'store'), dir, { recursive: true });
    const expected = withoutVersions(JSON.parse(await readFile(join(FIXTURE, 'expected.json'), 'utf8')));
    const open = () => TraceEngine.open({ maxTraces: 7, persistence: new TracePersistence(dir, { flushDelayMs: 5 }) });

    const first = await open();
    try {
      assert.deepEqual(first.loadProblems, []);
      assert.deepEqual(withoutVersions(await answers(first)), expected);
    } finally {
      await first.close();
    }
    // Large values now live once in content files; the session's trace file refers to them.
    const session = await readFile(join(dir, 'traces', '5e55105e55105e55105e55105e55105e.json'), 'utf8');
    assert.match(session, /"contentRef"/);
    assert.ok((await readdir(join(dir, 'content'))).length > 0);
    assert.equal(JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')).version, 2);

    const second = await open();
    try {
      assert.deepEqual(second.loadProblems, []);
      assert.equal(second.residentTraces, 0, 'a start reads the index, not the trace files');
      assert.deepEqual(withoutVersions(await answers(second)), expected);
    } finally {
      await second.close();
    }
  });
});
