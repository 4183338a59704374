import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import type { Span, TraceDetail, TraceSummary } from '../../../src/model/traceTypes';
import { answerWebviewRequest, webviewRequest } from '../../../src/model/webviewRequests';
import { fromWaterfallColumns } from '../../../src/model/waterfallColumns';
import type { WebviewRequest } from '../../../src/model/webviewMessages';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'otlp', 'b-openinference-openai.otlp.json');

describe('answering webview requests from an engine', () => {
  let engine: TraceEngine;
  let traceId: string;

  before(async () => {
    engine = await TraceEngine.open({});
    traceId = (await engine.importOtlp(readFileSync(FIXTURE, 'utf8'))).traceIds[0];
  });

  after(() => engine.close());

  const ask = (id: number, method: WebviewRequest['method'], ...args: unknown[]) =>
    answerWebviewRequest(engine, webviewRequest(id, method, args));

  it('answers each request with the engine data under the same id', async () => {
    const list = await ask(1, 'listTraces', { limit: 10 });
    assert.equal(list.id, 1);
    assert.ok(list.ok);
    assert.ok((list.result as TraceSummary[]).some((t) => t.traceId === traceId));

    const detail = await ask(2, 'getTrace', traceId);
    assert.ok(detail.ok);
    const spans = (detail.result as TraceDetail).spans;
    const span = await ask(3, 'span', traceId, spans[1].spanId);
    assert.ok(span.ok);
    assert.deepEqual(span.result as Span, spans[1]);

    const columns = await ask(4, 'waterfallColumns', traceId);
    assert.ok(columns.ok && typeof columns.result === 'string', 'the waterfall crosses as one string');
    assert.deepEqual(fromWaterfallColumns(JSON.parse(columns.result)), await engine.waterfall(traceId));
    const breakdown = await ask(5, 'breakdown', traceId);
    assert.ok(breakdown.ok && (breakdown.result as { traceId: string }).traceId === traceId);
    const overall = await ask(6, 'overallBreakdown');
    assert.ok(overall.ok && (overall.result as { traceCount: number }).traceCount >= 1);
  });

  it('answers undefined for unknown traces and spans, and reports failures and bad ids as errors', async () => {
    const unknown = '0123456789abcdef0123456789abcdef';
    for (const [method, args] of [
      ['getTrace', [unknown]],
      ['span', [unknown, '0123456789abcdef']],
      ['waterfallColumns', [unknown]],
      ['breakdown', [unknown]],
    ] as const) {
      const answer = await ask(7, method, ...args);
      assert.deepEqual(answer, { type: 'response', id: 7, ok: true, result: undefined }, method);
    }
    const failing = { ...engine, listTraces: () => Promise.reject(new Error('store unavailable')) } as unknown as TraceEngine;
    const answer = await answerWebviewRequest(failing, webviewRequest(8, 'listTraces', [{}]));
    assert.deepEqual(answer, { type: 'response', id: 8, ok: false, error: 'store unavailable' });
    const badId = await answerWebviewRequest(engine, {
      type: 'request',
      id: 9,
      method: 'getTrace',
      request: { params: { traceId: 'nope' }, query: [] },
    });
    assert.deepEqual(badId, { type: 'response', id: 9, ok: false, error: '"nope" is not a trace id (32 hexadecimal characters).' });
  });
});
