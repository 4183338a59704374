import * as assert from 'node:assert/strict';
import { TraceEngine, type PersistencePort } from '../../../src/core/engine/traceEngine';
import type { StoredTrace } from '../../../src/model/storedTrace';
import { hexId, span, traceRequest } from '../../support/otlpBuilders';

/** A store that only records which traces were marked for writing. */
function recordingStore(): PersistencePort & { marked: string[] } {
  const marked: string[] = [];
  return {
    marked,
    load: async () => ({ traces: [], problems: [], meta: { evictedTraces: 0 } }),
    markDirty: (trace: StoredTrace) => void marked.push(trace.traceId),
    updateMeta: () => undefined,
    remove: () => undefined,
    removeAll: () => undefined,
    flush: async () => undefined,
    close: async () => undefined,
    lastError: undefined,
  };
}

function spans(traceId: string, n: number) {
  return Array.from({ length: n }, (_, i) => span(traceId, hexId(8), undefined, `s${i}`, i, i + 1));
}

/** A few turns of the event loop (assembly starts two turns after the answer). */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('TraceEngine answers senders before assembling their spans', () => {
  let engine: TraceEngine;
  afterEach(async () => engine?.close());

  it('assembles right after the answer, and every reader sees the spans at once', async () => {
    const store = recordingStore();
    engine = await TraceEngine.open({ persistence: store });
    const t = hexId(16);
    assert.equal(engine.ingestTraces(traceRequest(spans(t, 3))), undefined);
    await turns(1);
    assert.deepEqual(store.marked, [], 'not assembled yet when the answer goes out');
    await turns(3);
    assert.deepEqual(store.marked, [t], 'assembled a turn later without anyone asking');

    const u = hexId(16);
    engine.ingestTraces(traceRequest(spans(u, 2)));
    // A reader in the same turn drains the queue first.
    assert.equal(engine.listTracesNow().find((s) => s.traceId === u)?.spanCount, 2);
    assert.equal((await engine.stats()).spans, 5);
  });

  it('still answers the per-trace span limit exactly while spans of that trace wait', async () => {
    engine = await TraceEngine.open({ maxSpansPerTrace: 5 });
    const t = hexId(16);
    assert.equal(engine.ingestTraces(traceRequest(spans(t, 3))), undefined);
    const answer = engine.ingestTraces(traceRequest(spans(t, 4)));
    assert.equal(answer?.rejected, 2);
    assert.match(answer!.errorMessage, /over the limit of 5 spans per trace/);
    const stats = await engine.stats();
    assert.equal(stats.spans, 5);
    assert.equal(stats.droppedSpans, 2);
  });

  it('rejects invalid spans in the answer and counts them once', async () => {
    engine = await TraceEngine.open();
    const t = hexId(16);
    const answer = engine.ingestTraces(traceRequest([...spans(t, 2), span('0'.repeat(32), hexId(8), undefined, 'bad', 0, 1)]));
    assert.equal(answer?.rejected, 1);
    await turns(4);
    const stats = await engine.stats();
    assert.equal(stats.rejectedSpans, 1);
    assert.equal(stats.spans, 2);
  });

  it('keeps arrival order: a later request replaces an earlier span with the same id', async () => {
    engine = await TraceEngine.open();
    const t = hexId(16);
    const id = hexId(8);
    engine.ingestTraces(traceRequest([span(t, id, undefined, 'first', 0, 1)]));
    engine.ingestTraces(traceRequest([span(t, id, undefined, 'second', 0, 1)]));
    const detail = await engine.getTrace(t);
    assert.deepEqual(
      detail?.spans.map((s) => s.name),
      ['second'],
    );
  });

  it('assembles before answering when many spans already wait', async () => {
    const store = recordingStore();
    engine = await TraceEngine.open({ persistence: store });
    const first = hexId(16);
    const second = hexId(16);
    engine.ingestTraces(traceRequest(spans(first, 15_000)));
    assert.deepEqual(store.marked, []);
    engine.ingestTraces(traceRequest(spans(second, 10_000)));
    assert.deepEqual([...new Set(store.marked)], [first, second], 'a long queue is worked off before the next answer');
  });
});
