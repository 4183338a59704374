import * as assert from 'node:assert/strict';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import type { TraceChange } from '../../../src/model/traceTypes';
import { hexId, logsRequest, span, str, traceRequest } from '../../support/otlpBuilders';

describe('TraceEngine', () => {
  let engine: TraceEngine;
  afterEach(async () => engine?.close());

  it('assembles one trace from three requests that arrive children first', async () => {
    engine = await TraceEngine.open();
    const t = hexId(16);
    const [root, child, grandchild] = [hexId(8), hexId(8), hexId(8)];
    engine.ingestTraces(traceRequest([span(t, grandchild, child, 'grandchild', 20, 30)]));
    engine.ingestTraces(traceRequest([span(t, child, root, 'child', 10, 40)]));
    let summary = (await engine.listTraces())[0];
    assert.equal(summary.orphanCount, 1, 'child waits for its parent');
    engine.ingestTraces(traceRequest([span(t, root, undefined, 'root', 0, 50)]));

    const traces = await engine.listTraces();
    assert.equal(traces.length, 1);
    summary = traces[0];
    assert.equal(summary.name, 'root');
    assert.equal(summary.spanCount, 3);
    assert.equal(summary.orphanCount, 0);
    assert.equal(summary.durationMs, 50);

    const rows = (await engine.waterfall(t))!;
    assert.deepEqual(
      rows.map((r) => [r.name, r.depth, r.offsetMs]),
      [
        ['root', 0, 0],
        ['child', 1, 10],
        ['grandchild', 2, 20],
      ],
    );
    const detail = (await engine.getTrace(t))!;
    assert.deepEqual(
      detail.spans.map((s) => s.parentSpanId),
      [undefined, root, child],
    );
    assert.equal(detail.spans[0].rollup!.spanCount, 3);
    assert.equal(detail.spans[0].rollup!.selfTimeMs, 20);
  });

  it('keeps spans whose parent never arrives as roots and counts them', async () => {
    engine = await TraceEngine.open();
    const t = hexId(16);
    engine.ingestTraces(traceRequest([span(t, hexId(8), hexId(8), 'lost-parent', 2, 5), span(t, hexId(8), undefined, 'root', 0, 10)]));
    const [summary] = await engine.listTraces();
    assert.equal(summary.name, 'root', 'a true root names the trace, not an orphan');
    assert.equal(summary.orphanCount, 1);
    const rows = (await engine.waterfall(t))!;
    assert.deepEqual(
      rows.map((r) => [r.name, r.depth, r.orphan]),
      [
        ['root', 0, false],
        ['lost-parent', 0, true],
      ],
    );
  });

  it('replaces a span sent twice instead of duplicating it', async () => {
    engine = await TraceEngine.open();
    const t = hexId(16);
    const s = hexId(8);
    engine.ingestTraces(traceRequest([span(t, s, undefined, 'first', 0, 5)]));
    engine.ingestTraces(traceRequest([span(t, s, undefined, 'retried', 0, 5)]));
    const detail = (await engine.getTrace(t))!;
    assert.equal(detail.spans.length, 1);
    assert.equal(detail.spans[0].name, 'retried');
    assert.equal((await engine.stats()).spans, 1);
  });

  it('rejects spans with invalid ids through partial success and keeps the valid ones', async () => {
    engine = await TraceEngine.open();
    const t = hexId(16);
    const result = engine.ingestTraces(
      traceRequest([
        span(t, hexId(8), undefined, 'good', 0, 1),
        span('abc', hexId(8), undefined, 'bad trace', 0, 1),
        span(t, '0000000000000000', undefined, 'zero span', 0, 1),
      ]),
    );
    assert.equal(result?.rejected, 2);
    assert.match(result!.errorMessage, /invalid trace id/);
    assert.match(result!.errorMessage, /invalid span id/);
    assert.equal((await engine.getTrace(t))!.spans.length, 1);
    assert.equal((await engine.stats()).rejectedSpans, 2);
  });

  it('attaches log records to their span whether they arrive before or after it', async () => {
    engine = await TraceEngine.open();
    const t = hexId(16);
    const s = hexId(8);
    engine.ingestLogs(
      logsRequest([
        {
          traceId: t,
          spanId: s,
          eventName: 'gen_ai.user.message',
          body: { stringValue: 'early' },
          attributes: [],
          timeUnixNano: '1795279085000000000',
        },
      ]),
    );
    assert.equal((await engine.listTraces()).length, 0, 'a trace with only logs is not listed');
    assert.equal(await engine.getTrace(t), undefined);
    engine.ingestTraces(traceRequest([span(t, s, undefined, 'chat', 0, 5)]));
    engine.ingestLogs(
      logsRequest([{ traceId: t, spanId: s, body: { stringValue: 'late' }, attributes: [str('event.name', 'gen_ai.choice')] }]),
    );
    engine.ingestLogs(logsRequest([{ body: { stringValue: 'no trace context' }, attributes: [] }]));
    const detail = (await engine.getTrace(t))!;
    assert.deepEqual(
      detail.spans[0].logs.map((l) => l.body),
      ['early', 'late'],
    );
    assert.equal(detail.spans[0].logs[0].eventName, 'gen_ai.user.message');
  });

  it('evicts the oldest trace when the cap is reached and announces it', async () => {
    engine = await TraceEngine.open({ maxTraces: 3, changeDelayMs: 1 });
    const changes: TraceChange[] = [];
    engine.subscribe((c) => changes.push(c));
    const ids = [hexId(16), hexId(16), hexId(16), hexId(16)];
    for (const t of ids) engine.ingestTraces(traceRequest([span(t, hexId(8), undefined, t, 0, 1)]));
    await engine.flush();
    const listed = (await engine.listTraces()).map((s) => s.traceId).sort();
    assert.deepEqual(listed, ids.slice(1).sort());
    assert.equal(await engine.getTrace(ids[0]), undefined);
    const stats = await engine.stats();
    assert.equal(stats.evictedTraces, 1);
    assert.equal(stats.spans, 3);
    assert.ok(changes.some((c) => c.removed.includes(ids[0])));
  });

  it('drops and counts spans beyond the per-trace limit', async () => {
    engine = await TraceEngine.open({ maxSpansPerTrace: 2 });
    const t = hexId(16);
    const result = engine.ingestTraces(traceRequest([0, 1, 2, 3].map((i) => span(t, hexId(8), undefined, `s${i}`, i, i + 1))));
    assert.equal(result?.rejected, 2);
    const [summary] = await engine.listTraces();
    assert.equal(summary.spanCount, 2);
    assert.equal(summary.droppedSpans, 2);
  });

  it('coalesces a burst of spans into a few change events with fresh summaries', async () => {
    engine = await TraceEngine.open({ changeDelayMs: 20 });
    const changes: TraceChange[] = [];
    engine.subscribe((c) => changes.push(c));
    const t = hexId(16);
    for (let i = 0; i < 500; i++) engine.ingestTraces(traceRequest([span(t, hexId(8), undefined, `s${i}`, i, i + 1)]));
    assert.equal(changes.length, 0, 'never notifies synchronously from ingest');
    // Assembly runs after the senders are answered, so the burst may straddle two windows.
    for (let i = 0; i < 100 && changes.at(-1)?.stats.spans !== 500; i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(changes.length >= 1 && changes.length <= 3, `${changes.length} change events for 500 requests`);
    const last = changes.at(-1)!;
    assert.equal(last.upserted[0].spanCount, 500);
    assert.equal(last.stats.spans, 500);
  });

  it('filters the list by service, status and free text', async () => {
    engine = await TraceEngine.open();
    const a = hexId(16);
    const b = hexId(16);
    engine.ingestTraces(traceRequest([span(a, hexId(8), undefined, 'alpha run', 0, 1)], 'svc-a'));
    const failing = span(b, hexId(8), undefined, 'beta run', 5, 6);
    failing.status = { code: 2, message: 'boom' };
    engine.ingestTraces(traceRequest([failing], 'svc-b'));
    assert.deepEqual(
      (await engine.listTraces()).map((s) => s.name),
      ['beta run', 'alpha run'],
    );
    assert.deepEqual(
      (await engine.listTraces({ service: 'SVC-A' })).map((s) => s.name),
      ['alpha run'],
    );
    assert.deepEqual(
      (await engine.listTraces({ status: 'error' })).map((s) => s.name),
      ['beta run'],
    );
    assert.deepEqual(
      (await engine.listTraces({ q: 'ALPHA' })).map((s) => s.name),
      ['alpha run'],
    );
    assert.deepEqual(
      (await engine.listTraces({ limit: 1 })).map((s) => s.name),
      ['beta run'],
    );
  });

  it('exports a trace as OTLP that imports back into an equal trace', async () => {
    engine = await TraceEngine.open();
    const t = hexId(16);
    const root = hexId(8);
    engine.ingestTraces(traceRequest([span(t, root, undefined, 'root', 0, 10, [str('k', 'v')])], 'one'));
    engine.ingestTraces(traceRequest([span(t, hexId(8), root, 'child', 1, 2)], 'two'));
    const exported = (await engine.exportOtlp(t))!;
    assert.equal(exported.resourceSpans.length, 2);
    const other = await TraceEngine.open();
    try {
      assert.deepEqual((await other.importOtlp(JSON.stringify(exported))).traceIds, [t]);
      const a = (await engine.getTrace(t))!;
      const b = (await other.getTrace(t))!;
      assert.deepEqual(
        b.spans.map((s) => [s.spanId, s.name, s.service, s.attributes]),
        a.spans.map((s) => [s.spanId, s.name, s.service, s.attributes]),
      );
    } finally {
      await other.close();
    }
  });

  it('keeps the schema URLs of resources and scopes through export', async () => {
    engine = await TraceEngine.open();
    const t = hexId(16);
    const request = traceRequest([span(t, hexId(8), undefined, 'root', 0, 1)]);
    request.resourceSpans[0].schemaUrl = 'https://opentelemetry.io/schemas/1.30.0';
    request.resourceSpans[0].scopeSpans[0].schemaUrl = 'https://opentelemetry.io/schemas/1.29.0';
    engine.ingestTraces(request);
    const exported = (await engine.exportOtlp(t))!;
    assert.equal(exported.resourceSpans[0].schemaUrl, 'https://opentelemetry.io/schemas/1.30.0');
    assert.equal(exported.resourceSpans[0].scopeSpans[0].schemaUrl, 'https://opentelemetry.io/schemas/1.29.0');
    assert.deepEqual(exported.resourceSpans[0].resource, request.resourceSpans[0].resource);
    assert.deepEqual(exported.resourceSpans[0].scopeSpans[0].scope, request.resourceSpans[0].scopeSpans[0].scope);
  });

  it('answers for one span with the same content as the whole trace detail', async () => {
    engine = await TraceEngine.open();
    const t = hexId(16);
    const root = hexId(8);
    const child = hexId(8);
    engine.ingestTraces(traceRequest([span(t, root, undefined, 'root', 0, 10), span(t, child, root, 'child', 2, 4, [str('k', 'v')])]));
    const detail = (await engine.getTrace(t))!;
    assert.deepEqual(
      await engine.span(t, child),
      detail.spans.find((s) => s.spanId === child),
    );
    assert.deepEqual(
      await engine.span(t, root),
      detail.spans.find((s) => s.spanId === root),
    );
    assert.equal(await engine.span(t, hexId(8)), undefined);
    assert.equal(await engine.span(hexId(16), root), undefined);
  });

  it('never serves a stale waterfall or span after the trace changes', async () => {
    engine = await TraceEngine.open();
    const t = hexId(16);
    const root = hexId(8);
    engine.ingestTraces(traceRequest([span(t, root, undefined, 'root', 0, 10)]));
    assert.equal((await engine.waterfall(t))!.length, 1);
    assert.equal((await engine.span(t, root))!.rollup!.spanCount, 1);
    engine.ingestTraces(traceRequest([span(t, hexId(8), root, 'late child', 1, 2)]));
    assert.deepEqual(
      (await engine.waterfall(t))!.map((r) => r.name),
      ['root', 'late child'],
    );
    assert.equal((await engine.span(t, root))!.rollup!.spanCount, 2);
    assert.strictEqual(await engine.waterfall(t), await engine.waterfall(t), 'an unchanged trace reuses its rows');
  });

  it('deletes one trace and clears all', async () => {
    engine = await TraceEngine.open();
    const [a, b] = [hexId(16), hexId(16)];
    engine.ingestTraces(traceRequest([span(a, hexId(8), undefined, 'a', 0, 1), span(b, hexId(8), undefined, 'b', 0, 1)]));
    assert.equal(await engine.deleteTrace(a), true);
    assert.equal(await engine.deleteTrace(a), false);
    assert.deepEqual(
      (await engine.listTraces()).map((s) => s.traceId),
      [b],
    );
    await engine.clear();
    assert.deepEqual(await engine.listTraces(), []);
    assert.equal((await engine.health()).spans, 0);
  });
});
