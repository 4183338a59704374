import { strict as assert } from 'node:assert';
import type { StoredSpan, StoredTrace } from '../../../src/model/storedTrace';
import { SPANS_PER_SLICE, traceJsonBytes } from '../../../src/core/store/traceJson';
import { hexId, span, str } from '../../support/otlpBuilders';

function trace(spanCount: number): StoredTrace {
  const traceId = hexId(16);
  return {
    traceId,
    seq: 7,
    receivedAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_500,
    resources: [{ attributes: [str('service.name', 'agent "quoted" \u2028 line')] }],
    scopes: [{ name: 'scope', schemaUrl: 'https://example.com/s' }],
    spans: Array.from({ length: spanCount }, (_, i): StoredSpan => ({
      ...span(traceId, hexId(8), undefined, `span ${i} \u{1F600} </script>`, i, i + 1, [str('k', 'v'.repeat(i % 50))]),
      resourceIndex: 0,
      scopeIndex: 0,
    })),
    logs: [],
    droppedSpans: 3,
  };
}

describe('trace file JSON', () => {
  it('is the trace as JSON, for small and for sliced large traces', async () => {
    for (const n of [0, 1, SPANS_PER_SLICE, SPANS_PER_SLICE + 1, SPANS_PER_SLICE * 3 + 17]) {
      const t = trace(n);
      assert.deepEqual(JSON.parse((await traceJsonBytes(t)).toString('utf8')), JSON.parse(JSON.stringify(t)), `${n} spans`);
    }
  });

  it('lets other work run between slices of a large trace', async () => {
    const t = trace(SPANS_PER_SLICE * 4);
    let turns = 0;
    let done = false;
    const tick = () => {
      if (done) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    await traceJsonBytes(t);
    done = true;
    assert.ok(turns >= 3, `other work ran ${turns} times meanwhile`);
  });

  it('stays valid JSON when spans arrive or are replaced while it is written, and keeps what it started with', async () => {
    const t = trace(SPANS_PER_SLICE * 3);
    const started = traceJsonBytes(t);
    t.spans[SPANS_PER_SLICE * 2] = { ...t.spans[SPANS_PER_SLICE * 2], name: 'replaced meanwhile' };
    t.spans.push({ ...t.spans[0], spanId: hexId(8), name: 'arrived meanwhile' });
    t.resources.push({ attributes: [str('service.name', 'new')] });
    const written = JSON.parse((await started).toString('utf8')) as StoredTrace;
    assert.equal(written.spans.length, SPANS_PER_SLICE * 3, 'a span that arrived meanwhile waits for the next write');
    assert.equal(written.spans[SPANS_PER_SLICE * 2].name, 'replaced meanwhile');
    assert.equal(written.resources.length, 2, 'resources are read after the spans');
    assert.equal(written.droppedSpans, 3);
  });
});
