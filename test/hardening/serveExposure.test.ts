import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, type ServeProcess } from '../support/cliProcess';
import { hexId, span, traceRequest } from '../support/otlpBuilders';
import { send } from '../unit/receiver/httpClient';
import { toProtobuf } from './otlpWire';

describe('loupe serve network exposure (the real process)', function () {
  this.timeout(60_000);
  let store: string;
  let serve: ServeProcess | undefined;
  before(async () => {
    store = await mkdtemp(join(tmpdir(), 'loupe-exposure-'));
    serve = await startServe(['--grpc-port', '0', '--http-port', '0', '--store', store]);
  });
  after(async () => {
    if (serve && serve.child.exitCode === null) serve.child.kill('SIGKILL');
    await rm(store, { recursive: true, force: true });
  });

  it('listens on loopback by default and says nothing about exposure', async () => {
    // The exposure warning would follow the last listener line; wait for that line first.
    for (let waited = 0; !/UI and REST API on /.test(serve!.output()) && waited < 5_000; waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));
    assert.match(serve!.output(), /UI and REST API on http:\/\/127\.0\.0\.1:\d+\//);
    assert.match(serve!.output(), /OTLP\/gRPC listening on 127\.0\.0\.1:\d+/);
    assert.match(serve!.output(), /OTLP\/HTTP listening on http:\/\/127\.0\.0\.1:\d+\//);
    assert.doesNotMatch(serve!.output(), /exposes your traces/);
  });

  it('refuses a rebound Host, a cross-origin export and sends no CORS headers from /api', async () => {
    const port = serve!.httpPort;
    const body = toProtobuf(traceRequest([span(hexId(16), hexId(8), undefined, 'from a web page', 0, 1)]));
    const rebound = await send({
      port,
      method: 'POST',
      path: '/v1/traces',
      headers: { Host: `attacker.example:${port}`, 'Content-Type': 'application/x-protobuf' },
      body,
    });
    assert.equal(rebound.status, 403);
    const reboundApi = await send({ port, path: '/api/traces', headers: { Host: 'attacker.example' } });
    assert.equal(reboundApi.status, 403);
    const crossOrigin = await send({
      port,
      method: 'POST',
      path: '/v1/traces',
      headers: { Origin: 'https://attacker.example', 'Content-Type': 'application/x-protobuf' },
      body,
    });
    assert.equal(crossOrigin.status, 403);
    const api = await send({ port, path: '/api/health', headers: { Origin: 'https://attacker.example' } });
    assert.equal(api.status, 200);
    assert.equal(api.headers['access-control-allow-origin'], undefined);
    const health = JSON.parse(api.text) as { spans: number };
    assert.equal(health.spans, 0, 'nothing from the refused requests was stored');
  });
});
