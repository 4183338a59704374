import * as assert from 'node:assert/strict';
import { ASSEMBLY_CHUNK_SPANS, AssemblyQueue, chunksOf } from '../../../src/core/engine/assemblyQueue';
import type { ExportTraceServiceRequest } from '../../../src/model/otlpTypes';
import { hexId, span, str } from '../../support/otlpBuilders';

/** Two resources, the second with two scopes, spans of two traces interleaved. */
function request(perScope: number): { request: ExportTraceServiceRequest; counts: Map<string, number> } {
  const traces = [hexId(16), hexId(16)];
  const counts = new Map<string, number>();
  const spansFor = (scope: string) =>
    Array.from({ length: perScope }, (_, i) => {
      const traceId = traces[i % 2];
      counts.set(traceId, (counts.get(traceId) ?? 0) + 1);
      return span(traceId, hexId(8), undefined, `${scope}-${i}`, i, i + 1);
    });
  return {
    counts,
    request: {
      resourceSpans: [
        { resource: { attributes: [str('service.name', 'a')] }, scopeSpans: [{ scope: { name: 's1' }, spans: spansFor('a/s1') }] },
        {
          resource: { attributes: [str('service.name', 'b')] },
          schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
          scopeSpans: [
            { scope: { name: 's2' }, spans: spansFor('b/s2') },
            { scope: { name: 's3' }, schemaUrl: 'https://example.com/s3', spans: spansFor('b/s3') },
          ],
        },
      ],
    },
  };
}

/** Every span with the resource, scope and schema URLs it would be stored with, in order. */
function flatten(requests: ExportTraceServiceRequest[]): string[] {
  return requests.flatMap((r) =>
    r.resourceSpans.flatMap((rs) =>
      rs.scopeSpans.flatMap((ss) =>
        ss.spans.map((s) => JSON.stringify([rs.resource, rs.schemaUrl, ss.scope, ss.schemaUrl, s.spanId, s.name])),
      ),
    ),
  );
}

describe('AssemblyQueue', () => {
  it('cuts a large request into chunks that keep every span, in order, with its resource and scope', () => {
    const { request: big, counts } = request(150);
    const chunks = chunksOf(big, counts);
    assert.equal(chunks.length, Math.ceil(450 / ASSEMBLY_CHUNK_SPANS));
    for (const chunk of chunks) assert.ok(flatten([chunk.request]).length <= ASSEMBLY_CHUNK_SPANS);
    assert.deepEqual(flatten(chunks.map((c) => c.request)), flatten([big]));
    const summed = new Map<string, number>();
    for (const chunk of chunks) for (const [t, n] of chunk.spans) summed.set(t, (summed.get(t) ?? 0) + n);
    assert.deepEqual(summed, counts);
  });

  it('counts only the valid spans of each chunk', () => {
    const { request: big } = request(100);
    const spans = big.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    const invalid = new Set(spans.filter((_, i) => i % 3 === 0));
    const counts = new Map<string, number>();
    for (const s of spans) if (!invalid.has(s)) counts.set(s.traceId, (counts.get(s.traceId) ?? 0) + 1);
    const summed = new Map<string, number>();
    for (const chunk of chunksOf(big, counts, invalid)) {
      assert.equal(chunk.invalid, invalid);
      for (const [t, n] of chunk.spans) summed.set(t, (summed.get(t) ?? 0) + n);
    }
    assert.deepEqual(summed, counts);
  });

  it('never counts more spans in its chunks than the caller counted, even with invalid spans unnamed', () => {
    const { request: big } = request(100);
    const spans = big.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    const counts = new Map<string, number>();
    spans.forEach((s, i) => i % 3 !== 0 && counts.set(s.traceId, (counts.get(s.traceId) ?? 0) + 1));
    const summed = new Map<string, number>();
    for (const chunk of chunksOf(big, counts)) for (const [t, n] of chunk.spans) summed.set(t, (summed.get(t) ?? 0) + n);
    assert.deepEqual(summed, counts);
  });

  it('keeps a small request whole', () => {
    const { request: small, counts } = request(10);
    const chunks = chunksOf(small, counts);
    assert.equal(chunks.length, 1);
    assert.equal(chunks[0].request, small);
  });

  it('lets other work run between chunks of a long queue, and drains it all on demand', async () => {
    const assembled: number[] = [];
    const queue = new AssemblyQueue(
      (r) => {
        // About 2 ms of work per chunk, so one turn's budget holds a few chunks only.
        const until = performance.now() + 2;
        while (performance.now() < until);
        assembled.push(flatten([r]).length);
      },
      () => undefined,
    );
    const { request: big, counts } = request(300);
    queue.push(big, counts);
    assert.equal(queue.queuedSpans(), 900);
    let interleaved = -1;
    await new Promise<void>((resolve) => {
      const probe = () => {
        if (assembled.length > 0 && interleaved < 0) interleaved = assembled.length;
        if (queue.queuedSpans() === 0) resolve();
        else setImmediate(probe);
      };
      setImmediate(probe);
    });
    assert.ok(interleaved > 0 && interleaved < assembled.length, `other work ran after ${interleaved} of ${assembled.length} chunks`);
    assert.equal(
      assembled.reduce((a, b) => a + b, 0),
      900,
    );

    const more = request(100);
    queue.push(more.request, more.counts);
    queue.drain();
    assert.equal(queue.queuedSpans(), 0);
    queue.dispose();
  });
});
