import { deepStrictEqual, strictEqual } from 'node:assert';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import { handleApiRequest, isTraceStreamRequest } from '../../../src/core/server/restApi';
import { parseTraceQuery } from '../../../src/model/apiRoutes';
import type { LoupeApi } from '../../../src/model/api';
import { readFixture } from './liveLoupe';

describe('REST router (no sockets)', () => {
  it('parses list queries and says what is wrong', () => {
    deepStrictEqual(parseTraceQuery(new URLSearchParams('limit=25&service=svc&agent=a&model=m&status=error&q=hi&x=1').entries()), {
      limit: 25,
      service: 'svc',
      agent: 'a',
      model: 'm',
      status: 'error',
      q: 'hi',
    });
    deepStrictEqual(parseTraceQuery(new URLSearchParams('limit=&status=&service=').entries()), {});
    strictEqual(
      parseTraceQuery(new URLSearchParams('limit=10001').entries()),
      'limit must be a whole number from 1 to 10000, not "10001".',
    );
    strictEqual(parseTraceQuery(new URLSearchParams('status=ok').entries()), 'status can only be "error", not "ok".');
  });

  it('tells the stream route apart from trace routes', () => {
    strictEqual(isTraceStreamRequest('GET', '/api/traces/stream'), true);
    strictEqual(isTraceStreamRequest('GET', '/api/traces/stream/'), true);
    strictEqual(isTraceStreamRequest('DELETE', '/api/traces/stream'), false);
    strictEqual(isTraceStreamRequest('GET', '/api/traces/4bf92f3577b34da6a3ce929d0e0e4736'), false);
  });

  it('maps requests to responses over the real engine', async () => {
    const engine = await TraceEngine.open({});
    try {
      const body = await readFixture('a-otel-instrumentation-openai.otlp.json');
      const imported = await handleApiRequest(engine, {
        method: 'POST',
        path: '/api/import',
        query: new URLSearchParams(),
        contentType: 'application/json',
        body,
      });
      strictEqual(imported.status, 200);
      deepStrictEqual(JSON.parse(imported.body ?? ''), { traceIds: ['26e4b63182623d02ea487c9de9dc1903'] });
      const list = await handleApiRequest(engine, { method: 'GET', path: '/api/traces/', query: new URLSearchParams('limit=5') });
      strictEqual(list.status, 200);
      strictEqual((JSON.parse(list.body ?? '') as unknown[]).length, 1);
      const missingBody = await handleApiRequest(engine, {
        method: 'POST',
        path: '/api/import',
        query: new URLSearchParams(),
        contentType: 'application/json',
      });
      strictEqual(missingBody.status, 400);
    } finally {
      await engine.close();
    }
  });

  it('answers 500 with a JSON error when the engine fails', async () => {
    const engine = await TraceEngine.open({});
    const failing = new Proxy(engine as LoupeApi, {
      get(target, key) {
        if (key === 'listTraces') return () => Promise.reject(new Error('index corrupted'));
        const value = Reflect.get(target, key) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    try {
      const reply = await handleApiRequest(failing, { method: 'GET', path: '/api/traces', query: new URLSearchParams() });
      strictEqual(reply.status, 500);
      deepStrictEqual(JSON.parse(reply.body ?? ''), { error: 'Loupe could not answer: index corrupted' });
    } finally {
      await engine.close();
    }
  });
});
