import { deepStrictEqual, ok, strictEqual } from 'node:assert';
import { TraceEngine } from '../../../src/core/engine/traceEngine';
import { hostWithoutPort, isAllowedHostHeader, isLoopbackName } from '../../../src/model/hostNames';
import { decideOtlpCors } from '../../../src/core/receiver/otlpCors';
import { HttpServer } from '../../../src/core/host/httpListener';
import { send } from './httpClient';
import { sdkTraceRequest } from './otlpPayloads';

describe('Host header check (DNS rebinding)', () => {
  it('knows loopback names', () => {
    for (const name of ['localhost', 'LOCALHOST', 'localhost.', 'app.localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1']) {
      ok(isLoopbackName(name), name);
    }
    for (const name of ['example.com', 'localhost.example.com', '127.0.0.1.nip.io', '10.0.0.1', '0.0.0.0', '[::]', 'mylocalhost']) {
      ok(!isLoopbackName(name), name);
    }
  });

  it('splits the port off Host values and refuses malformed ones', () => {
    strictEqual(hostWithoutPort('localhost:4318'), 'localhost');
    strictEqual(hostWithoutPort('[::1]:4318'), '[::1]');
    strictEqual(hostWithoutPort('[::1]'), '[::1]');
    strictEqual(hostWithoutPort('127.0.0.1'), '127.0.0.1');
    strictEqual(hostWithoutPort('evil.com:80:81'), undefined);
    strictEqual(hostWithoutPort('[::1'), undefined);
    strictEqual(hostWithoutPort('[::1]x'), undefined);
  });

  it('accepts any Host only when the user bound a non-loopback address', () => {
    ok(!isAllowedHostHeader('evil.example:4318', '127.0.0.1'));
    ok(!isAllowedHostHeader('evil.example:4318', 'localhost'));
    ok(isAllowedHostHeader('evil.example:4318', '0.0.0.0'));
    ok(isAllowedHostHeader('192.168.1.20:4318', '192.168.1.20'));
    ok(isAllowedHostHeader('[::1]:4318', '::1'));
    ok(isAllowedHostHeader(undefined, '127.0.0.1'));
  });
});

describe('CORS decisions for /v1', () => {
  const allowed = new Set(['http://localhost:5173']);

  it('leaves requests without Origin alone', () => {
    deepStrictEqual(decideOtlpCors('POST', undefined, undefined, allowed), { headers: {} });
  });

  it('answers a preflight from a listed origin', () => {
    const decision = decideOtlpCors('OPTIONS', 'http://localhost:5173', 'content-type, x-api-key', allowed);
    strictEqual(decision.answer?.status, 204);
    strictEqual(decision.headers['Access-Control-Allow-Origin'], 'http://localhost:5173');
    strictEqual(decision.headers['Access-Control-Allow-Headers'], 'content-type, x-api-key');
  });

  it('does not echo requested headers that are not a header list', () => {
    const decision = decideOtlpCors('OPTIONS', 'http://localhost:5173', 'a\r\nSet-Cookie: x', allowed);
    strictEqual(decision.headers['Access-Control-Allow-Headers'], 'Content-Type, Content-Encoding');
  });

  it('refuses other origins, and allows every origin only when * is listed', () => {
    strictEqual(decideOtlpCors('POST', 'https://evil.example', undefined, allowed).answer?.status, 403);
    strictEqual(decideOtlpCors('POST', 'https://evil.example', undefined, new Set(['*'])).answer, undefined);
  });
});

describe('HttpServer exposure', () => {
  let engine: TraceEngine;
  let server: HttpServer;
  let port = 0;
  let validJson: Buffer;

  before(async () => {
    engine = await TraceEngine.open({});
    server = new HttpServer({ sink: engine, api: engine, port: 0, allowedOrigins: ['http://localhost:5173'] });
    port = await server.start();
    validJson = await sdkTraceRequest('json');
  });
  after(async () => {
    await server.stop();
    await engine.close();
  });

  it('refuses requests whose Host is not a loopback name', async () => {
    for (const host of [`evil.example:${port}`, `127.0.0.1.nip.io:${port}`, `localhost.evil.example:${port}`, 'a b']) {
      for (const path of ['/api/health', '/', '/v1/traces']) {
        const reply = await send({ port, path, headers: { Host: host } });
        strictEqual(reply.status, 403, `${host} ${path}`);
      }
    }
    const posted = await send({
      port,
      method: 'POST',
      path: '/v1/traces',
      headers: { Host: 'evil.example', 'Content-Type': 'application/json' },
      body: validJson,
    });
    strictEqual(posted.status, 403);
    strictEqual((await engine.stats()).spans, 0);
  });

  it('serves loopback Host names', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `loupe.localhost:${port}`, 'localhost']) {
      strictEqual((await send({ port, token: server.accessToken, path: '/api/health', headers: { Host: host } })).status, 200, host);
    }
  });

  it('sends no CORS headers from /api, not even to a listed origin', async () => {
    for (const origin of ['http://localhost:5173', 'https://evil.example']) {
      const reply = await send({ port, token: server.accessToken, path: '/api/traces', headers: { Origin: origin } });
      strictEqual(reply.status, 200);
      strictEqual(reply.headers['access-control-allow-origin'], undefined);
      const preflight = await send({
        port,
        token: server.accessToken,
        method: 'OPTIONS',
        path: '/api/traces',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'DELETE' },
      });
      strictEqual(preflight.headers['access-control-allow-origin'], undefined);
      ok(preflight.status >= 400);
    }
  });

  it('refuses state changes on /api from other origins, even with the token (a cookie rides along)', async () => {
    const remove = await send({
      port,
      token: server.accessToken,
      method: 'DELETE',
      path: '/api/traces',
      headers: { Origin: 'https://evil.example' },
    });
    strictEqual(remove.status, 403);
    const imported = await send({
      port,
      token: server.accessToken,
      method: 'POST',
      path: '/api/import',
      headers: { Origin: 'https://evil.example', 'Content-Type': 'application/json' },
      body: validJson,
    });
    strictEqual(imported.status, 403);
    const sameOrigin = await send({
      port,
      token: server.accessToken,
      method: 'DELETE',
      path: '/api/traces',
      headers: { Origin: `http://127.0.0.1:${port}` },
    });
    strictEqual(sameOrigin.status, 204);
  });

  it('answers CORS preflight on /v1 only for listed origins', async () => {
    const listed = await send({
      port,
      method: 'OPTIONS',
      path: '/v1/traces',
      headers: {
        Origin: 'http://localhost:5173',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });
    strictEqual(listed.status, 204);
    strictEqual(listed.headers['access-control-allow-origin'], 'http://localhost:5173');
    strictEqual(listed.headers['access-control-allow-methods'], 'POST, OPTIONS');
    strictEqual(listed.headers['access-control-allow-headers'], 'content-type');

    const other = await send({
      port,
      method: 'OPTIONS',
      path: '/v1/traces',
      headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
    });
    strictEqual(other.status, 403);
    strictEqual(other.headers['access-control-allow-origin'], undefined);
  });

  it('lets a listed origin post spans and refuses the others', async () => {
    const listed = await send({
      port,
      method: 'POST',
      path: '/v1/traces',
      headers: { Origin: 'http://localhost:5173', 'Content-Type': 'application/json' },
      body: validJson,
    });
    strictEqual(listed.status, 200);
    strictEqual(listed.headers['access-control-allow-origin'], 'http://localhost:5173');
    strictEqual(listed.headers.vary, 'Origin');

    const before = (await engine.stats()).spans;
    const other = await send({
      port,
      method: 'POST',
      path: '/v1/traces',
      headers: { Origin: 'https://evil.example', 'Content-Type': 'application/json' },
      body: validJson,
    });
    strictEqual(other.status, 403);
    strictEqual((await engine.stats()).spans, before);
  });
});
