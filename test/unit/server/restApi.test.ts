import { deepStrictEqual, match, ok, strictEqual } from 'node:assert';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { ExportTraceServiceRequest } from '../../../src/model/otlpTypes';
import type { Breakdown, Health, TraceDetail, TraceSummary, WaterfallRow } from '../../../src/model/traceTypes';
import { fromWaterfallColumns } from '../../../src/model/waterfallColumns';
import { send, type HttpReply } from '../receiver/httpClient';
import { spansById } from '../receiver/otlpCanonical';
import { REMOTE_PARENT } from '../receiver/sampleSpans';
import { readFixture, sendSampleRun, startLoupe } from './liveLoupe';

const SAMPLE_TRACE = REMOTE_PARENT.traceId;
const UNKNOWN_TRACE = 'ffffffffffffffffffffffffffffffff';

function json<T>(reply: HttpReply): T {
  strictEqual(reply.headers['content-type'], 'application/json; charset=utf-8');
  return JSON.parse(reply.text) as T;
}

/** Per-span comparison without schema URLs, which the stored form does not keep. */
function withoutSchemaUrls(spans: Map<string, unknown>): Map<string, unknown> {
  return new Map(
    [...spans].map(([id, entry]) => {
      const { resourceSchemaUrl: _r, scopeSchemaUrl: _s, ...rest } = entry as Record<string, unknown>;
      return [id, rest];
    }),
  );
}

describe('REST API over the real engine', () => {
  let loupe: Awaited<ReturnType<typeof startLoupe>>;
  let sentSpans: ReadableSpan[];
  const get = (path: string) => send({ port: loupe.port, token: loupe.token, path });

  before(async () => {
    loupe = await startLoupe();
    sentSpans = await sendSampleRun(loupe.port);
    const fixture = await readFixture('a-otel-instrumentation-openai.otlp.json');
    const posted = await send({
      port: loupe.port,
      token: loupe.token,
      method: 'POST',
      path: '/v1/traces',
      headers: { 'Content-Type': 'application/json' },
      body: fixture,
    });
    strictEqual(posted.status, 200, posted.text);
  });
  after(() => loupe.stop());

  it('GET /api/health says who and what is running', async () => {
    const health = json<Health>(await get('/api/health'));
    strictEqual(health.status, 'ok');
    strictEqual(health.product, 'loupe');
    strictEqual(health.httpPort, loupe.port);
    strictEqual(health.traces, 2);
    strictEqual(health.spans, 5 + 8);
  });

  it('GET /api/traces lists traces newest first with the documented fields', async () => {
    const reply = await get('/api/traces');
    strictEqual(reply.status, 200);
    strictEqual(reply.headers['access-control-allow-origin'], undefined);
    const traces = json<TraceSummary[]>(reply);
    strictEqual(traces.length, 2);
    for (const key of [
      'traceId',
      'name',
      'service',
      'startTime',
      'durationMs',
      'spanCount',
      'errorCount',
      'tokens',
      'costUsd',
      'agents',
      'models',
    ]) {
      ok(key in traces[0], key);
    }
    ok(traces[0].updatedTime >= traces[1].updatedTime || traces[0].startTime >= traces[1].startTime);
    const sample = traces.find((trace) => trace.traceId === SAMPLE_TRACE);
    strictEqual(sample?.spanCount, 5);
    strictEqual(sample?.errorCount, 1);
    strictEqual(sample?.service, 'agent-under-test');
  });

  it('filters by service, status, text and limit, and ignores unknown parameters', async () => {
    const byService = json<TraceSummary[]>(await get('/api/traces?service=agent-under-test'));
    deepStrictEqual(
      byService.map((t) => t.traceId),
      [SAMPLE_TRACE],
    );
    const errors = json<TraceSummary[]>(await get('/api/traces?status=error'));
    ok(errors.some((t) => t.traceId === SAMPLE_TRACE));
    ok(errors.every((t) => t.errorCount > 0));
    strictEqual(json<TraceSummary[]>(await get('/api/traces?limit=1')).length, 1);
    strictEqual(json<TraceSummary[]>(await get('/api/traces?limit=10000&sort=whatever&foo')).length, 2);
    deepStrictEqual(json<TraceSummary[]>(await get('/api/traces?service=nobody')), []);
  });

  it('answers bad list queries with 400 and a JSON error', async () => {
    for (const query of [
      'limit=0',
      'limit=10001',
      'limit=abc',
      'limit=1.5',
      'limit=-3',
      'limit=1e3',
      'status=ok',
      'status=ERROR',
      `q=${'x'.repeat(1001)}`,
    ]) {
      const reply = await get(`/api/traces?${query}`);
      strictEqual(reply.status, 400, query);
      ok(json<{ error: string }>(reply).error.length > 0, query);
    }
  });

  it('GET /api/traces/{id} returns the spans and totals', async () => {
    const detail = json<TraceDetail>(await get(`/api/traces/${SAMPLE_TRACE}`));
    strictEqual(detail.traceId, SAMPLE_TRACE);
    strictEqual(detail.spans.length, 5);
    strictEqual(detail.spans[0].name, 'invoke_agent planner');
    ok('tokens' in detail.totals && 'costUsd' in detail.totals);
    const upper = json<TraceDetail>(await get(`/api/traces/${SAMPLE_TRACE.toUpperCase()}`));
    strictEqual(upper.traceId, SAMPLE_TRACE);
  });

  it('GET /api/traces/{id}/waterfall returns rows in display order', async () => {
    const rows = json<WaterfallRow[]>(await get(`/api/traces/${SAMPLE_TRACE}/waterfall`));
    strictEqual(rows.length, 5);
    strictEqual(rows[0].depth, 0);
    strictEqual(rows[0].offsetMs, 0);
    ok(rows.slice(1).every((row) => row.depth === 1));
    for (const key of ['spanId', 'depth', 'offsetMs', 'durationMs']) ok(key in rows[0], key);
  });

  it('GET /api/traces/{id}/waterfall?format=columns returns the same rows by column', async () => {
    const rows = json<WaterfallRow[]>(await get(`/api/traces/${SAMPLE_TRACE}/waterfall`));
    const response = await get(`/api/traces/${SAMPLE_TRACE}/waterfall?format=columns`);
    strictEqual(response.status, 200);
    deepStrictEqual(JSON.parse(JSON.stringify(fromWaterfallColumns(json(response)))), rows);
    strictEqual((await get(`/api/traces/${UNKNOWN_TRACE}/waterfall?format=columns`)).status, 404);
  });

  it('GET /api/traces/{id}/spans/{spanId} returns one span as the detail has it', async () => {
    const detail = json<TraceDetail>(await get(`/api/traces/${SAMPLE_TRACE}`));
    const wanted = detail.spans[2];
    deepStrictEqual(json(await get(`/api/traces/${SAMPLE_TRACE}/spans/${wanted.spanId}`)), wanted);
    deepStrictEqual(json(await get(`/api/traces/${SAMPLE_TRACE}/spans/${wanted.spanId.toUpperCase()}`)), wanted);
    const unknown = await get(`/api/traces/${SAMPLE_TRACE}/spans/${'1'.repeat(16)}`);
    strictEqual(unknown.status, 404);
    match(json<{ error: string }>(unknown).error, /No span 1111111111111111/);
    strictEqual((await get(`/api/traces/${SAMPLE_TRACE}/spans/xyz`)).status, 400);
    strictEqual((await get(`/api/traces/${UNKNOWN_TRACE}/spans/${wanted.spanId}`)).status, 404);
    strictEqual((await get(`/api/traces/${SAMPLE_TRACE}/waterfall/${wanted.spanId}`)).status, 404);
  });

  it('GET /api/traces/{id}/breakdown and /api/breakdown return breakdowns', async () => {
    const one = json<Breakdown>(await get(`/api/traces/${SAMPLE_TRACE}/breakdown`));
    strictEqual(one.traceId, SAMPLE_TRACE);
    strictEqual(one.traceCount, 1);
    ok(one.byKind.length > 0);
    const all = json<Breakdown>(await get('/api/breakdown'));
    strictEqual(all.traceId, undefined);
    strictEqual(all.traceCount, 2);
  });

  it('GET /api/traces/{id}/otlp gives back every span as sent', async () => {
    const exported = json<ExportTraceServiceRequest>(await get(`/api/traces/${SAMPLE_TRACE}/otlp`));
    const expected = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(sentSpans)));
    deepStrictEqual(withoutSchemaUrls(spansById([exported])), withoutSchemaUrls(spansById([expected])));
  });

  it('answers 400 for ids that are not trace ids and 404 for unknown traces and routes', async () => {
    for (const id of ['nothex', '123', `${SAMPLE_TRACE}0`, 'zz'.repeat(16)]) {
      const reply = await get(`/api/traces/${id}`);
      strictEqual(reply.status, 400, id);
      match(json<{ error: string }>(reply).error, /not a trace id/);
    }
    for (const path of [
      `/api/traces/${UNKNOWN_TRACE}`,
      `/api/traces/${UNKNOWN_TRACE}/waterfall`,
      `/api/traces/${UNKNOWN_TRACE}/breakdown`,
      `/api/traces/${UNKNOWN_TRACE}/otlp`,
    ]) {
      const reply = await get(path);
      strictEqual(reply.status, 404, path);
      match(json<{ error: string }>(reply).error, new RegExp(UNKNOWN_TRACE));
    }
    for (const path of ['/api', '/api/nope', `/api/traces/${SAMPLE_TRACE}/nope`, `/api/traces/${SAMPLE_TRACE}/otlp/more`]) {
      strictEqual((await get(path)).status, 404, path);
    }
  });

  it('answers wrong methods with 405 and an Allow header', async () => {
    const cases: [string, string, string][] = [
      ['POST', '/api/traces', 'GET, DELETE'],
      ['PUT', `/api/traces/${SAMPLE_TRACE}`, 'GET, DELETE'],
      ['DELETE', '/api/health', 'GET'],
      ['GET', '/api/import', 'POST'],
      ['POST', '/api/traces/stream', 'GET'],
    ];
    for (const [method, path, allow] of cases) {
      const reply = await send({
        port: loupe.port,
        token: loupe.token,
        method,
        path,
        headers: { 'Content-Type': 'application/json' },
        body: method === 'GET' ? undefined : '{}',
      });
      strictEqual(reply.status, 405, `${method} ${path}`);
      strictEqual(reply.headers.allow, allow);
    }
  });

  describe('changes', () => {
    it('POST /api/import adds an OTLP/JSON capture and returns its trace ids', async () => {
      const body = await readFixture('b-openinference-openai.otlp.json');
      const reply = await send({
        port: loupe.port,
        token: loupe.token,
        method: 'POST',
        path: '/api/import',
        headers: { 'Content-Type': 'application/json; charset=utf-8' },
        body,
      });
      strictEqual(reply.status, 200, reply.text);
      deepStrictEqual(json<{ traceIds: string[] }>(reply).traceIds.sort(), [
        '628692898248566a20d533804adb83d0',
        'bcf329b17d2f5d82a5db06c81517579b',
      ]);
      strictEqual(json<TraceDetail>(await get('/api/traces/bcf329b17d2f5d82a5db06c81517579b')).traceId, 'bcf329b17d2f5d82a5db06c81517579b');
    });

    it('POST /api/import refuses form posts and malformed captures', async () => {
      const body = await readFixture('d-vercel-ai-sdk.otlp.json');
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
        const reply = await send({
          port: loupe.port,
          token: loupe.token,
          method: 'POST',
          path: '/api/import',
          headers: { 'Content-Type': type },
          body,
        });
        strictEqual(reply.status, 415, type);
      }
      const broken = await send({
        port: loupe.port,
        token: loupe.token,
        method: 'POST',
        path: '/api/import',
        headers: { 'Content-Type': 'application/json' },
        body: '{"resourceSpans": 7}',
      });
      strictEqual(broken.status, 400);
      ok(json<{ error: string }>(broken).error.length > 0);
      strictEqual(json<TraceSummary[]>(await get('/api/traces?service=capture-d-vercel-ai-sdk')).length, 0);
    });

    it('DELETE /api/traces/{id} removes one trace', async () => {
      const removed = await send({ port: loupe.port, token: loupe.token, method: 'DELETE', path: `/api/traces/${SAMPLE_TRACE}` });
      strictEqual(removed.status, 204);
      strictEqual((await get(`/api/traces/${SAMPLE_TRACE}`)).status, 404);
      strictEqual(
        (await send({ port: loupe.port, token: loupe.token, method: 'DELETE', path: `/api/traces/${SAMPLE_TRACE}` })).status,
        404,
      );
      ok(json<TraceSummary[]>(await get('/api/traces')).every((trace) => trace.traceId !== SAMPLE_TRACE));
    });

    it('DELETE /api/traces clears everything', async () => {
      ok(json<TraceSummary[]>(await get('/api/traces')).length > 0);
      strictEqual((await send({ port: loupe.port, token: loupe.token, method: 'DELETE', path: '/api/traces' })).status, 204);
      deepStrictEqual(json<TraceSummary[]>(await get('/api/traces')), []);
      strictEqual(json<Health>(await get('/api/health')).traces, 0);
    });
  });
});
